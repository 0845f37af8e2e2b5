import { describe, it, expect, beforeAll } from 'vitest';
import { tf, CpuBackend, Random, resolveModelConfig, vaeLoss, createContainer, registryOf } from '@topickd/core';
import classicModels, { prodLdaFactory } from '@topickd/models-classic';

describe('prodlda', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });

  it('reads the bag of words alone: no adaptation layer, the first layer is V wide; registered by its module', async () => {
    const m = prodLdaFactory.create({ numTopics: 3, vocabSize: 6, embeddingDim: 4, hiddenSizes: [5], dropout: 0.2, learnPriors: true }, 0);
    expect(m.kind).toBe('prodlda');
    expect([...m.params.keys()]).toEqual(['hidden0.weight', 'hidden0.bias', 'mu.weight', 'mu.bias', 'logvar.weight', 'logvar.bias', 'beta', 'prior.mean', 'prior.variance']);
    expect(m.params.get('hidden0.weight')!.shape).toEqual([6, 5]);
    expect(m.paramCount()).toBe(6 * 5 + 5 + 2 * (5 * 3 + 3) + 3 * 6 + 3 + 3);
    m.dispose();
    const registry = registryOf(await createContainer({}, { modules: [classicModels] }));
    expect(registry.modelNames()).toContain('prodlda');
  });

  it('its VAE loss equals a float64 computation of ProdLDA (embeddings ignored)', () => {
    const [K, V, E, B] = [3, 6, 4, 5];
    const model = prodLdaFactory.create({ ...resolveModelConfig({ kind: 'prodlda', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [4], dropout: 0 }) }, 7);
    const r = new Random(3);
    const x = Float32Array.from({ length: B * V }, () => Math.floor(r.next() * 3));
    const e = r.uniformArray(B * E, -1, 1);
    const lossWith = (emb: Float32Array) =>
      tf.tidy(() => {
        const batch = { bow: tf.tensor2d(x, [B, V]), embeddings: tf.tensor2d(emb, [B, E]) };
        return Array.from(vaeLoss(batch.bow, model.forwardTrain(batch, new Random(11)).forward, model.prior()).dataSync());
      });
    const got = lossWith(e);
    expect(lossWith(e.map((v) => v * -3))).toEqual(got); // the embeddings are not read
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
    const X = Array.from({ length: B }, (_, i) => Array.from(x.subarray(i * V, (i + 1) * V)));
    const h = lin(X, 'hidden0', 4).map((row) => row.map((v) => Math.log1p(Math.exp(v))));
    const mu = bn(lin(h, 'mu', K));
    const lv = bn(lin(h, 'logvar', K));
    const eps = Array.from(tf.tidy(() => tf.randomNormal([B, K], 0, 1, 'float32', new Random(11).seed()).dataSync()));
    const theta = mu.map((row, i) => {
      const z = row.map((m, k) => m + Math.exp(lv[i][k] / 2) * eps[i * K + k]);
      const mx = Math.max(...z);
      const ex = z.map((v) => Math.exp(v - mx));
      const s = ex.reduce((a, b) => a + b, 0);
      return ex.map((v) => v / s);
    });
    const beta = P('beta');
    const logits = bn(theta.map((t) => Array.from({ length: V }, (_, v) => t.reduce((s, tk, k) => s + tk * beta[k * V + v], 0))));
    const pm = P('prior.mean');
    const pv = P('prior.variance');
    const want = logits.map((row, i) => {
      const mx = Math.max(...row);
      const lse = mx + Math.log(row.reduce((s, v) => s + Math.exp(v - mx), 0));
      const rl = -row.reduce((s, v, j) => s + X[i][j] * (v - lse), 0);
      let kl = 0;
      for (let k = 0; k < K; k++) kl += Math.exp(lv[i][k]) / pv[k] + (pm[k] - mu[i][k]) ** 2 / pv[k] + Math.log(pv[k]) - lv[i][k];
      return rl + 0.5 * (kl - K);
    });
    got.forEach((g, i) => expect(Math.abs(g - want[i]) / Math.max(1, Math.abs(want[i]))).toBeLessThan(1e-4));
    model.dispose();
  });
});
