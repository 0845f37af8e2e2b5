import { describe, it, expect, beforeAll } from 'vitest';
import { tf, CpuBackend, ContextualTopicModel, resolveModelConfig, Random, AdamOptimizer, trainStep, vaeStepLoss, type SeedTopics } from '@topickd/core/plugin';
import { seedTopicsGradient, seedTopicsLoss, checkSeedTopics, trainModel, ConfigError, CsrBuilder } from '@topickd/core';
import { plantedCorpus } from './planted-corpus.js';

// The seed term's closed-form gradient against finite differences of its value (float64 in
// plain JS), its tfjs autodiff, and the trainer's manual step against its tape step.

const K = 4;
const V = 7;
const seeds: SeedTopics = { words: [[1, 2], [5], [0, 3, 3]], strength: 0.7 };

const seedWords = new Set(seeds.words.flat());
/** The seed term in float64, from its definition: λ·B·Σ_k mean_{w∈S_k} −log softmax(β̃_k)_w, β̃ = β with the seed words' columns centred (duplicates counted once). */
function seedValue(beta: number[], B: number): number {
  let total = 0;
  const colMean = Array.from({ length: V }, (_, v) => (seedWords.has(v) ? Array.from({ length: K }, (_, k) => beta[k * V + v]).reduce((a, b) => a + b, 0) / K : 0));
  seeds.words.forEach((ws, k) => {
    const row = beta.slice(k * V, (k + 1) * V).map((x, v) => x - colMean[v]);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((a, b) => a + Math.exp(b - max), 0));
    const unique = [...new Set(ws)];
    total += unique.reduce((a, w) => a + (lse - row[w]), 0) / unique.length;
  });
  return seeds.strength! * B * total;
}

describe('seeded topics: the seed term', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });

  it("closed-form gradient = central finite differences (float64) = tfjs autodiff of the value; blind to a seed word's column offset", () => {
    const r = new Random(4);
    const beta = Array.from(r.uniformArray(K * V, -2, 2));
    const B = 5;
    const t = tf.tensor2d(beta, [K, V]);
    const { value, grad } = seedTopicsGradient(t, seeds, B);
    expect(value.dataSync()[0]).toBeCloseTo(seedValue(beta, B), 3);
    const g = Array.from(grad.dataSync());
    const h = 1e-5;
    for (let i = 0; i < K * V; i++) {
      const up = [...beta];
      const down = [...beta];
      up[i] += h;
      down[i] -= h;
      const fd = (seedValue(up, B) - seedValue(down, B)) / (2 * h);
      expect(Math.abs(g[i] - fd), `β[${i}]`).toBeLessThan(1e-4);
    }
    // adding a constant to a seed word's column (which the decoder's batch norm cannot see) leaves the term unchanged
    for (const v of seedWords) expect(Math.abs(Array.from({ length: K }, (_, k) => g[k * V + v]).reduce((a, b) => a + b, 0))).toBeLessThan(1e-5);
    const auto = tf.grad((b: tf.Tensor) => seedTopicsLoss(b, seeds, B))(t);
    const a = auto.dataSync();
    for (let i = 0; i < K * V; i++) expect(Math.abs(a[i] - g[i])).toBeLessThan(1e-5);
    tf.dispose([t, value, grad, auto]);
  });

  it("a training step with seeds: the manual step (closed form) and the tape step (tfjs autodiff) change every weight the same", () => {
    const config = resolveModelConfig({ kind: 'combined', numTopics: K, vocabSize: V, embeddingDim: 3, hiddenSizes: [5] });
    const rr = new Random(2);
    const rows = 6;
    const builder = new CsrBuilder(V);
    for (let d = 0; d < rows; d++) builder.addRow(new Map(Array.from({ length: V }, (_, w) => [w, 1 + Math.floor(rr.next() * 3)] as [number, number])));
    const inputs = { bow: builder.build(), embeddings: { rows, cols: 3, data: rr.uniformArray(rows * 3, -1, 1) } };
    const after = (mode: 'manual' | 'tape') => {
      const m = new ContextualTopicModel(config, 9);
      const opt = new AdamOptimizer(m.trainableVariables(), { learningRate: 0.01, beta1: 0.99, beta2: 0.99 });
      const loss = trainStep(m, opt, inputs, Int32Array.from([0, 1, 2, 3, 4, 5]), 0, new Random(3), vaeStepLoss, mode, undefined, seeds);
      const w = Object.fromEntries([...m.params].map(([k, v]) => [k, Array.from(v.dataSync())]));
      opt.dispose();
      m.dispose();
      return { loss, w };
    };
    const manual = after('manual');
    const tape = after('tape');
    expect(manual.loss).toBeCloseTo(tape.loss, 2);
    // μ's and log σ²'s biases are followed by batch norm: their gradient is 0 up to float32
    // noise, which Adam's normalised step turns into a full step either way
    for (const k of Object.keys(manual.w).filter((n) => n !== 'mu.bias' && n !== 'logvar.bias')) {
      const d = Math.max(...manual.w[k].map((x, i) => Math.abs(x - tape.w[k][i])));
      expect(d, k).toBeLessThan(1e-4);
    }
  });

  it('training with seeds puts the seed words on top of their topics (planted corpus; unseeded: they are not)', async () => {
    const data = plantedCorpus({ topics: 4, wordsPerTopic: 6, docs: 160, docLength: 20, dim: 8, seed: 1 });
    // seed topic 0 with topic 3's words and topic 1 with topic 2's
    const wanted = [['t3w0', 't3w1'], ['t2w4', 't2w5']];
    const words = wanted.map((ws) => ws.map((w) => data.vocabulary.indexOf(w)));
    const run = async (seeded: boolean) => {
      const m = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: 4, vocabSize: data.vocabulary.length, embeddingDim: 8 }), 0);
      await trainModel(m, { bow: data.bow, embeddings: data.embeddings }, { epochs: 60, batchSize: 32, seed: 0, ...(seeded ? { seedTopics: { words } } : {}) });
      const top = m.topics(data.vocabulary, 6);
      m.dispose();
      return top;
    };
    const seeded = await run(true);
    wanted.forEach((ws, k) => {
      for (const w of ws) expect(seeded[k], `topic ${k}: ${seeded[k].join(' ')}`).toContain(w);
    });
    const plain = await run(false);
    expect(wanted.every((ws, k) => ws.every((w) => plain[k].includes(w)))).toBe(false);
  });

  it('refuses seeds that cannot apply: more lists than K, an empty list, an index outside V, λ ≤ 0', () => {
    expect(() => checkSeedTopics({ words: [[0], [1], [2], [3], [4]] }, 4, 7)).toThrow(/5 seed lists for K = 4/);
    expect(() => checkSeedTopics({ words: [[0], []] }, 4, 7)).toThrow(/topic 1 has no word/);
    expect(() => checkSeedTopics({ words: [[9]] }, 4, 7)).toThrow(ConfigError);
    expect(() => checkSeedTopics({ words: [[1]], strength: 0 }, 4, 7)).toThrow(/seedStrength/);
  });
});
