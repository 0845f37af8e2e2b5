import { describe, it, expect, beforeAll } from 'vitest';
import { describe as d2, it as i2, expect as e2 } from 'vitest';
import {
  tf,
  ContextualTopicModel,
  resolveModelConfig,
  Random,
  CsrBuilder,
  CpuBackend,
  trainModel,
  inferTheta,
  NonFiniteLossError,
  AbortError,
  ConfigError,
  DataError,
  vaeLoss,
  type Float32Matrix,
} from '@topickd/core';
import { runBackendConformance, reference64 } from '@topickd/core/testing';
import { WasmBackend } from '@topickd/backend-wasm';
import { plantedCorpus } from './planted-corpus.js';

runBackendConformance({ describe: d2, it: i2, expect: e2 } as never, new CpuBackend());

describe('VAE loss against a hand computation', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });

  it('RL + KL of a tiny CombinedTM equals a float64 re-computation', () => {
    const K = 3;
    const V = 6;
    const E = 4;
    const B = 5;
    const model = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [4], dropout: 0 }), 7);
    const r = new Random(3);
    const x = Float32Array.from({ length: B * V }, () => Math.floor(r.next() * 3));
    const e = r.uniformArray(B * E, -1, 1);
    const got = tf.tidy(() => {
      const batch = { bow: tf.tensor2d(x, [B, V]), embeddings: tf.tensor2d(e, [B, E]) };
      return Array.from(vaeLoss(batch.bow, model.forwardTrain(batch, new Random(11)).forward, model.prior()).dataSync());
    });
    // --- independent float64 computation ---
    const P = (n: string) => Array.from(model.params.get(n)!.dataSync());
    const R = reference64;
    const lin = (inp: number[][], n: string, outDim: number) => R.linear(inp, P(`${n}.weight`), P(`${n}.bias`), outDim);
    const X = R.rows(x, B, V);
    const adapted = lin(R.rows(e, B, E), 'adapt', V);
    const h = R.softplus(lin(X.map((row, i) => [...row, ...adapted[i]]), 'hidden0', 4));
    const mu = R.batchNorm(lin(h, 'mu', K));
    const lv = R.batchNorm(lin(h, 'logvar', K));
    const eps = Array.from(tf.randomNormal([B, K], 0, 1, 'float32', new Random(11).seed()).dataSync());
    const theta = mu.map((row, i) => R.softmax(row.map((m, k) => m + Math.exp(lv[i][k] / 2) * eps[i * K + k])));
    const beta = P('beta');
    const logits = R.batchNorm(theta.map((t) => Array.from({ length: V }, (_, v) => t.reduce((s, tk, k) => s + tk * beta[k * V + v], 0))));
    const pm = P('prior.mean');
    const pv = P('prior.variance');
    const want = logits.map((row, i) => R.reconstruction(X[i], row) + R.gaussianKl(mu[i], lv[i], pm, pv));
    got.forEach((g, i) => expect(Math.abs(g - want[i]) / Math.max(1, Math.abs(want[i]))).toBeLessThan(1e-4));
    // the prior starts at N(0, 1 − 1/K)
    expect(pv[0]).toBeCloseTo(1 - 1 / K, 6);
    model.dispose();
  });

  it('parameter counts match the PyTorch architecture', () => {
    // CombinedTM V=1696, E=512, hidden (100, 100), K=20 — as CTM's model.parameters()
    const V = 1696;
    const c = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: 20, vocabSize: V, embeddingDim: 512 }), 0);
    const expected = 512 * V + V + 2 * V * 100 + 100 + 100 * 100 + 100 + 2 * (100 * 20 + 20) + 20 * V + 2 * 20;
    expect(c.paramCount()).toBe(expected);
    const z = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 20, vocabSize: V, embeddingDim: 512, hiddenSizes: [] }), 0);
    expect(z.paramCount()).toBe(2 * (512 * 20 + 20) + 20 * V + 2 * 20);
    c.dispose();
    z.dispose();
  });

  it('rejects impossible configurations with typed errors', () => {
    expect(() => resolveModelConfig({ kind: 'combined', numTopics: 10, vocabSize: 5, embeddingDim: 4 })).toThrow(ConfigError);
    expect(() => resolveModelConfig({ kind: 'combined', numTopics: 2, vocabSize: 1, embeddingDim: 4 })).toThrow(DataError);
    // K = 1 would make the prior's variance 1 − 1/K zero: said as such, not as a learning-rate problem
    expect(() => resolveModelConfig({ kind: 'zeroshot', numTopics: 1, vocabSize: 5, embeddingDim: 4 })).toThrow(/at least 2 topics, got K = 1/);
    expect(() => resolveModelConfig({ kind: 'Not a kind!', numTopics: 2, vocabSize: 5, embeddingDim: 4 })).toThrow(/combined.*zeroshot/);
    // kinds are open names, but a kind core does not know needs its plugin's input layout
    const plugin = resolveModelConfig({ kind: 'nope', numTopics: 2, vocabSize: 5, embeddingDim: 4 });
    expect(() => new ContextualTopicModel(plugin, 0)).toThrow(/"nope" is not one of core's/);
  });
});

describe('training', () => {
  beforeAll(async () => {
    await new WasmBackend().activate();
  });

  it('recovers planted topics (each matched by a learned topic sharing ≥ 8 of its 10 top words)', async () => {
    const c = plantedCorpus({ topics: 5, wordsPerTopic: 10, docs: 1500, docLength: 40, dim: 16, seed: 1 });
    const model = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: 5, vocabSize: c.vocabulary.length, embeddingDim: 16, hiddenSizes: [50] }), 0);
    await trainModel(model, { bow: c.bow, embeddings: c.embeddings }, { epochs: 30, seed: 0 });
    const learned = model.topics(c.vocabulary, 10);
    for (let k = 0; k < 5; k++) {
      const planted = new Set(Array.from({ length: 10 }, (_, i) => `t${k}w${i}`));
      const best = Math.max(...learned.map((t) => t.filter((w) => planted.has(w)).length));
      expect(best).toBeGreaterThanOrEqual(8);
    }
    model.dispose();
  });

  it('is deterministic for a seed, does not leak tensors across epochs, and reports progress', async () => {
    const c = plantedCorpus({ topics: 3, wordsPerTopic: 8, docs: 300, docLength: 20, dim: 8, seed: 2 });
    const run = async () => {
      const m = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 3, vocabSize: c.vocabulary.length, embeddingDim: 8 }), 5);
      const counts: number[] = [];
      let batches = 0;
      const res = await trainModel(m, { bow: c.bow, embeddings: c.embeddings }, {
        epochs: 6,
        seed: 9,
        onEvent: (e) => {
          if (e.type === 'epoch') counts.push(tf.memory().numTensors);
          if (e.type === 'batch') batches++;
        },
      });
      const beta = Array.from(m.beta().data);
      m.dispose();
      return { counts, beta, res, batches };
    };
    const a = await run();
    const b = await run();
    expect(a.beta).toEqual(b.beta);
    expect(new Set(a.counts).size).toBe(1);
    expect(a.batches).toBe(6 * Math.ceil(300 / 64));
    expect(a.res.lossHistory.length).toBe(6);
    expect(a.res.finalLoss).toBe(a.res.lossHistory[5]);
    expect(a.res.lossHistory[5]).toBeLessThan(a.res.lossHistory[0]);
  });

  it('early stopping on a validation split keeps the best weights', async () => {
    const c = plantedCorpus({ topics: 3, wordsPerTopic: 8, docs: 200, docLength: 20, dim: 8, seed: 3 });
    const m = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 3, vocabSize: c.vocabulary.length, embeddingDim: 8 }), 1);
    const res = await trainModel(m, { bow: c.bow, embeddings: c.embeddings }, { epochs: 200, seed: 1, validationFraction: 0.2, patience: 2, learningRate: 0.05 });
    expect(res.valHistory.length).toBe(res.epochs);
    expect(res.epochs).toBeLessThan(200);
    const best = Math.min(...res.valHistory);
    expect(res.valHistory[res.bestEpoch! - 1]).toBe(best);
    m.dispose();
  });

  it('stops on a non-finite loss with the epoch and batch, weights untouched; AbortSignal cancels', async () => {
    const c = plantedCorpus({ topics: 3, wordsPerTopic: 8, docs: 200, docLength: 20, dim: 8, seed: 4 });
    const m = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 3, vocabSize: c.vocabulary.length, embeddingDim: 8 }), 1);
    const before = Array.from(m.beta().data);
    let calls = 0;
    const err = await trainModel(m, { bow: c.bow, embeddings: c.embeddings }, { epochs: 3 }, ({ batch, outputs, prior }) => {
      calls++;
      const l = vaeLoss(batch.bow, outputs, prior);
      return calls === 2 ? tf.mul(l, NaN) : l;
    }).catch((e) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(err.message).toMatch(/epoch 1, batch 2/);
    expect(Array.from(m.beta().data)).not.toEqual(before); // batch 1 was applied ...
    const afterFirst = Array.from(m.beta().data);
    expect(afterFirst.every(Number.isFinite)).toBe(true); // ... batch 2 was not
    const ac = new AbortController();
    ac.abort();
    await expect(trainModel(m, { bow: c.bow, embeddings: c.embeddings }, { epochs: 3, signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
    m.dispose();
  });

  it('refuses mismatched inputs with typed errors', async () => {
    const c = plantedCorpus({ topics: 2, wordsPerTopic: 5, docs: 20, docLength: 10, dim: 4, seed: 5 });
    const m = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 2, vocabSize: 10, embeddingDim: 6 }), 1);
    await expect(trainModel(m, { bow: c.bow, embeddings: c.embeddings })).rejects.toThrow(/4 dimensions but the model expects 6/);
    const short = { ...c.embeddings, rows: 10, data: c.embeddings.data.subarray(0, 40) };
    const m2 = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 2, vocabSize: 10, embeddingDim: 4 }), 1);
    await expect(trainModel(m2, { bow: c.bow, embeddings: short })).rejects.toThrow(/10 embedding rows for 20 documents/);
    await expect(trainModel(m2, { bow: c.bow, embeddings: c.embeddings }, { epochs: 0 })).rejects.toBeInstanceOf(ConfigError);
    m.dispose();
    m2.dispose();
  });
});

describe('inference', () => {
  it('θ rows are distributions, identical for the same seed, and ZeroShotTM needs no BoW', async () => {
    await new WasmBackend().activate();
    const c = plantedCorpus({ topics: 3, wordsPerTopic: 8, docs: 100, docLength: 20, dim: 8, seed: 6 });
    const m = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 3, vocabSize: c.vocabulary.length, embeddingDim: 8 }), 2);
    await trainModel(m, { bow: c.bow, embeddings: c.embeddings }, { epochs: 3 });
    const before = tf.memory().numTensors;
    const a = inferTheta(m, { embeddings: c.embeddings }, { samples: 20, seed: 1 });
    const b = inferTheta(m, { embeddings: c.embeddings }, { samples: 20, seed: 1, batchSize: 512 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    for (let i = 0; i < a.rows; i++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a.data[i * 3 + k];
      expect(Math.abs(s - 1)).toBeLessThan(1e-5);
    }
    const combined = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: 3, vocabSize: c.vocabulary.length, embeddingDim: 8 }), 2);
    expect(() => inferTheta(combined, { embeddings: c.embeddings })).toThrow(/reads the bag of words/);
    m.dispose();
    combined.dispose();
  });
});
