import { describe, it, expect, beforeAll } from 'vitest';
import { CpuBackend, CsrMatrix, Random, resolveModelConfig, trainModel, inferTheta } from '@topickd/core';
import { OnlineLda, ldaFactory, digamma, lgamma } from '@topickd/models-classic';

const EULER = 0.5772156649015329;

/** A corpus drawn from planted topics: topic k puts all its mass on words [10k, 10k+10). */
function plantedCorpus(K: number, docs: number, words: number, seed: number): { bow: CsrMatrix; V: number } {
  const V = K * 10;
  const r = new Random(seed);
  const rows: Map<number, number>[] = [];
  for (let d = 0; d < docs; d++) {
    // each document mixes two topics, 80/20
    const a = Math.floor(r.next() * K);
    const b = (a + 1 + Math.floor(r.next() * (K - 1))) % K;
    const m = new Map<number, number>();
    for (let i = 0; i < words; i++) {
      const k = r.next() < 0.8 ? a : b;
      const w = k * 10 + Math.floor(r.next() * 10);
      m.set(w, (m.get(w) ?? 0) + 1);
    }
    rows.push(new Map([...m].sort((x, y) => x[0] - y[0])));
  }
  return { bow: CsrMatrix.fromRows(rows, V), V };
}

function lda(K: number, V: number, options: Record<string, number> = {}): OnlineLda {
  return ldaFactory.create({ ...resolveModelConfig({ kind: 'lda', numTopics: K, vocabSize: V, embeddingDim: 0, options }) }) as OnlineLda;
}

const noEmbeddings = (n: number) => ({ rows: n, cols: 0, data: new Float32Array(0) });

describe('lda (online variational Bayes)', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });

  it('digamma and ln Γ equal their closed forms and recurrences', () => {
    expect(digamma(1)).toBeCloseTo(-EULER, 12);
    expect(digamma(0.5)).toBeCloseTo(-EULER - 2 * Math.LN2, 12);
    expect(digamma(2)).toBeCloseTo(1 - EULER, 12);
    for (const x of [0.01, 0.3, 1.7, 4.2, 9.5, 60, 1234.5]) {
      expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 10);
      expect(lgamma(x + 1) - lgamma(x)).toBeCloseTo(Math.log(x), 10);
    }
    expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(lgamma(1)).toBeCloseTo(0, 13);
    expect(lgamma(10)).toBeCloseTo(Math.log(362880), 11);
  });

  it('recovers planted topics, and the ELBO increases with every pass', async () => {
    const K = 4;
    const { bow, V } = plantedCorpus(K, 400, 40, 1);
    const elbos: number[] = [];
    let last: OnlineLda | undefined;
    for (let passes = 1; passes <= 6; passes++) {
      const m = lda(K, V, { passes, chunksize: 100 });
      await trainModel(m, { bow, embeddings: noEmbeddings(bow.rows) }, { seed: 3 });
      elbos.push(m.elbo(bow, 0));
      last?.dispose();
      last = m;
    }
    for (let i = 1; i < elbos.length; i++) expect(elbos[i], `ELBO after ${i + 1} passes vs ${i}`).toBeGreaterThan(elbos[i - 1]);
    // every learned topic's 10 top words are exactly one planted block, each block found once
    const blocks = last!.topics(Array.from({ length: V }, (_, w) => String(w)), 10).map((t) => new Set(t.map((w) => Math.floor(Number(w) / 10))));
    expect(blocks.every((b) => b.size === 1)).toBe(true);
    expect(new Set(blocks.map((b) => [...b][0])).size).toBe(K);
    // θ of a document drawn from one topic puts most mass on the topic that holds its block
    const topicOfBlock = new Map(blocks.map((b, k) => [[...b][0], k]));
    const single = CsrMatrix.fromRows([new Map([[20, 3], [21, 2], [25, 4]])], V);
    const theta = inferTheta(last!, { bow: single, embeddings: noEmbeddings(1) }, { seed: 0 });
    expect(theta.data[topicOfBlock.get(2)!]).toBeGreaterThan(0.8);
    expect(theta.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    last!.dispose();
  });

  it('is seeded: the same seed gives the same λ; options are checked by name', async () => {
    const { bow, V } = plantedCorpus(3, 120, 30, 2);
    const run = async (seed: number) => {
      const m = lda(3, V, { passes: 2, chunksize: 50 });
      const r = await trainModel(m, { bow, embeddings: noEmbeddings(bow.rows) }, { seed });
      const lam = Array.from(m.params.get('lambda')!.dataSync());
      m.dispose();
      return { lam, r };
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(a.lam).toEqual(b.lam);
    expect(a.lam).not.toEqual(c.lam);
    expect(a.r.epochs).toBe(2);
    expect(a.r.lossHistory[1]).toBeLessThan(a.r.lossHistory[0]);
    expect(() => lda(3, V, { pases: 2 })).toThrow(/unknown LDA option "pases"; LDA takes: passes/);
    expect(() => lda(3, V, { passes: 1.5 })).toThrow(/"passes" must be a positive integer/);
    expect(() => lda(3, V, { decay: 2 })).toThrow(/"decay" must be in \[0.5, 1\]/);
  });
});
