import { describe, it, expect, beforeAll } from 'vitest';
import { tf, CpuBackend, Random, resolveModelConfig, vaeLoss, createContainer, registryOf } from '@topickd/core';
import { reference64 } from '@topickd/core/testing';
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
    const R = reference64;
    const lin = (inp: number[][], n: string, outDim: number) => R.linear(inp, P(`${n}.weight`), P(`${n}.bias`), outDim);
    const X = R.rows(x, B, V);
    const h = R.softplus(lin(X, 'hidden0', 4)); // the bag of words alone
    const mu = R.batchNorm(lin(h, 'mu', K));
    const lv = R.batchNorm(lin(h, 'logvar', K));
    const eps = Array.from(tf.tidy(() => tf.randomNormal([B, K], 0, 1, 'float32', new Random(11).seed()).dataSync()));
    const theta = mu.map((row, i) => R.softmax(row.map((m, k) => m + Math.exp(lv[i][k] / 2) * eps[i * K + k])));
    const beta = P('beta');
    const logits = R.batchNorm(theta.map((t) => Array.from({ length: V }, (_, v) => t.reduce((s, tk, k) => s + tk * beta[k * V + v], 0))));
    const want = logits.map((row, i) => R.reconstruction(X[i], row) + R.gaussianKl(mu[i], lv[i], P('prior.mean'), P('prior.variance')));
    got.forEach((g, i) => expect(Math.abs(g - want[i]) / Math.max(1, Math.abs(want[i]))).toBeLessThan(1e-4));
    model.dispose();
  });
});
