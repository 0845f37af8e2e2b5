import { CsrBuilder, Random, type Float32Matrix } from '@topickd/core';

/** A synthetic corpus with planted topics: each document mostly draws words of one topic. */
export function plantedCorpus(opts: { topics: number; wordsPerTopic: number; docs: number; docLength: number; dim: number; seed: number }) {
  const rng = new Random(opts.seed);
  const V = opts.topics * opts.wordsPerTopic;
  const vocabulary = Array.from({ length: V }, (_, i) => `t${Math.floor(i / opts.wordsPerTopic)}w${i % opts.wordsPerTopic}`);
  const builder = new CsrBuilder(V);
  const emb = new Float32Array(opts.docs * opts.dim);
  const centers = Array.from({ length: opts.topics }, () => Array.from({ length: opts.dim }, () => rng.uniform(-1, 1)));
  for (let d = 0; d < opts.docs; d++) {
    const k = d % opts.topics;
    const counts = new Map<number, number>();
    for (let n = 0; n < opts.docLength; n++) {
      // uniform within the topic, 5% noise from anywhere
      const w = rng.next() < 0.95 ? k * opts.wordsPerTopic + Math.floor(rng.next() * opts.wordsPerTopic) : Math.floor(rng.next() * V);
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    builder.addRow(counts);
    for (let j = 0; j < opts.dim; j++) emb[d * opts.dim + j] = centers[k][j] + rng.uniform(-0.3, 0.3);
  }
  return { vocabulary, bow: builder.build(), embeddings: { rows: opts.docs, cols: opts.dim, data: emb } as Float32Matrix };
}

