import { describe, it, expect, beforeAll } from 'vitest';
import { tf, Random, reconstructionLoss } from '@topickd/core/plugin';
import { WasmBackend, wasmBatchNormBackward, wasmBatchNormForward, wasmExp, wasmReconstructionLoss } from '@topickd/backend-wasm';

/** float64 RL and its gradient from the definition. */
function reference(x: Float32Array, l: Float32Array, B: number, V: number) {
  const loss = new Float64Array(B);
  const scale = new Float64Array(B); // Σ x·|l|: the size of the terms RL = n·logsumexp − Σ x·l cancels
  const grad = new Float64Array(B * V);
  for (let i = 0; i < B; i++) {
    let m = -Infinity;
    for (let j = 0; j < V; j++) m = Math.max(m, l[i * V + j]);
    let z = 0, n = 0;
    for (let j = 0; j < V; j++) {
      z += Math.exp(l[i * V + j] - m);
      n += x[i * V + j];
      scale[i] += x[i * V + j] * Math.abs(l[i * V + j]);
    }
    for (let j = 0; j < V; j++) {
      const logp = l[i * V + j] - m - Math.log(z);
      loss[i] -= x[i * V + j] * logp;
      grad[i * V + j] = Math.exp(logp) * n - x[i * V + j];
    }
  }
  return { loss, grad, scale };
}

describe('fused loss kernels in WebAssembly SIMD', () => {
  beforeAll(async () => {
    await new WasmBackend().activate();
  });

  it('the SIMD exponential is within 2e-7 relative of Math.exp over [−87, 88] and clamps beyond', () => {
    const n = 20003; // not a multiple of 4
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = -87 + (175 * i) / (n - 1);
    const e = wasmExp(x)!;
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(e[i] - Math.exp(x[i])) / Math.exp(x[i]));
    expect(worst).toBeLessThan(2e-7);
    const far = wasmExp(Float32Array.from([-1000, -88, 0, 1000]))!;
    expect(far[3]).toBeGreaterThan(1e38);
    expect(far[0]).toBeGreaterThanOrEqual(0);
    expect(far[0]).toBeLessThan(1e-37);
    expect(far[2]).toBe(1);
    expect(Number.isFinite(far[3])).toBe(true);
  });

  it('RL and ∂RL/∂l equal a float64 computation from the definition (V off the 4-lane blocks, empty documents, large logits)', () => {
    const rng = new Random(21);
    for (const [B, V] of [[1, 1], [3, 7], [64, 2000], [5, 1697]]) {
      const x = new Float32Array(B * V);
      for (let i = 0; i < B; i++) if (i !== 1) for (let k = 0; k < 20; k++) x[i * V + Math.floor(rng.next() * V)] += 1;
      const l = rng.uniformArray(B * V, -30, 30);
      const r = wasmReconstructionLoss(tf.tensor2d(x, [B, V]), tf.tensor2d(l, [B, V]))!;
      const want = reference(x, l, B, V);
      const loss = r.loss.dataSync();
      const grad = r.grad.dataSync();
      for (let i = 0; i < B; i++) expect(Math.abs(loss[i] - want.loss[i]), `B=${B} V=${V} row ${i}: ${loss[i]} vs ${want.loss[i]}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(want.loss[i]), want.scale[i]));
      let gErr = 0;
      for (let i = 0; i < B * V; i++) gErr = Math.max(gErr, Math.abs(grad[i] - want.grad[i]));
      expect(gErr, `B=${B} V=${V}`).toBeLessThan(2e-5);
    }
  });

  it('is the kernel the wasm backend gives core\'s reconstructionLoss, and its gradient through the tape equals the cpu backend\'s', async () => {
    const { kernels, tfjsBackend } = await new WasmBackend().activate();
    expect(kernels.reconstructionLoss).toBe(wasmReconstructionLoss);
    const rng = new Random(22);
    const [B, V] = [8, 50];
    const x = new Float32Array(B * V).map(() => (rng.next() < 0.2 ? 1 : 0));
    const l = rng.uniformArray(B * V, -3, 3);
    const w = rng.uniformArray(B, 0.5, 2);
    const run = () => {
      const bow = tf.tensor2d(x, [B, V]);
      const f = (logits: tf.Tensor) => tf.sum(tf.mul(reconstructionLoss(bow, logits as tf.Tensor2D, kernels), tf.tensor1d(w)));
      const { value, grad } = tf.valueAndGrad(f)(tf.tensor2d(l, [B, V]));
      return { value: value.dataSync()[0], grad: grad.dataSync().slice() };
    };
    const wasm = run();
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend(tfjsBackend);
    expect(Math.abs(wasm.value - cpu.value)).toBeLessThan(1e-5 * Math.abs(cpu.value));
    let err = 0;
    for (let i = 0; i < cpu.grad.length; i++) err = Math.max(err, Math.abs(wasm.grad[i] - cpu.grad[i]));
    expect(err).toBeLessThan(1e-5);
  });

  it('leaves operands it does not take (int32, mismatched shapes) to the tfjs formula', () => {
    expect(wasmReconstructionLoss(tf.ones([2, 3], 'int32') as tf.Tensor2D, tf.ones([2, 3]) as tf.Tensor2D)).toBeNull();
    expect(wasmReconstructionLoss(tf.ones([2, 4]) as tf.Tensor2D, tf.ones([2, 3]) as tf.Tensor2D)).toBeNull();
  });

  it('batch norm forward and backward equal a float64 computation (column counts off the 4-lane blocks, one-row batches)', () => {
    const rng = new Random(23);
    // relative to the largest value (sums of 64 values of ~200 round at ~1e-5 in float32)
    const close = (got: Float32Array, want: Float64Array, tol: number) => {
      let e = 0, scale = 1;
      for (let i = 0; i < want.length; i++) {
        e = Math.max(e, Math.abs(got[i] - want[i]));
        scale = Math.max(scale, Math.abs(want[i]));
      }
      return e < tol * scale;
    };
    for (const [B, C] of [[64, 2000], [64, 50], [7, 3], [1, 5], [3, 9]]) {
      const xv = rng.uniformArray(B * C, -2, 2).map((v, i) => v + (i % C) * 0.1);
      const gv = rng.uniformArray(B * C, -1, 1);
      const eps = 1e-5;
      const mean = new Float64Array(C), variance = new Float64Array(C), r = new Float64Array(C);
      for (let j = 0; j < C; j++) {
        for (let i = 0; i < B; i++) mean[j] += xv[i * C + j] / B;
        for (let i = 0; i < B; i++) variance[j] += (xv[i * C + j] - mean[j]) ** 2 / B;
        r[j] = 1 / Math.sqrt(variance[j] + eps);
      }
      const y = new Float64Array(B * C).map((_, k) => (xv[k] - mean[k % C]) * r[k % C]);
      const out = new Float64Array(B * C);
      for (let j = 0; j < C; j++) {
        let mg = 0, mgy = 0;
        for (let i = 0; i < B; i++) {
          mg += gv[i * C + j] / B;
          mgy += (gv[i * C + j] * y[i * C + j]) / B;
        }
        for (let i = 0; i < B; i++) out[i * C + j] = r[j] * (gv[i * C + j] - mg - y[i * C + j] * mgy);
      }
      const f = wasmBatchNormForward(tf.tensor2d(xv, [B, C]), eps)!;
      expect(f.y.shape).toEqual([B, C]);
      expect(f.mean.shape).toEqual([C]);
      expect(close(f.mean.dataSync() as Float32Array, mean, 1e-6)).toBe(true);
      expect(close(f.variance.dataSync() as Float32Array, variance, 1e-6)).toBe(true);
      // columns sit at offsets up to 200 with a spread of ±2: x − mean loses ~1e-5 in float32
      expect(close(f.y.dataSync() as Float32Array, y, 1e-4)).toBe(true);
      const back = wasmBatchNormBackward(tf.tensor2d(gv, [B, C]), f.y, f.r)!;
      expect(close(back.dataSync() as Float32Array, out, 1e-4)).toBe(true);
    }
    expect(wasmBatchNormForward(tf.ones([2, 3, 4]), 1e-5)).toBeNull();
  });
});
