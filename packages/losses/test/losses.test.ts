import { describe, it, expect, beforeAll } from 'vitest';
import { tf, CpuBackend, type ModelOutputs, type DistillationLoss, Random } from '@topickd/core';
import { CrossEntropyLoss, WassersteinLoss, KlLoss, MseLoss } from '@topickd/losses';

const B = 3;
const K = 4;
const V = 6;

function outputs(seed: number): { arrays: Record<keyof ModelOutputs, Float32Array>; make: () => ModelOutputs } {
  const r = new Random(seed);
  const arrays = {
    mu: r.uniformArray(B * K, -1, 1),
    logvar: r.uniformArray(B * K, -1, 0.5),
    theta: r.uniformArray(B * K, 0, 1),
    wordLogits: r.uniformArray(B * V, -2, 2),
    preBnWordLogits: r.uniformArray(B * V, -3, 3),
  };
  return {
    arrays,
    make: () => ({
      mu: tf.tensor2d(arrays.mu, [B, K]),
      logvar: tf.tensor2d(arrays.logvar, [B, K]),
      theta: tf.tensor2d(arrays.theta, [B, K]),
      wordLogits: tf.tensor2d(arrays.wordLogits, [B, V]),
      preBnWordLogits: tf.tensor2d(arrays.preBnWordLogits, [B, V]),
    }),
  };
}

const softmax = (xs: number[]) => {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};
const rowOf = (a: Float32Array, i: number, n: number) => Array.from(a.subarray(i * n, (i + 1) * n));

/** Closed forms, in float64, per document. */
const closed: Record<string, (t: Record<string, Float32Array>, s: Record<string, Float32Array>, T: number) => number[]> = {
  ce: (t, s, T) =>
    Array.from({ length: B }, (_, i) => {
      const pt = softmax(rowOf(t.wordLogits, i, V).map((x) => x / T));
      const ps = softmax(rowOf(s.wordLogits, i, V).map((x) => x / T));
      return -T * T * pt.reduce((acc, p, v) => acc + p * Math.log(ps[v] + 1e-10), 0);
    }),
  w2: (t, s) =>
    Array.from({ length: B }, (_, i) => {
      let d = 0;
      for (let k = 0; k < K; k++) {
        const j = i * K + k;
        d += (s.mu[j] - t.mu[j]) ** 2 + (Math.exp(s.logvar[j] / 2) - Math.exp(t.logvar[j] / 2)) ** 2;
        // equivalently ‖Δμ‖² + tr Σs + tr Σt − 2 tr √(Σs Σt)
      }
      return d;
    }),
  kl: (t, s) =>
    Array.from({ length: B }, (_, i) => {
      let d = 0;
      for (let k = 0; k < K; k++) {
        const j = i * K + k;
        const vs = Math.exp(s.logvar[j]);
        const vt = Math.exp(t.logvar[j]);
        d += Math.log(vt / vs) + (vs + (s.mu[j] - t.mu[j]) ** 2) / vt - 1;
      }
      return d / 2;
    }),
  mse: (t, s) =>
    Array.from({ length: B }, (_, i) => {
      let d = 0;
      for (let k = 0; k < K; k++) d += (s.mu[i * K + k] - t.mu[i * K + k]) ** 2 + (s.logvar[i * K + k] - t.logvar[i * K + k]) ** 2;
      return d;
    }),
};

const losses: DistillationLoss[] = [new CrossEntropyLoss(), new WassersteinLoss(), new KlLoss(), new MseLoss()];

describe('distillation losses', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });

  // the plain tensor formulas, differentiated by tfjs, for the losses whose gradient is written out
  const plain: Record<string, (t: { mu: tf.Tensor; logvar: tf.Tensor; wordLogits: tf.Tensor }, s: { mu: tf.Tensor; logvar: tf.Tensor; wordLogits: tf.Tensor }, T: number) => tf.Tensor> = {
    ce: (t, s, T) => tf.mul(tf.neg(tf.sum(tf.mul(tf.softmax(tf.div(t.wordLogits, T)), tf.log(tf.add(tf.softmax(tf.div(s.wordLogits, T)), 1e-10))), 1)), T * T),
    w2: (t, s) => tf.add(tf.sum(tf.square(tf.sub(s.mu, t.mu)), 1), tf.sum(tf.square(tf.sub(tf.exp(tf.mul(s.logvar, 0.5)), tf.exp(tf.mul(t.logvar, 0.5)))), 1)),
  };
  for (const loss of losses) {
    it(`${loss.name}: per-document values equal the closed form`, () => {
      const t = outputs(1);
      const s = outputs(2);
      const T = 2.5;
      const got = tf.tidy(() => {
        const ctx = { temperature: T, bow: tf.zeros([B, V]) as tf.Tensor2D };
        const v = loss.compute(t.make(), s.make(), ctx);
        expect(v.shape).toEqual([B]);
        return Array.from(v.dataSync());
      });
      const want = closed[loss.name](t.arrays, s.arrays, T);
      got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[i]))));
    });

    it(`${loss.name}: gradients with respect to the student match finite differences, and it is 0-minimal at the teacher`, () => {
      const t = outputs(3);
      const s = outputs(4);
      const T = 2;
      const keys = loss.name === 'ce' ? (['wordLogits'] as const) : (['mu', 'logvar'] as const);
      for (const key of keys) {
        const shape: [number, number] = key === 'wordLogits' ? [B, V] : [B, K];
        const f = (x: tf.Tensor) => {
          const so = { ...s.make(), [key]: x as tf.Tensor2D };
          return tf.sum(loss.compute(t.make(), so, { temperature: T, bow: tf.zeros([B, V]) as tf.Tensor2D })) as tf.Scalar;
        };
        const g = tf.tidy(() => Array.from(tf.grad(f)(tf.tensor2d(s.arrays[key], shape)).dataSync()));
        const h = 1e-2;
        for (const idx of [0, 3, shape[0] * shape[1] - 1]) {
          const plus = s.arrays[key].slice();
          plus[idx] += h;
          const minus = s.arrays[key].slice();
          minus[idx] -= h;
          const fd = tf.tidy(() => (f(tf.tensor2d(plus, shape)).dataSync()[0] - f(tf.tensor2d(minus, shape)).dataSync()[0]) / (2 * h));
          expect(Math.abs(fd - g[idx])).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
        }
      }
      // every element of the gradient against tfjs's autodiff of the plain formula (ce and w2 have closed-form gradients)
      if (loss.name in plain) {
        for (const key of keys) {
          const shape: [number, number] = key === 'wordLogits' ? [B, V] : [B, K];
          const mk = (fn: (a: ModelOutputs, b: ModelOutputs) => tf.Tensor) => (x: tf.Tensor) => tf.sum(fn(t.make(), { ...s.make(), [key]: x as tf.Tensor2D })) as tf.Scalar;
          const ours = tf.tidy(() => Array.from(tf.grad(mk((a, b) => loss.compute(a, b, { temperature: T, bow: tf.zeros([B, V]) as tf.Tensor2D })))(tf.tensor2d(s.arrays[key], shape)).dataSync()));
          const auto = tf.tidy(() => Array.from(tf.grad(mk((a, b) => plain[loss.name](a, b, T)))(tf.tensor2d(s.arrays[key], shape)).dataSync()));
          ours.forEach((g, i) => expect(Math.abs(g - auto[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(auto[i]))));
        }
      }
      if (loss.name !== 'ce') {
        const same = tf.tidy(() => Array.from(loss.compute(t.make(), t.make(), { temperature: T, bow: tf.zeros([B, V]) as tf.Tensor2D }).dataSync()));
        same.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-5));
      }
    });
  }
});

describe('ce with logits "pre-bn" (the paper\'s soft labels)', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });
  const pre = new CrossEntropyLoss().withOptions({ logits: 'pre-bn' });

  it('softens the logits before batch norm of both models: the closed form on them, and no gradient into the post-BN logits', () => {
    const t = outputs(5);
    const s = outputs(6);
    const T = 3;
    const got = tf.tidy(() => Array.from(pre.compute(t.make(), s.make(), { temperature: T, bow: tf.zeros([B, V]) as tf.Tensor2D }).dataSync()));
    const swap = (a: Record<string, Float32Array>) => ({ ...a, wordLogits: a.preBnWordLogits });
    const want = closed.ce(swap(t.arrays), swap(s.arrays), T);
    got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[i]))));
    // and differs from the default's value on the post-BN logits
    const post = tf.tidy(() => Array.from(new CrossEntropyLoss().compute(t.make(), s.make(), { temperature: T, bow: tf.zeros([B, V]) as tf.Tensor2D }).dataSync()));
    expect(Math.abs(post[0] - got[0])).toBeGreaterThan(1e-3);
    let grads: (number[] | null)[] = [];
    tf.tidy(() => {
      const so = s.make();
      const res = tf.engine().gradients(() => tf.sum(pre.compute(t.make(), so, { temperature: T, bow: tf.zeros([B, V]) as tf.Tensor2D })) as tf.Scalar, [so.wordLogits, so.preBnWordLogits!], undefined, true);
      grads = res.grads.map((g) => (g ? Array.from(g.dataSync()) : null));
    });
    expect(grads[0] === null || grads[0].every((x) => x === 0)).toBe(true);
    // the closed-form gradient w.r.t. the pre-BN logits against finite differences
    const f = (x: Float32Array) => tf.tidy(() => tf.sum(pre.compute(t.make(), { ...s.make(), preBnWordLogits: tf.tensor2d(x, [B, V]) }, { temperature: T, bow: tf.zeros([B, V]) as tf.Tensor2D })).dataSync()[0]);
    const h = 1e-2;
    for (const idx of [0, 7, B * V - 1]) {
      const plus = s.arrays.preBnWordLogits.slice();
      plus[idx] += h;
      const minus = s.arrays.preBnWordLogits.slice();
      minus[idx] -= h;
      const fd = (f(plus) - f(minus)) / (2 * h);
      expect(Math.abs(fd - grads[1]![idx])).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
    }
  });

  it('options are checked: unknown names and values say what the loss takes; a model without pre-BN logits is refused', () => {
    expect(() => new CrossEntropyLoss().withOptions({ logit: 'pre-bn' })).toThrow(/unknown option "logit" of loss "ce"; it takes: logits/);
    expect(() => new CrossEntropyLoss().withOptions({ logits: 'before' })).toThrow(/must be "post-bn" or "pre-bn", got "before"/);
    expect(new CrossEntropyLoss().withOptions({ logits: 'post-bn' }).logits).toBe('post-bn');
    const t = outputs(7);
    expect(() =>
      tf.tidy(() => {
        const { preBnWordLogits: _p, ...noPre } = t.make();
        pre.compute(noPre, noPre, { temperature: 2, bow: tf.zeros([B, V]) as tf.Tensor2D });
      }),
    ).toThrow(/needs the teacher's word logits before batch norm/);
  });
});
