/**
 * Topics over time and per class: each topic's share of the documents of a bin (the mean θ
 * of the bin's documents) and the words that describe it there — c-TF-IDF (as BERTopic's
 * topics_over_time) over the bin's documents whose most probable topic it is.
 * `topickd topics-over-time` and `tkd.topicsOverTime` call it.
 */
import { extname } from 'node:path';
import { readLines } from '@topickd/core/node';
import { ConfigError, DataError, type Corpus, type CsrMatrix, type Float32Matrix } from '@topickd/core';

/** How documents are grouped: N equal-width time bins, calendar months or years, or their class label. */
export type TimeBins = number | 'month' | 'year' | 'class';

export interface TopicsOverTime {
  /** One per bin, in time order (classes: in order of first appearance). */
  bins: { label: string; documents: number; start?: string; end?: string }[];
  /** The topics' top words over the whole corpus (the model's). */
  topics: string[][];
  /** share[b][k]: the mean θ of bin b's documents for topic k (each row sums to 1). */
  share: number[][];
  /** words[b][k]: topic k's top words in bin b (c-TF-IDF over the bin's documents of that topic; empty where it has none). */
  words: string[][][];
  /** Documents left out: no time or class, or no word of the model's vocabulary. */
  skipped: number;
}

/** ISO 8601 dates and times: 2024, 2024-03, 2024-03-01, 2024-03-01T12:00[:00[.000]][Z|±hh:mm]. */
const ISO_TIME = /^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

/**
 * A time value: an ISO 8601 date/time string (nothing looser: Date.parse would read "0ad" or
 * "bc 1" as dates) or a number (seconds since 1970 below 1e11, else milliseconds).
 */
export function parseTime(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
  if (typeof v === 'string' && ISO_TIME.test(v.trim())) {
    const s = v.trim();
    const t = Date.parse(/^\d{4}$/.test(s) ? `${s}-01-01` : /^\d{4}-\d{2}$/.test(s) ? `${s}-01` : s);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The bin of each document (−1: none) and the bins' descriptions. */
export function binDocuments(values: readonly unknown[], bins: TimeBins): { bin: Int32Array; bins: TopicsOverTime['bins'] } {
  const bin = new Int32Array(values.length).fill(-1);
  if (bins === 'class') {
    const index = new Map<string, number>();
    values.forEach((v, i) => {
      if (v === undefined || v === null || v === '') return;
      const key = String(v);
      if (!index.has(key)) index.set(key, index.size);
      bin[i] = index.get(key)!;
    });
    const labels = [...index.keys()];
    return { bin, bins: labels.map((label, b) => ({ label, documents: bin.filter((x) => x === b).length })) };
  }
  const times = values.map(parseTime);
  const known = times.filter((t): t is number => t !== undefined);
  if (!known.length) throw new DataError('no document has a time: the time field holds ISO dates ("2024-03-01") or numbers (seconds or milliseconds since 1970)');
  let lo = known[0];
  let hi = known[0];
  for (const t of known) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1 || bins > 1000) throw new ConfigError(`--bins must be a number of bins from 1 to 1000, month or year; got ${bins}`, 'bins');
    const width = (hi - lo) / bins || 1;
    times.forEach((t, i) => {
      if (t !== undefined) bin[i] = Math.min(bins - 1, Math.floor((t - lo) / width));
    });
    return {
      bin,
      bins: Array.from({ length: bins }, (_, b) => {
        const start = lo + b * width;
        const end = b === bins - 1 ? hi : lo + (b + 1) * width;
        return { label: `${iso(start)} … ${iso(end)}`, start: new Date(start).toISOString(), end: new Date(end).toISOString(), documents: bin.filter((x) => x === b).length };
      }),
    };
  }
  // calendar months or years (UTC), every one from the first to the last, empty ones included
  const key = (t: number) => {
    const d = new Date(t);
    return bins === 'year' ? d.getUTCFullYear() : d.getUTCFullYear() * 12 + d.getUTCMonth();
  };
  const k0 = key(lo);
  const count = key(hi) - k0 + 1;
  if (count > 5000) throw new ConfigError(`the times span ${count} ${bins}s; choose --bins year or a number of bins`, 'bins');
  times.forEach((t, i) => {
    if (t !== undefined) bin[i] = key(t) - k0;
  });
  return {
    bin,
    bins: Array.from({ length: count }, (_, b) => {
      const k = k0 + b;
      const label = bins === 'year' ? String(k) : `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
      const start = bins === 'year' ? Date.UTC(k, 0, 1) : Date.UTC(Math.floor(k / 12), k % 12, 1);
      const end = bins === 'year' ? Date.UTC(k + 1, 0, 1) : Date.UTC(Math.floor(k / 12), (k % 12) + 1, 1);
      return { label, start: new Date(start).toISOString(), end: new Date(end).toISOString(), documents: bin.filter((x) => x === b).length };
    }),
  };
}

/**
 * Shares and words per bin from θ (documents × K) and the bag of words over `vocabulary`.
 * c-TF-IDF of word t for topic k in bin b: tf(t, k, b) / |bag(k, b)| × log(1 + A / f(t)), with
 * f(t) the word's count in the whole corpus and A the mean number of words per topic (each
 * document counted for its most probable topic) — BERTopic's ClassTfidfTransformer weighting.
 */
export function topicsOverTimeOf(theta: Float32Matrix, bow: CsrMatrix, vocabulary: readonly string[], bin: Int32Array, bins: TopicsOverTime['bins'], topics: string[][], topn = 5): TopicsOverTime {
  const K = theta.cols;
  const V = vocabulary.length;
  const B = bins.length;
  if (theta.rows !== bow.rows || bin.length !== theta.rows) throw new DataError(`θ has ${theta.rows} rows, the bag of words ${bow.rows} and the bins ${bin.length}: they must be one per document`);
  const share = Array.from({ length: B }, () => new Float64Array(K));
  const counts = new Float64Array(B);
  const topicWords = new Float64Array(K); // words per topic over the corpus (for A)
  const freq = new Float64Array(V);
  const tf = new Map<number, Float64Array>(); // (b·K + k) → word counts
  let skipped = 0;
  for (let d = 0; d < theta.rows; d++) {
    const row = theta.data.subarray(d * K, (d + 1) * K);
    let top = 0;
    for (let k = 1; k < K; k++) if (row[k] > row[top]) top = k;
    const s = bow.indptr[d];
    const e = bow.indptr[d + 1];
    for (let j = s; j < e; j++) {
      freq[bow.indices[j]] += bow.values[j];
      topicWords[top] += bow.values[j];
    }
    const b = bin[d];
    if (b < 0 || e === s) {
      skipped++;
      continue;
    }
    counts[b]++;
    for (let k = 0; k < K; k++) share[b][k] += row[k];
    let t = tf.get(b * K + top);
    if (!t) tf.set(b * K + top, (t = new Float64Array(V)));
    for (let j = s; j < e; j++) t[bow.indices[j]] += bow.values[j];
  }
  const A = topicWords.reduce((a, x) => a + x, 0) / K;
  const idf = Float64Array.from(freq, (f) => (f > 0 ? Math.log(1 + A / f) : 0));
  const words = Array.from({ length: B }, (_, b) =>
    Array.from({ length: K }, (_, k) => {
      const t = tf.get(b * K + k);
      if (!t) return [];
      const total = t.reduce((a, x) => a + x, 0);
      const scored: [number, number][] = [];
      for (let w = 0; w < V; w++) if (t[w] > 0) scored.push([w, (t[w] / total) * idf[w]]);
      scored.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
      return scored.slice(0, topn).map(([w]) => vocabulary[w]);
    }),
  );
  return {
    bins: bins.map((x, b) => ({ ...x, documents: counts[b] })),
    topics,
    share: share.map((r, b) => Array.from(r, (x) => (counts[b] ? x / counts[b] : 0))),
    words,
    skipped,
  };
}

/** `--bins`: a number of equal-width bins, `month`, `year` (or `class` for labels). */
export function parseBins(v: unknown): TimeBins {
  if (v === undefined) return 10;
  if (v === 'month' || v === 'year' || v === 'class') return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ConfigError(`--bins must be a number of bins from 1 to 1000, month or year; got ${JSON.stringify(v)}`, 'bins');
  return n;
}

/** Each non-blank line's `field` of a JSONL corpus, aligned with loadCorpus's documents (undefined where absent). */
export function jsonlFieldValues(lines: readonly string[], field: string): unknown[] {
  const out: unknown[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const obj = JSON.parse(line) as Record<string, unknown> | null;
    out.push(obj && typeof obj === 'object' ? obj[field] : undefined);
  }
  return out;
}

/** How documents are grouped for topics over time or per class: `--time-field NAME [--bins]` or `--by-class`. */
export interface DocumentGrouping {
  timeField?: string;
  byClass: boolean;
  bins: TimeBins;
}

/**
 * The grouping `--time-field` / `--by-class` / `--bins` ask for, checked before any work
 * (`topics-over-time` requires one of the two; `report` adds its section only when one is given).
 * `data` is the corpus as given, `path` where it is.
 */
export function documentGrouping(flags: { timeField?: string; byClass?: boolean; bins?: string }, data: string, path: string, required: boolean): DocumentGrouping | undefined {
  const byClass = flags.byClass === true;
  if (byClass === (flags.timeField !== undefined)) {
    if (required || byClass) throw new ConfigError('give one of --time-field NAME (topics over time) and --by-class (topics per class)', 'timeField');
    if (flags.bins !== undefined) throw new ConfigError('--bins applies to --time-field', 'bins');
    return undefined;
  }
  if (byClass) {
    if (flags.bins !== undefined) throw new ConfigError('--bins applies to --time-field; --by-class groups by label', 'bins');
    return { byClass, bins: 'class' };
  }
  if (!/^\.(jsonl|ndjson)$/i.test(extname(path))) throw new ConfigError(`--time-field reads a .jsonl corpus (one JSON object per line with the text and the time); ${data} is not one`, 'timeField');
  return { timeField: flags.timeField, byClass, bins: parseBins(flags.bins) };
}

/** Each document's time (the JSONL field) or class (the corpus's labels) under a grouping, in corpus order. */
export function groupingValues(g: DocumentGrouping, corpus: Corpus, data: string, path: string): unknown[] {
  if (!g.byClass) return jsonlFieldValues(readLines(path), g.timeField!);
  if (!corpus.labels) throw new DataError(`${data} has no class labels (the OCTIS label column, or "label" in JSONL); use --time-field for times`);
  return corpus.labels;
}
