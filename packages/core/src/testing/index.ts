// @topickd/core/testing — the backend conformance suite. Any backend package runs it
// from its own tests, passing its test framework's functions (vitest, jest, mocha):
//
//   import { describe, it, expect } from 'vitest';
//   runBackendConformance({ describe, it, expect }, new WasmBackend());
//
// Every check runs the same computation on the cpu reference backend and on the
// backend under test and compares within 1e-5; gradients are also compared with
// central finite differences.
import { tf } from '../tfjs/tf.js';
import type { Backend } from '../contracts/backend.js';
import { CpuBackend } from '../backends/cpu-backend.js';
import { ContextualTopicModel, resolveModelConfig } from '../model/contextual-topic-model.js';
import { Random } from '../util/random.js';
import { AdamOptimizer } from '../train/adam.js';
import { vaeLoss } from '../model/fused-ops.js';
import { trainStep, vaeStepLoss } from '../train/trainer.js';
import { CsrBuilder } from '../data/csr-matrix.js';

export interface TestApi {
  describe: (name: string, fn: () => void) => void;
  it: ((name: string, fn: () => unknown | Promise<unknown>, timeout?: number) => void) & {
    skip?: (name: string, fn: () => unknown) => void;
  };
  expect: (v: unknown) => { toBe(x: unknown): void; toBeLessThan(x: number): void; toEqual(x: unknown): void };
}

export interface ConformanceOptions {
  /** Report the whole suite as skipped with this reason (e.g. the native library is missing). */
  skipReason?: string;
  /**
   * Report the training and gradient checks as skipped with this reason: for a backend whose
   * activation says `canTrain: false` (e.g. a GPU backend without synchronous reads, which each
   * training step's loss needs). The other checks still run.
   */
  trainingSkipReason?: string;
  tolerance?: number;
}

const cpu = new CpuBackend();

/** Runs `fn` on `backend` and reads its tensors asynchronously (a GPU backend may have no synchronous read). */
async function runOn(backend: Backend, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await backend.activate();
  const tensors = tf.tidy(() => {
    const r = fn();
    return Array.isArray(r) ? r : [r];
  });
  try {
    return await Promise.all(tensors.map(async (t) => Float32Array.from((await t.data()) as Float32Array)));
  } finally {
    tf.dispose(tensors);
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * PyTorch's Adam update in float64, element by element — the independent reference that
 * native Adam kernels (OpenBLAS engine, WebAssembly SIMD) are tested against.
 */
export function adamReference(
  p: ArrayLike<number>,
  g: ArrayLike<number>,
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  o: { stepSize: number; invSqrtBc2: number; beta1: number; beta2: number; eps: number },
): { p: Float64Array; m: Float64Array; v: Float64Array } {
  const n = p.length;
  const out = { p: new Float64Array(n), m: new Float64Array(n), v: new Float64Array(n) };
  for (let j = 0; j < n; j++) {
    out.m[j] = o.beta1 * m[j] + (1 - o.beta1) * g[j];
    out.v[j] = o.beta2 * v[j] + (1 - o.beta2) * g[j] * g[j];
    out.p[j] = p[j] - (o.stepSize * out.m[j]) / (Math.sqrt(out.v[j]) * o.invSqrtBc2 + o.eps);
  }
  return out;
}

/** A deterministic pseudo-random array (same on every backend). */
function values(n: number, seed: number, scale = 1): Float32Array {
  const r = new Random(seed);
  return Float32Array.from({ length: n }, () => (r.next() * 2 - 1) * scale);
}

/** The tiny VAE used for gradient checks: CombinedTM, V=7, E=5, K=3, hidden [4]. */
function tinyModel(): ContextualTopicModel {
  return new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: 3, vocabSize: 7, embeddingDim: 5, hiddenSizes: [4], dropout: 0 }), 3);
}

function tinyBatch() {
  const bow = tf.tensor2d(Float32Array.from(values(4 * 7, 11), (v) => Math.round(Math.abs(v) * 3)), [4, 7]);
  const embeddings = tf.tensor2d(values(4 * 5, 12), [4, 5]);
  return { bow, embeddings };
}

/** Summed VAE loss of the tiny model with a fixed ε (seeded), as a function of all its parameters. */
function tinyLoss(model: ContextualTopicModel): tf.Scalar {
  const batch = tinyBatch();
  const { forward } = model.forwardTrain(batch, new Random(5));
  return tf.sum(vaeLoss(batch.bow, forward, model.prior())) as tf.Scalar;
}

export function runBackendConformance(api: TestApi, backend: Backend, options: ConformanceOptions = {}): void {
  const { describe, it, expect } = api;
  const tol = options.tolerance ?? 1e-5;
  describe(`backend conformance: ${backend.name}`, () => {
    if (options.skipReason) {
      (it.skip ?? it)(`skipped: ${options.skipReason}`, () => undefined);
      return;
    }
    const same = async (fn: () => tf.Tensor | tf.Tensor[]) => {
      const ref = await runOn(cpu, fn);
      const got = await runOn(backend, fn);
      expect(got.length).toBe(ref.length);
      ref.forEach((r, i) => expect(maxAbsDiff(r, got[i])).toBeLessThan(tol));
      return got;
    };

    it('activates and reports itself', async () => {
      const info = await backend.activate();
      expect(info.name).toBe(backend.name);
      expect(typeof info.tfjsBackend).toBe('string');
    });

    it('matMul (plain and transposed) matches cpu', async () => {
      const a = values(37 * 53, 1);
      const b = values(53 * 29, 2);
      const got = await same(() => {
        const A = tf.tensor2d(a, [37, 53]);
        const B = tf.tensor2d(b, [53, 29]);
        return [tf.matMul(A, B), tf.matMul(tf.transpose(B), tf.transpose(A)), tf.matMul(A, tf.transpose(A), false, false)];
      });
      // and a hand-checked 2×2 case
      const hand = await runOn(backend, () => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
      expect(Array.from(hand[0])).toEqual([19, 22, 43, 50]);
      expect(got[0].length).toBe(37 * 29);
    });

    it('softplus, logSoftmax, moments match cpu and closed forms', async () => {
      const x = values(64 * 40, 3, 6);
      const [sp, ls, mean, variance] = await same(() => {
        const X = tf.tensor2d(x, [64, 40]);
        const m = tf.moments(X, 0);
        return [tf.softplus(X), tf.logSoftmax(X), m.mean, m.variance];
      });
      expect(Math.abs(sp[0] - Math.log1p(Math.exp(x[0])))).toBeLessThan(1e-5);
      let lse = 0;
      for (let j = 0; j < 40; j++) lse += Math.exp(x[j]);
      expect(Math.abs(ls[0] - (x[0] - Math.log(lse)))).toBeLessThan(1e-4);
      let m0 = 0;
      for (let i = 0; i < 64; i++) m0 += x[i * 40];
      m0 /= 64;
      let v0 = 0;
      for (let i = 0; i < 64; i++) v0 += (x[i * 40] - m0) ** 2;
      expect(Math.abs(mean[0] - m0)).toBeLessThan(1e-5);
      expect(Math.abs(variance[0] - v0 / 64)).toBeLessThan(1e-4);
    });

    it('seeded random ops give the same values as on cpu', async () => {
      await same(() => [tf.randomNormal([50, 20], 0, 1, 'float32', 42), tf.randomUniform([30], 0, 1, 'float32', 7), tf.dropout(tf.ones([40, 10]), 0.2, undefined, 9)]);
    });

    const trainingIt = options.trainingSkipReason ? (name: string, _fn: () => unknown) => (it.skip ?? it)(`${name} (skipped: ${options.trainingSkipReason})`, () => undefined) : it;

    trainingIt('training steps (forward, backward, Adam) give the same weights as on cpu', async () => {
      const trainOn = async (b: Backend) => {
        await b.activate();
        const model = tinyModel();
        const vars = model.trainableVariables();
        const opt = new AdamOptimizer(vars, { learningRate: 0.01, beta1: 0.9, beta2: 0.99 });
        for (let s = 0; s < 5; s++) {
          tf.tidy(() => {
            const { grads } = tf.variableGrads(() => tinyLoss(model), vars);
            opt.apply(grads);
          });
        }
        // Some gradients are zero up to rounding: the biases feeding the non-affine batch
        // norms (BN removes any shift) and the prior mean (the BN'd μ has batch mean 0).
        // Adam turns that noise into ±lr steps, so those are compared through the loss.
        const out = [...model.params].filter(([n]) => !['mu.bias', 'logvar.bias', 'prior.mean'].includes(n)).map(([, v]) => Float32Array.from(v.dataSync()));
        const loss = tf.tidy(() => tinyLoss(model).dataSync()[0]);
        model.dispose();
        return { out, loss };
      };
      const ref = await trainOn(cpu);
      const got = await trainOn(backend);
      ref.out.forEach((r, i) => expect(maxAbsDiff(r, got.out[i])).toBeLessThan(1e-4));
      expect(Math.abs(ref.loss - got.loss) / Math.abs(ref.loss)).toBeLessThan(1e-5);
    });

    trainingIt('training steps with its kernel set (forward, backward, native kernels, Adam) give the same losses and weights as on cpu', async () => {
      const V = 40;
      const E = 12;
      const N = 48;
      const r = new Random(17);
      const bow = new CsrBuilder(V);
      for (let i = 0; i < N; i++) {
        const m = new Map<number, number>();
        for (let j = 0; j < 8; j++) m.set(Math.floor(r.next() * V), 1 + Math.floor(r.next() * 3));
        bow.addRow(m);
      }
      const inputs = { bow: bow.build(), embeddings: { rows: N, cols: E, data: r.uniformArray(N * E, -1, 1) } };
      const trainOn = async (b: Backend) => {
        const { kernels } = await b.activate();
        const model = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: 5, vocabSize: V, embeddingDim: E, hiddenSizes: [16], dropout: 0.2 }), 4);
        const opt = new AdamOptimizer(model.trainableVariables(), { learningRate: 2e-3, beta1: 0.99, beta2: 0.99 }, kernels);
        const rng = new Random(9);
        const losses: number[] = [];
        for (let s = 0; s < 4; s++) losses.push(trainStep(model, opt, inputs, Int32Array.from({ length: 16 }, (_, i) => (s * 16 + i) % N), 0, rng, vaeStepLoss, 'manual', kernels));
        opt.dispose();
        const out = [...model.params].filter(([n]) => !['mu.bias', 'logvar.bias', 'prior.mean'].includes(n)).map(([, v]) => Float32Array.from(v.dataSync()));
        model.dispose();
        return { losses, out };
      };
      const ref = await trainOn(cpu);
      const got = await trainOn(backend);
      ref.losses.forEach((l, i) => expect(Math.abs(l - got.losses[i]) / Math.abs(l)).toBeLessThan(1e-5));
      ref.out.forEach((w, i) => expect(maxAbsDiff(w, got.out[i])).toBeLessThan(1e-4));
    });

    trainingIt('gradient of a tiny VAE loss matches cpu and finite differences', async () => {
      const model = tinyModel();
      try {
        const vars = model.trainableVariables();
        const gradsOn = async (b: Backend) => {
          await b.activate();
          return tf.tidy(() => {
            const { grads } = tf.variableGrads(() => tinyLoss(model), vars);
            return vars.map((v) => Float32Array.from(grads[v.name].dataSync()));
          });
        };
        const ref = await gradsOn(cpu);
        const got = await gradsOn(backend);
        ref.forEach((r, i) => expect(maxAbsDiff(r, got[i]) / (1 + Math.max(...Array.from(r, Math.abs)))).toBeLessThan(1e-4));
        // central finite differences (in float32, step 1e-2) on a few coordinates of each parameter
        await backend.activate();
        const lossValue = () => tf.tidy(() => tinyLoss(model).dataSync()[0]);
        const h = 1e-2;
        vars.forEach((v, vi) => {
          const base = Float32Array.from(v.dataSync());
          for (const idx of [0, Math.floor(base.length / 2), base.length - 1]) {
            const plus = base.slice();
            plus[idx] += h;
            v.assign(tf.tensor(plus, v.shape));
            const lp = lossValue();
            const minus = base.slice();
            minus[idx] -= h;
            v.assign(tf.tensor(minus, v.shape));
            const lm = lossValue();
            v.assign(tf.tensor(base, v.shape));
            const fd = (lp - lm) / (2 * h);
            const an = got[vi][idx];
            expect(Math.abs(fd - an) / Math.max(1, Math.abs(fd))).toBeLessThan(2e-2);
          }
        });
      } finally {
        model.dispose();
      }
    });
  });
}

/**
 * Float64 reference computations for model tests, independent of tfjs: a model's loss is
 * checked against these written out by hand.
 */
export const reference64 = {
  /** Row-major values as rows. */
  rows(a: ArrayLike<number>, n: number, cols: number): number[][] {
    return Array.from({ length: n }, (_, i) => Array.from({ length: cols }, (_, j) => a[i * cols + j]));
  },
  /** x·W + b with W row-major [in × out]. */
  linear(inp: number[][], W: ArrayLike<number>, b: ArrayLike<number>, outDim: number): number[][] {
    return inp.map((row) => Array.from({ length: outDim }, (_, o) => b[o] + row.reduce((s, v, i) => s + v * W[i * outDim + o], 0)));
  },
  /** Batch norm without affine, training mode: each column by its batch mean and biased variance. */
  batchNorm(m: number[][], eps = 1e-5): number[][] {
    const cols = m[0].length;
    const mean = Array.from({ length: cols }, (_, c) => m.reduce((s, r) => s + r[c], 0) / m.length);
    const variance = Array.from({ length: cols }, (_, c) => m.reduce((s, r) => s + (r[c] - mean[c]) ** 2, 0) / m.length);
    return m.map((r) => r.map((v, c) => (v - mean[c]) / Math.sqrt(variance[c] + eps)));
  },
  softplus(m: number[][]): number[][] {
    return m.map((r) => r.map((v) => Math.log1p(Math.exp(v))));
  },
  softmax(z: number[]): number[] {
    const mx = Math.max(...z);
    const ex = z.map((v) => Math.exp(v - mx));
    const s = ex.reduce((a, b) => a + b, 0);
    return ex.map((v) => v / s);
  },
  /** KL(N(μ, e^λ) ‖ N(m, v)) of one document. */
  gaussianKl(mu: number[], logvar: number[], priorMean: ArrayLike<number>, priorVariance: ArrayLike<number>): number {
    let kl = 0;
    for (let k = 0; k < mu.length; k++) kl += Math.exp(logvar[k]) / priorVariance[k] + (priorMean[k] - mu[k]) ** 2 / priorVariance[k] + Math.log(priorVariance[k]) - logvar[k];
    return 0.5 * (kl - mu.length);
  },
  /** −Σ x log softmax(logits) of one document. */
  reconstruction(x: number[], logits: number[]): number {
    const mx = Math.max(...logits);
    const lse = mx + Math.log(logits.reduce((s, v) => s + Math.exp(v - mx), 0));
    return -logits.reduce((s, v, j) => s + x[j] * (v - lse), 0);
  },
};
