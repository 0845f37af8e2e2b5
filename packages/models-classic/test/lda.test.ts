import { describe, it, expect, beforeAll } from 'vitest';
import { CpuBackend, CsrMatrix, Random, resolveModelConfig, trainModel, inferTheta } from '@topickd/core';
import { OnlineLda, OnlineLdaState, ldaFactory, digamma, lgamma } from '@topickd/models-classic';

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

  it('the E-step equals the plain loops of gensim\'s inference, to the bit (its rows are summed four and two at a time)', () => {
    // documents of 1–13 distinct words: every remainder of the unrolled loops
    const K = 7;
    const V = 40;
    const r = new Random(11);
    const rows = Array.from({ length: 60 }, (_, d) => {
      const m = new Map<number, number>();
      while (m.size < 1 + (d % 13)) m.set(Math.floor(r.next() * V), 1 + Math.floor(r.next() * 3));
      return new Map([...m].sort((x, y) => x[0] - y[0]));
    });
    const bow = CsrMatrix.fromRows(rows, V);
    const settings = { numTopics: K, vocabSize: V, passes: 1, iterations: 50, chunksize: 60, decay: 0.5, offset: 1, gammaThreshold: 1e-3, alpha: 1 / K, eta: 1 / K };
    const draws = new Random(3);
    const state = new OnlineLdaState(settings, () => draws.next());
    const gamma = new Float64Array(60 * K);
    const sstats = new Float64Array(V * K);
    state.eStep(bow, 0, 60, gamma, sstats);
    // the same from the same draws, written as plainly as gensim's inference
    const draws2 = new Random(3);
    const plain = new OnlineLdaState(settings, () => draws2.next());
    const Eb = (plain as unknown as { expElogbeta: Float64Array }).expElogbeta;
    const draw = (plain as unknown as { draw: (a: number, b: number) => number }).draw.bind(plain);
    const psi = (g: Float64Array) => {
      const s = g.reduce((a, b) => a + b, 0);
      return g.map((x) => digamma(x) - digamma(s));
    };
    const wantGamma = new Float64Array(60 * K);
    const wantStats = new Float64Array(V * K);
    for (let d = 0; d < 60; d++) {
      const ids = Array.from(bow.indices.subarray(bow.indptr[d], bow.indptr[d + 1]));
      const cts = Array.from(bow.values.subarray(bow.indptr[d], bow.indptr[d + 1]));
      let g = new Float64Array(K).map(() => draw(100, 1 / 100));
      let et = psi(g).map(Math.exp);
      const norm = () => ids.map((w) => et.reduce((a, t, k) => a + t * Eb[w * K + k], 0) + 1.1920928955078125e-7); // gensim's float32 eps
      let phinorm = norm();
      for (let it = 0; it < 50; it++) {
        const last = g;
        const acc = new Float64Array(K);
        ids.forEach((w, j) => {
          for (let k = 0; k < K; k++) acc[k] += (cts[j] / phinorm[j]) * Eb[w * K + k];
        });
        g = new Float64Array(K).map((_, k) => 1 / K + et[k] * acc[k]);
        et = psi(g).map(Math.exp);
        phinorm = norm();
        if (g.reduce((a, x, k) => a + Math.abs(x - last[k]), 0) / K < 1e-3) break;
      }
      wantGamma.set(g, d * K);
      ids.forEach((w, j) => {
        for (let k = 0; k < K; k++) wantStats[w * K + k] += et[k] * (cts[j] / phinorm[j]);
      });
    }
    expect(Array.from(gamma)).toEqual(Array.from(wantGamma));
    expect(Array.from(sstats)).toEqual(Array.from(wantStats));
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
