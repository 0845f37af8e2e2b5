/**
 * Topic labels: a short label per topic from the corpus's own phrases of 1–3 words (KeyBERT's
 * approach, for topics): candidates are the n-grams of the documents' tokens (as the model's
 * training corpus was tokenized) whose words the model knows, seen in at least two documents;
 * each topic's candidates are those that hold one of its top words, ranked by the word
 * distribution and then by the encoder's cosine similarity to the topic (its top words and its
 * most representative documents); a label already given to another topic is penalised
 * (maximal marginal relevance), so labels differ. `topics --labels` and `model.labels` call it.
 */
import { documentTokens, preprocessOptionsOf, stopwordSet, type Float32Matrix, type PreprocessingRecord } from '@topickd/core';

export interface LabelInputs {
  /** The documents (raw text) and θ of each under the model. */
  texts: readonly string[];
  theta: Float32Matrix;
  /** The topics' word distributions (K × V) over `vocabulary`. */
  topicWord: Float32Matrix;
  vocabulary: readonly string[];
  preprocessing: PreprocessingRecord;
  pretokenized?: boolean;
  /** The model's encoder (rows unit-normalised or not), or null for a model that reads no embeddings. */
  embed: ((texts: string[]) => Promise<Float32Matrix>) | null;
  /** Candidates per topic taken to the encoder (default 20). */
  candidates?: number;
  /** Weight of relevance against difference from labels already given (default 0.7). */
  diversity?: number;
}

export interface TopicLabel {
  label: string;
  /** Cosine similarity to the topic (the word score where no encoder runs). */
  score: number;
}

/** n-grams (1–3 words, all in the vocabulary) with the number of documents each occurs in. */
export function candidatePhrases(texts: readonly string[], vocabulary: readonly string[], preprocessing: PreprocessingRecord, pretokenized = false): Map<string, number> {
  const options = preprocessOptionsOf(preprocessing, vocabulary);
  const stop = stopwordSet(options);
  const known = new Set(vocabulary);
  const df = new Map<string, number>();
  for (const text of texts) {
    const toks = documentTokens(text, { ...options, pretokenized }, stop);
    const seen = new Set<string>();
    for (let i = 0; i < toks.length; i++) {
      for (let n = 1; n <= 3 && i + n <= toks.length; n++) {
        const words = toks.slice(i, i + n);
        if (!words.every((w) => known.has(w)) || new Set(words).size < n) break;
        seen.add(words.join(' '));
      }
    }
    for (const p of seen) df.set(p, (df.get(p) ?? 0) + 1);
  }
  for (const [p, c] of df) if (c < 2) df.delete(p);
  return df;
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  return v.map((x) => x / n);
}
const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

export async function topicLabels(input: LabelInputs): Promise<TopicLabel[]> {
  const { topicWord, vocabulary, theta } = input;
  const K = topicWord.rows;
  const V = topicWord.cols;
  const keep = input.candidates ?? 20;
  const lambda = input.diversity ?? 0.7;
  const df = candidatePhrases(input.texts, vocabulary, input.preprocessing, input.pretokenized);
  const index = new Map(vocabulary.map((w, i) => [w, i] as const));
  // per topic: candidates holding one of its top 10 words, by mean word probability × log(1 + df)
  const perTopic: { phrase: string; words: number }[][] = [];
  for (let k = 0; k < K; k++) {
    const row = topicWord.data.subarray(k * V, (k + 1) * V);
    const top = new Set(Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b).slice(0, 10));
    const scored: { phrase: string; words: number }[] = [];
    for (const [phrase, count] of df) {
      const ids = phrase.split(' ').map((w) => index.get(w)!);
      if (!ids.some((i) => top.has(i))) continue;
      const p = ids.reduce((a, i) => a + row[i], 0) / ids.length;
      scored.push({ phrase, words: p * Math.log(1 + count) });
    }
    scored.sort((a, b) => b.words - a.words || (a.phrase < b.phrase ? -1 : 1));
    // no phrase of two documents holds a top word: the top words themselves are the candidates
    if (!scored.length) for (const i of [...top].slice(0, 3)) scored.push({ phrase: vocabulary[i], words: row[i] });
    perTopic.push(scored.slice(0, keep));
  }
  if (!input.embed) {
    // no encoder (LDA): the word score alone, a phrase used once
    const used = new Set<string>();
    return perTopic.map((cands) => {
      const c = cands.find((x) => !used.has(x.phrase)) ?? cands[0];
      if (c) used.add(c.phrase);
      return { label: c?.phrase ?? '', score: c?.words ?? 0 };
    });
  }
  // the topic's vector: its top words as a text, plus its five most representative documents
  const topicTexts: string[] = [];
  const repIdx: number[][] = [];
  for (let k = 0; k < K; k++) {
    const row = topicWord.data.subarray(k * V, (k + 1) * V);
    topicTexts.push(Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b).slice(0, 10).map((i) => vocabulary[i]).join(' '));
    const docs = Array.from({ length: theta.rows }, (_, d) => d).sort((a, b) => theta.data[b * K + k] - theta.data[a * K + k] || a - b);
    repIdx.push(docs.slice(0, 5));
  }
  const phrases = [...new Set(perTopic.flat().map((c) => c.phrase))];
  const repDocs = [...new Set(repIdx.flat())];
  const emb = await input.embed([...topicTexts, ...repDocs.map((d) => input.texts[d]), ...phrases]);
  const rowOf = (i: number) => normalise(emb.data.slice(i * emb.cols, (i + 1) * emb.cols));
  const docRow = new Map(repDocs.map((d, j) => [d, rowOf(K + j)] as const));
  const phraseRow = new Map(phrases.map((p, j) => [p, rowOf(K + repDocs.length + j)] as const));
  const labels: TopicLabel[] = [];
  const chosen: Float32Array[] = [];
  for (let k = 0; k < K; k++) {
    const v = rowOf(k);
    for (const d of repIdx[k]) {
      const r = docRow.get(d)!;
      for (let i = 0; i < v.length; i++) v[i] += r[i] / repIdx[k].length;
    }
    const topic = normalise(v);
    let best: { phrase: string; mmr: number; sim: number } | undefined;
    for (const c of perTopic[k]) {
      const e = phraseRow.get(c.phrase)!;
      const sim = dot(e, topic);
      const redundancy = chosen.length ? Math.max(...chosen.map((x) => dot(e, x))) : 0;
      const mmr = lambda * sim - (1 - lambda) * redundancy;
      if (!best || mmr > best.mmr) best = { phrase: c.phrase, mmr, sim };
    }
    labels.push({ label: best?.phrase ?? '', score: best?.sim ?? 0 });
    if (best) chosen.push(phraseRow.get(best.phrase)!);
  }
  return labels;
}
