import { describe, it, expect, beforeAll } from 'vitest';
import { tf, CpuBackend, Random, resolveModelConfig, vaeLoss, trainModel, CsrBuilder } from '@topickd/core';
import { reference64 } from '@topickd/core/testing';
import { tapeBackward } from '@topickd/core/plugin';
import { neuralLdaFactory } from '@topickd/models-classic';

describe('neurallda', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });

  it('its VAE loss equals a float64 computation of the mixture decoder θ·softmax(BN(β))', () => {
    const [K, V, E, B] = [3, 6, 4, 5];
    const model = neuralLdaFactory.create(resolveModelConfig({ kind: 'neurallda', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [4], dropout: 0 }), 7);
    const r = new Random(3);
    const x = Float32Array.from({ length: B * V }, () => Math.floor(r.next() * 3));
    const e = r.uniformArray(B * E, -1, 1);
    const got = tf.tidy(() => {
      const batch = { bow: tf.tensor2d(x, [B, V]), embeddings: tf.tensor2d(e, [B, E]) };
      const { forward } = model.forwardTrain(batch, new Random(11));
      // the word logits are log-probabilities: their softmax is their exp
      const p = tf.exp(forward.wordLogits);
      expect(Math.max(...Array.from(tf.sum(p, 1).dataSync()).map((s) => Math.abs(s - 1)))).toBeLessThan(1e-5);
      return Array.from(vaeLoss(batch.bow, forward, model.prior()).dataSync());
    });
    const P = (n: string) => Array.from(model.params.get(n)!.dataSync());
    const R = reference64;
    const lin = (inp: number[][], n: string, outDim: number) => R.linear(inp, P(`${n}.weight`), P(`${n}.bias`), outDim);
    const X = R.rows(x, B, V);
    const h = R.softplus(lin(X, 'hidden0', 4));
    const mu = R.batchNorm(lin(h, 'mu', K));
    const lv = R.batchNorm(lin(h, 'logvar', K));
    const eps = Array.from(tf.tidy(() => tf.randomNormal([B, K], 0, 1, 'float32', new Random(11).seed()).dataSync()));
    const theta = mu.map((row, i) => R.softmax(row.map((m, k) => m + Math.exp(lv[i][k] / 2) * eps[i * K + k])));
    // the mixture decoder: batch norm over β's topics, a softmax per topic, the θ-weighted mixture
    const topicWords = R.batchNorm(R.rows(P('beta'), K, V)).map(R.softmax);
    const want = theta.map((t, i) => {
      const p = Array.from({ length: V }, (_, v) => t.reduce((s, tk, k) => s + tk * topicWords[k][v], 0));
      return R.reconstruction(X[i], p.map((q) => Math.log(q + 1e-10))) + R.gaussianKl(mu[i], lv[i], P('prior.mean'), P('prior.variance'));
    });
    got.forEach((g, i) => expect(Math.abs(g - want[i]) / Math.max(1, Math.abs(want[i]))).toBeLessThan(1e-4));
    model.dispose();
  });

  it("its backward pass (the mixture decoder's, written out) equals tfjs's tape through the same forward pass, dropout on", () => {
    const [K, V, B] = [4, 9, 6];
    const model = neuralLdaFactory.create(resolveModelConfig({ kind: 'neurallda', numTopics: K, vocabSize: V, embeddingDim: 0, hiddenSizes: [5], dropout: 0.2 }), 3);
    const r = new Random(8);
    const x = Float32Array.from({ length: B * V }, () => Math.floor(r.next() * 3));
    const vars = [...model.params].filter(([n, v]) => v.trainable && !n.startsWith('prior.')).map(([, v]) => v);
    const [manual, tape] = tf.tidy(() => {
      const batch = { bow: tf.tensor2d(x, [B, V]), embeddings: tf.zeros([B, 0]) as tf.Tensor2D };
      const { forward, cache } = model.forwardTrain(batch, new Random(21));
      const outs = [forward.mu, forward.logvar, forward.theta, forward.wordLogits];
      const g = tf.engine().gradients(() => tf.sum(vaeLoss(batch.bow, forward, model.prior())) as tf.Scalar, outs, undefined, true).grads as (tf.Tensor2D | undefined)[];
      const grads = { mu: g[0], logvar: g[1], theta: g[2], wordLogits: g[3] };
      const a = model.backward(cache, grads);
      const b = tapeBackward(() => model.forwardTrain(batch, new Random(21)).forward, grads, vars);
      const pick = (m: Record<string, tf.Tensor>) => vars.map((v) => Array.from(m[v.name].dataSync()));
      return [pick(a), pick(b)];
    });
    vars.forEach((v, i) => manual[i].forEach((m, j) => expect(Math.abs(m - tape[i][j]), `${v.name}[${j}]`).toBeLessThan(1e-4 * Math.max(1, Math.abs(tape[i][j])))));
    model.dispose();
  });

  it('trains: its backward pass lowers the loss; topics come from softmax(BN(β))', async () => {
    const V = 24;
    const K = 3;
    const r = new Random(9);
    const b = new CsrBuilder(V);
    for (let d = 0; d < 120; d++) {
      const topic = d % K; // planted: each topic owns 8 words
      const m = new Map<number, number>();
      for (let j = 0; j < 12; j++) {
        const w = topic * 8 + Math.floor(r.next() * 8);
        m.set(w, (m.get(w) ?? 0) + 1);
      }
      b.addRow(m);
    }
    const inputs = { bow: b.build(), embeddings: { rows: 120, cols: 4, data: new Float32Array(480) } };
    const model = neuralLdaFactory.create(resolveModelConfig({ kind: 'neurallda', numTopics: K, vocabSize: V, embeddingDim: 4, hiddenSizes: [16] }), 1);
    const res = await trainModel(model, inputs, { epochs: 40, batchSize: 32, learningRate: 0.01, seed: 0 });
    expect(res.lossHistory[res.lossHistory.length - 1]).toBeLessThan(res.lossHistory[0] * 0.9);
    const vocab = Array.from({ length: V }, (_, i) => `w${i}`);
    const owners = model.topics(vocab, 4).map((t) => new Set(t.map((w) => Math.floor(Number(w.slice(1)) / 8))));
    // each learned topic's top words come from one planted topic, and together they cover the three
    expect(owners.filter((o) => o.size === 1).length).toBeGreaterThanOrEqual(2);
    model.dispose();
  });
});
