import { describe, it, expect, beforeAll } from 'vitest';
import { tf, CpuBackend, Random } from '@topickd/core';
import { batchNormTrain, gaussianKl, reconstructionLoss } from '@topickd/core/plugin';

// The fused ops (closed-form gradients) against (1) tfjs's autodiff of the plain
// formulas and (2) central finite differences in float64 of the plain formulas.

const B = 6;
const K = 4;
const V = 7;
const rnd = new Random(42);
const arr = (n: number, lo = -1, hi = 1) => rnd.uniformArray(n, lo, hi);

const plainBn = (x: tf.Tensor) => {
  const { mean, variance } = tf.moments(x, 0);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
};
const plainRl = (bow: tf.Tensor, l: tf.Tensor) => tf.neg(tf.sum(tf.mul(bow, tf.logSoftmax(l)), 1));
const plainKl = (mu: tf.Tensor, lv: tf.Tensor, pm: tf.Tensor, pv: tf.Tensor) =>
  tf.mul(0.5, tf.add(tf.sub(tf.add(tf.sum(tf.div(tf.exp(lv), pv), 1), tf.sum(tf.div(tf.square(tf.sub(pm, mu)), pv), 1)), K), tf.sub(tf.sum(tf.log(pv)), tf.sum(lv, 1))));

/** A fixed random weighting of the outputs, so every output element matters. */
function weighted(f: (...xs: tf.Tensor[]) => tf.Tensor, w: Float32Array) {
  return (...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), tf.tensor(w, f(...xs).shape)));
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.abs(b[i])));
  return m;
}

/** Central differences of a scalar function of float64 inputs, evaluated in float32 tfjs on cpu with a wide step. */
function finiteDiff(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: { data: Float32Array; shape: number[] }[], which: number, h = 1e-2): Float64Array {
  const out = new Float64Array(inputs[which].data.length);
  for (let i = 0; i < out.length; i++) {
    const at = (delta: number) =>
      tf.tidy(() => {
        const xs = inputs.map((inp, j) => {
          const d = Float32Array.from(inp.data);
          if (j === which) d[i] += delta;
          return tf.tensor(d, inp.shape);
        });
        return f(...xs).dataSync()[0];
      });
    out[i] = (at(h) - at(-h)) / (2 * h);
  }
  return out;
}

describe('fused ops: closed-form gradients', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });

  it('batch norm (training mode): value, statistics and gradient', () => {
    const x = { data: arr(B * K, -2, 3), shape: [B, K] };
    const w = arr(B * K);
    tf.tidy(() => {
      const xt = tf.tensor(x.data, x.shape);
      const fused = batchNormTrain(xt as tf.Tensor2D, 1e-5);
      expect(maxRelDiff(fused.y.dataSync(), plainBn(xt).dataSync())).toBeLessThan(1e-5);
      expect(maxRelDiff(fused.mean.dataSync(), tf.mean(xt, 0).dataSync())).toBeLessThan(1e-6);
      const gF = tf.grad(weighted((a) => batchNormTrain(a as tf.Tensor2D, 1e-5).y, w))(xt).dataSync();
      const gP = tf.grad(weighted(plainBn, w))(xt).dataSync();
      expect(maxRelDiff(gF, gP)).toBeLessThan(1e-4);
      expect(maxRelDiff(gF, finiteDiff(weighted(plainBn, w), [x], 0))).toBeLessThan(2e-2);
    });
  });

  it('reconstruction loss: value and gradient with respect to the logits', () => {
    const bowData = Float32Array.from({ length: B * V }, () => Math.floor(rnd.next() * 3));
    const l = { data: arr(B * V, -2, 2), shape: [B, V] };
    const w = arr(B);
    tf.tidy(() => {
      const bow = tf.tensor(bowData, [B, V]) as tf.Tensor2D;
      const lt = tf.tensor(l.data, l.shape);
      expect(maxRelDiff(reconstructionLoss(bow, lt as tf.Tensor2D).dataSync(), plainRl(bow, lt).dataSync())).toBeLessThan(1e-5);
      const gF = tf.grad(weighted((a) => reconstructionLoss(bow, a as tf.Tensor2D), w))(lt).dataSync();
      const gP = tf.grad(weighted((a) => plainRl(bow, a), w))(lt).dataSync();
      expect(maxRelDiff(gF, gP)).toBeLessThan(1e-4);
      expect(maxRelDiff(gF, finiteDiff(weighted((a) => plainRl(bow, a), w), [l], 0))).toBeLessThan(2e-2);
    });
  });

  it('Gaussian KL: value and gradients with respect to μ, log σ² and the learnable prior', () => {
    const ins = [
      { data: arr(B * K), shape: [B, K] },
      { data: arr(B * K, -1, 0.5), shape: [B, K] },
      { data: arr(K, -0.3, 0.3), shape: [K] },
      { data: arr(K, 0.5, 1.2), shape: [K] },
    ];
    const w = arr(B);
    tf.tidy(() => {
      const ts = ins.map((i) => tf.tensor(i.data, i.shape));
      const fusedF = (m: tf.Tensor, lv: tf.Tensor, pm: tf.Tensor, pv: tf.Tensor) => gaussianKl(m as tf.Tensor2D, lv as tf.Tensor2D, pm, pv);
      expect(maxRelDiff(fusedF(ts[0], ts[1], ts[2], ts[3]).dataSync(), plainKl(ts[0], ts[1], ts[2], ts[3]).dataSync())).toBeLessThan(1e-5);
      const gF = tf.grads(weighted(fusedF, w))(ts);
      const gP = tf.grads(weighted(plainKl, w))(ts);
      gF.forEach((g, i) => {
        expect(maxRelDiff(g.dataSync(), gP[i].dataSync())).toBeLessThan(1e-4);
        expect(maxRelDiff(g.dataSync(), finiteDiff(weighted(plainKl, w), ins, i))).toBeLessThan(2e-2);
      });
    });
  });

  it('fused ops leave no tensors behind', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomNormal([B, K]) as tf.Tensor2D;
      const v = tf.variable(tf.randomNormal([K, K]));
      const { grads } = tf.variableGrads(() => tf.sum(gaussianKl(batchNormTrain(tf.matMul(x, v) as tf.Tensor2D, 1e-5).y, x, tf.zeros([K]), tf.ones([K]))), [v]);
      expect(grads[v.name].shape).toEqual([K, K]);
      v.dispose();
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('fused ops inside a loss function that creates its own inputs', () => {
  it('the reconstruction gradient survives the bag of words being made inside the loss closure', async () => {
    await new CpuBackend().activate();
    tf.tidy(() => {
      const l = tf.variable(tf.randomNormal([3, 5], 0, 1, 'float32', 1));
      const { grads } = tf.variableGrads(() => tf.sum(reconstructionLoss(tf.ones([3, 5]) as tf.Tensor2D, l as unknown as tf.Tensor2D)), [l]);
      const want = tf.grad((x: tf.Tensor) => tf.sum(plainRl(tf.ones([3, 5]), x)))(l).dataSync();
      expect(maxRelDiff(grads[l.name].dataSync(), want)).toBeLessThan(1e-5);
      l.dispose();
    });
  });
});
