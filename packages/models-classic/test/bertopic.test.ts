import { describe, it, expect, beforeAll } from 'vitest';
import { CpuBackend, CsrMatrix, Random, resolveModelConfig, trainModel, inferTheta } from '@topickd/core';
import { berTopicFactory, classTfidf } from '@topickd/models-classic';

describe('bertopic', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });

  it('c-TF-IDF equals a hand computation of BERTopic\'s formula', () => {
    // 4 documents over 3 words in 2 classes: class 0 = docs 0, 2; class 1 = docs 1, 3
    const bow = CsrMatrix.fromRows(
      [
        new Map([[0, 2], [1, 1]]),
        new Map([[2, 3]]),
        new Map([[0, 1]]),
        new Map([[1, 1], [2, 1]]),
      ],
      3,
    );
    const w = classTfidf(bow, [0, 1, 0, 1], 2);
    // class term counts: c0 = [3, 1, 0] (4 words), c1 = [0, 1, 4] (5 words); f = [3, 2, 4]; A = ⌊(4 + 5) / 2⌋ = 4
    const idf = [Math.log(4 / 3 + 1), Math.log(4 / 2 + 1), Math.log(4 / 4 + 1)];
    const want = [3 / 4 * idf[0], 1 / 4 * idf[1], 0, 0, 1 / 5 * idf[1], 4 / 5 * idf[2]];
    Array.from(w).forEach((x, i) => expect(x).toBeCloseTo(want[i], 12));
    // an outlier label (−1) joins no class
    const w2 = classTfidf(bow, [0, 1, -1, 1], 2);
    expect(w2[0]).toBeCloseTo((2 / 3) * Math.log(4 / 2 + 1), 12);
  });

  it('clusters documents whose embeddings form K groups; topic words are each group\'s words; θ picks the group', async () => {
    const K = 3;
    const [E, V, N] = [8, 12, 150];
    const r = new Random(4);
    const centre = (k: number) => Array.from({ length: E }, (_, j) => (j % K === k ? 1 : 0));
    const emb = new Float32Array(N * E);
    const rows: Map<number, number>[] = [];
    for (let d = 0; d < N; d++) {
      const k = d % K;
      const c = centre(k);
      for (let j = 0; j < E; j++) emb[d * E + j] = c[j] + (r.next() - 0.5) * 0.2;
      // group k writes words 4k..4k+3
      const m = new Map<number, number>();
      for (let i = 0; i < 6; i++) {
        const w = 4 * k + Math.floor(r.next() * 4);
        m.set(w, (m.get(w) ?? 0) + 1);
      }
      rows.push(new Map([...m].sort((a, b) => a[0] - b[0])));
    }
    const bow = CsrMatrix.fromRows(rows, V);
    const model = berTopicFactory.create(resolveModelConfig({ kind: 'bertopic', numTopics: K, vocabSize: V, embeddingDim: E, options: { nNeighbors: 10 } }));
    const res = await trainModel(model, { bow, embeddings: { rows: N, cols: E, data: emb } }, { seed: 1 });
    expect(res.epochs).toBe(1);
    const vocab = Array.from({ length: V }, (_, i) => String(i));
    const groups = model.topics(vocab, 4).map((t) => new Set(t.map((w) => Math.floor(Number(w) / 4))));
    expect(groups.every((g) => g.size === 1)).toBe(true);
    expect(new Set(groups.map((g) => [...g][0])).size).toBe(K);
    const topicOfGroup = new Map(groups.map((g, k) => [[...g][0], k]));
    const probe = Float32Array.from(centre(2));
    const theta = inferTheta(model, { embeddings: { rows: 1, cols: E, data: probe } });
    expect(theta.data[topicOfGroup.get(2)!]).toBeGreaterThan(0.9);
    expect(Array.from(theta.data).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    model.dispose();
    expect(() => berTopicFactory.create(resolveModelConfig({ kind: 'bertopic', numTopics: K, vocabSize: V, embeddingDim: E, options: { neighbours: 5 } }))).toThrow(/unknown BERTopic option "neighbours"/);
  });
});
