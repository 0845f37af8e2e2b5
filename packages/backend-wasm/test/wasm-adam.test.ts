import { describe, it, expect } from 'vitest';
import { tf, Random, AdamOptimizer } from '@topickd/core/plugin';
import { WasmBackend, wasmAdamState, wasmAdamAvailable } from '@topickd/backend-wasm';
import { adamReference, maxAbsDiff } from '@topickd/core/testing';

describe('Adam in WebAssembly SIMD on the wasm heap', () => {
  it('updates parameter and moments as PyTorch\'s Adam (float64 reference), for sizes that are and are not multiples of 4', async () => {
    await new WasmBackend().activate();
    expect(wasmAdamAvailable()).toBe(true);
    const r = new Random(3);
    const sizes = [13, 64];
    const st = wasmAdamState(sizes, true);
    for (const [i, n] of sizes.entries()) {
      const p0 = r.uniformArray(n, -1, 1);
      const g = r.uniformArray(n, -1, 1);
      const m0 = r.uniformArray(n, -0.1, 0.1);
      const v0 = r.uniformArray(n, 0, 0.1);
      st.write(i, m0, v0);
      const x = tf.variable(tf.tensor1d(p0));
      const gt = tf.tensor1d(g);
      expect(st.update(i, x, gt, 2e-3, 1.3, 0.99, 0.98, 1e-8)).toBe(true);
      const got = x.dataSync();
      const { m, v } = st.read(i);
      const want = adamReference(p0, g, m0, v0, { stepSize: 2e-3, invSqrtBc2: 1.3, beta1: 0.99, beta2: 0.98, eps: 1e-8 });
      // toBeCloseTo(x, 6): |difference| < 5e-7, element by element
      expect(maxAbsDiff(m, want.m)).toBeLessThan(5e-7);
      expect(maxAbsDiff(v, want.v)).toBeLessThan(5e-7);
      expect(maxAbsDiff(got, want.p)).toBeLessThan(5e-7);
      x.dispose();
      gt.dispose();
    }
    st.dispose();
  });

  it('the optimizer keeps its moments in the heap while training and hands them back exactly (checkpoints)', async () => {
    const { kernels } = await new WasmBackend().activate();
    expect(kernels.adamState).toBeTypeOf('function');
    const x = tf.variable(tf.tensor1d(new Random(5).uniformArray(10, -1, 1)));
    const opt = new AdamOptimizer([x], { learningRate: 0.01, beta1: 0.9, beta2: 0.99 }, kernels);
    const g = tf.tensor1d(new Random(6).uniformArray(10, -1, 1));
    opt.apply({ [x.name]: g });
    opt.apply({ [x.name]: g });
    const s = opt.getState();
    expect(s.step).toBe(2);
    expect(Math.max(...s.m[0].map(Math.abs))).toBeGreaterThan(0);
    // a second optimizer restored from the state continues identically
    const y = tf.variable(x.clone());
    const opt2 = new AdamOptimizer([y], { learningRate: 0.01, beta1: 0.9, beta2: 0.99 }, kernels);
    opt2.setState(s);
    opt.apply({ [x.name]: g });
    opt2.apply({ [y.name]: g });
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    // disposing frees the heap copy; the moments stay readable, unchanged
    const before = opt.getState();
    opt.dispose();
    opt2.dispose();
    expect(Array.from(opt.getState().m[0])).toEqual(Array.from(before.m[0]));
    expect(Array.from(opt.getState().v[0])).toEqual(Array.from(before.v[0]));
    [x, y, g].forEach((t) => t.dispose());
  });

  it('updates in place under TopicKD\'s products, into a fresh tensor under XNNPACK\'s (which keeps packed copies per tensor), with the same values', async () => {
    const run = async (gemm: boolean) => {
      const { kernels } = await new WasmBackend({ simdMatMul: gemm }).activate();
      {
        const w = tf.variable(tf.tensor2d(new Random(7).uniformArray(12, -1, 1), [3, 4]));
        const opt = new AdamOptimizer([w], { learningRate: 0.01, beta1: 0.9, beta2: 0.99 }, kernels);
        const g = tf.tensor2d(new Random(8).uniformArray(12, -1, 1), [3, 4]);
        opt.apply({ [w.name]: g }); // the first step gives the variable its own storage
        const id = w.dataId;
        const y0 = tf.matMul(tf.ones([1, 3]), w).dataSync().slice();
        opt.apply({ [w.name]: g });
        const y1 = tf.matMul(tf.ones([1, 3]), w).dataSync().slice();
        const out = { same: w.dataId === id, w: w.dataSync().slice(), moved: Math.max(...y1.map((v, i) => Math.abs(v - y0[i]))) };
        [w, g].forEach((t) => t.dispose());
        opt.dispose();
        return out;
      }
    };
    const ours = await run(true);
    const xnn = await run(false);
    expect(ours.same).toBe(true);
    expect(xnn.same).toBe(false);
    expect(Array.from(ours.w)).toEqual(Array.from(xnn.w));
    // the product sees the updated weight in both cases
    expect(ours.moved).toBeGreaterThan(1e-4);
    expect(xnn.moved).toBeGreaterThan(1e-4);
  });
});
