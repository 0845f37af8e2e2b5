import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, CpuBackend, Random, resolveModelConfig, vaeLoss, type Float32Matrix } from '@topickd/core';
import { reference64 } from '@topickd/core/testing';
import { etmFactory, type Etm } from '@topickd/models-classic';

const [K, V, L, B] = [3, 7, 5, 6];
const vocabulary = Array.from({ length: V }, (_, i) => `w${i}`);

/** A deterministic stand-in for the encoder's word embeddings (the test's input, not a model). */
const wordEmbeddings = async (texts: readonly string[]): Promise<Float32Matrix> => {
  const r = new Random(42);
  return { rows: texts.length, cols: L, data: r.uniformArray(texts.length * L, -1, 1) };
};

async function tinyEtm(seed = 5): Promise<Etm> {
  const m = etmFactory.create(resolveModelConfig({ kind: 'etm', numTopics: K, vocabSize: V, embeddingDim: 0, hiddenSizes: [4], dropout: 0 }), seed);
  await m.prepare({ vocabulary, embedTexts: wordEmbeddings });
  return m;
}

describe('etm', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });

  it('β = softmax(α ρᵀ): rows sum to 1 and equal a float64 computation; ρ is the encoder\'s word embeddings, frozen', async () => {
    const m = await tinyEtm();
    const rho = Array.from(m.params.get('rho')!.dataSync());
    expect(rho).toEqual(Array.from((await wordEmbeddings(vocabulary)).data));
    expect(m.params.get('rho')!.trainable).toBe(false);
    expect(m.trainableVariables().map((v) => v.name)).not.toContain(m.params.get('rho')!.name);
    expect(m.config.options).toEqual({ wordDim: L });
    const alphas = Array.from(m.params.get('topic_embeddings')!.dataSync());
    const d = m.topicWordDistribution();
    for (let k = 0; k < K; k++) {
      const logits = Array.from({ length: V }, (_, w) => Array.from({ length: L }, (_, j) => alphas[k * L + j] * rho[w * L + j]).reduce((a, b) => a + b, 0));
      const want = reference64.softmax(logits);
      const row = Array.from(d.data.subarray(k * V, (k + 1) * V));
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
      row.forEach((p, w) => expect(Math.abs(p - want[w])).toBeLessThan(1e-6));
    }
    expect([...m.params.keys()]).toEqual(['hidden0.weight', 'hidden0.bias', 'mu.weight', 'mu.bias', 'logvar.weight', 'logvar.bias', 'topic_embeddings', 'rho', 'prior.mean', 'prior.variance']);
    m.dispose();
  });

  it('its backward pass equals finite differences of the VAE loss (topic embeddings and the first layer)', async () => {
    const m = await tinyEtm();
    const r = new Random(3);
    const x = Float32Array.from({ length: B * V }, () => Math.floor(r.next() * 3));
    const batchOf = () => ({ bow: tf.tensor2d(x, [B, V]), embeddings: tf.zeros([B, 0]) as tf.Tensor2D });
    const loss = () => tf.tidy(() => {
      const batch = batchOf();
      return tf.sum(vaeLoss(batch.bow, m.forwardTrain(batch, new Random(11)).forward, m.prior())).dataSync()[0];
    });
    const grads = tf.tidy(() => {
      const batch = batchOf();
      const { forward, cache } = m.forwardTrain(batch, new Random(11));
      const outs = [forward.mu, forward.logvar, forward.theta, forward.wordLogits];
      // as the trainer: the loss differentiated with respect to the model's outputs (θ unused by the VAE loss)
      const g = tf.engine().gradients(() => tf.sum(vaeLoss(batch.bow, forward, m.prior())) as tf.Scalar, outs, undefined, true).grads;
      const back = m.backward(cache, { mu: g[0] as tf.Tensor2D, logvar: g[1] as tf.Tensor2D, theta: g[2] as tf.Tensor2D | undefined, wordLogits: g[3] as tf.Tensor2D });
      return Object.fromEntries(Object.entries(back).map(([k, v]) => [k, Array.from(v.dataSync())]));
    });
    const name = (n: string) => [...m.params].find(([k]) => k === n)![1].name;
    for (const param of ['topic_embeddings', 'hidden0.weight']) {
      const v = m.params.get(param)!;
      const base = Float32Array.from(v.dataSync());
      const analytic = grads[name(param)] ?? grads[param];
      expect(analytic, `gradient of ${param}`).toBeDefined();
      for (const i of [0, 3, 7, 11]) {
        const h = 1e-2;
        const at = (delta: number) => {
          const p = base.slice();
          p[i] += delta;
          tf.tidy(() => v.assign(tf.tensor(p, v.shape)));
          return loss();
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
        expect(Math.abs(analytic[i] - numeric), `${param}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
      }
    }
    m.dispose();
  });

  it('reads ρ from a word-vector file (word2vec header, missing words get zeros); unknown options are named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etm-'));
    const file = join(dir, 'vectors.txt');
    writeFileSync(file, `3 2\nw0 1 2\nw3 -1 0.5\nzzz 9 9\n`);
    const m = etmFactory.create(resolveModelConfig({ kind: 'etm', numTopics: 2, vocabSize: V, embeddingDim: 0, hiddenSizes: [4], options: { wordVectors: file } }), 0);
    await m.prepare({ vocabulary, embedTexts: () => Promise.reject(new Error('the encoder is not used when a file is given')) });
    const rho = Array.from(m.params.get('rho')!.dataSync());
    expect(rho.slice(0, 2)).toEqual([1, 2]);
    expect(rho.slice(6, 8)).toEqual([-1, 0.5]);
    expect(rho.slice(2, 6)).toEqual([0, 0, 0, 0]);
    expect(m.config.options).toEqual({ wordVectors: file, wordDim: 2 });
    m.dispose();
    expect(() => etmFactory.create(resolveModelConfig({ kind: 'etm', numTopics: 2, vocabSize: V, embeddingDim: 0, options: { wordvectors: 'x' } }), 0)).toThrow(/unknown ETM option "wordvectors"; ETM takes: wordVectors, wordDim/);
  });
});
