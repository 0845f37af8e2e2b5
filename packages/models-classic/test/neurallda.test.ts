import { describe, it, expect, beforeAll } from 'vitest';
import { tf, CpuBackend, Random, resolveModelConfig, vaeLoss, trainModel, CsrBuilder } from '@topickd/core';
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
    const lin = (inp: number[][], n: string, outDim: number) => {
      const W = P(`${n}.weight`);
      const b = P(`${n}.bias`);
      return inp.map((row) => Array.from({ length: outDim }, (_, o) => b[o] + row.reduce((s, v, i) => s + v * W[i * outDim + o], 0)));
    };
    const bn = (m: number[][]) => {
      const cols = m[0].length;
      const mean = Array.from({ length: cols }, (_, c) => m.reduce((s, r2) => s + r2[c], 0) / m.length);
      const vr = Array.from({ length: cols }, (_, c) => m.reduce((s, r2) => s + (r2[c] - mean[c]) ** 2, 0) / m.length);
      return m.map((r2) => r2.map((v, c) => (v - mean[c]) / Math.sqrt(vr[c] + 1e-5)));
    };
    const softmax = (z: number[]) => {
      const mx = Math.max(...z);
      const ex = z.map((v) => Math.exp(v - mx));
      const s = ex.reduce((a, b) => a + b, 0);
      return ex.map((v) => v / s);
    };
    const X = Array.from({ length: B }, (_, i) => Array.from(x.subarray(i * V, (i + 1) * V)));
    const h = lin(X, 'hidden0', 4).map((row) => row.map((v) => Math.log1p(Math.exp(v))));
    const mu = bn(lin(h, 'mu', K));
    const lv = bn(lin(h, 'logvar', K));
    const eps = Array.from(tf.tidy(() => tf.randomNormal([B, K], 0, 1, 'float32', new Random(11).seed()).dataSync()));
    const theta = mu.map((row, i) => softmax(row.map((m, k) => m + Math.exp(lv[i][k] / 2) * eps[i * K + k])));
    const betaRows = Array.from({ length: K }, (_, k) => P('beta').slice(k * V, (k + 1) * V));
    const topicWords = bn(betaRows).map(softmax);
    const pm = P('prior.mean');
    const pv = P('prior.variance');
    const want = theta.map((t, i) => {
      const p = Array.from({ length: V }, (_, v) => t.reduce((s, tk, k) => s + tk * topicWords[k][v], 0));
      const rl = -X[i].reduce((s, c, v) => s + c * Math.log(p[v] + 1e-10), 0);
      let kl = 0;
      for (let k = 0; k < K; k++) kl += Math.exp(lv[i][k]) / pv[k] + (pm[k] - mu[i][k]) ** 2 / pv[k] + Math.log(pv[k]) - lv[i][k];
      return rl + 0.5 * (kl - K);
    });
    got.forEach((g, i) => expect(Math.abs(g - want[i]) / Math.max(1, Math.abs(want[i]))).toBeLessThan(1e-4));
    model.dispose();
  });

  it("trains: its backward pass (the tape's vector-Jacobian product) lowers the loss; topics come from softmax(BN(β))", async () => {
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
