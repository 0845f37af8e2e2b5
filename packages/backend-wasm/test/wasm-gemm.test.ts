import { describe, it, expect, beforeAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import { tf, Random } from '@topickd/core';
import { WasmBackend, columnReductionStats, kernelSetName, wasmGemmActive, wasmGemmVariant, wasmGemmStats, relaxedSimdSupported } from '@topickd/backend-wasm';
import { runNode } from '../../../test-support/child-process.js';

/** Runs `f` on another of TopicKD's kernel sets (same wasm instance: tensors are shared), then returns to the default set. */
function onKernelSet<T>(settings: { gemm: boolean; fma: boolean }, f: () => T): T {
  const ours = tf.getBackend();
  tf.setBackend(kernelSetName({ ...settings, heapCopies: true }));
  try {
    return f();
  } finally {
    tf.setBackend(ours);
  }
}

/** float64 reference of op(A)·op(B) over broadcast batches, from row-major data. */
function reference(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): { shape: number[]; values: Float64Array } {
  const A = a.dataSync(), B = b.dataSync();
  const ra = a.rank, rb = b.rank;
  const [am, ak] = [a.shape[ra - 2], a.shape[ra - 1]];
  const [bk, bn] = [b.shape[rb - 2], b.shape[rb - 1]];
  const M = ta ? ak : am, K = ta ? am : ak, N = tb ? bk : bn;
  const aBatch = a.size / (am * ak), bBatch = b.size / (bk * bn);
  const batch = Math.max(aBatch, bBatch);
  const out = new Float64Array(batch * M * N);
  for (let t = 0; t < batch; t++) {
    const ao = (aBatch === 1 ? 0 : t) * am * ak, bo = (bBatch === 1 ? 0 : t) * bk * bn;
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += A[ao + (ta ? k * ak + i : i * ak + k)] * B[bo + (tb ? j * bn + k : k * bn + j)];
        out[t * M * N + i * N + j] = s;
      }
  }
  const outer = (a.rank >= b.rank ? a : b).shape.slice(0, -2).map((d, i, s) => Math.max(d, (a.rank >= b.rank ? b : a).shape.slice(0, -2)[i - (s.length - ((a.rank >= b.rank ? b : a).rank - 2))] ?? 1));
  return { shape: [...outer, M, N], values: out };
}

function relErr(got: Float32Array | Int32Array | Uint8Array, want: Float64Array): number {
  let scale = 1e-30, err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    err = Math.max(err, Math.abs(got[i] - want[i]));
  }
  return err / scale;
}

describe('the WebAssembly SIMD matrix product on the wasm backend', () => {
  beforeAll(async () => {
    // the kernel sets the tests compare with, then the default one
    await new WasmBackend({ relaxedSimd: false }).activate();
    await new WasmBackend({ simdMatMul: false }).activate();
    await new WasmBackend().activate();
  });

  it('the committed modules are fresh compiles of adam.wat and of the generated gemm.wat', async () => {
    const script = fileURLToPath(new URL('../scripts/build-wasm-kernels.mjs', import.meta.url));
    const r = await runNode(script, ['--check']);
    expect(r.stdout).toMatch(/up to date/);
    expect(r.status).toBe(0);
  });

  it('runs here, with fused multiply-adds (activation turned relaxed SIMD on in Node 20)', () => {
    expect(wasmGemmActive()).toBe(true);
    expect(relaxedSimdSupported()).toBe(true);
    expect(wasmGemmVariant()).toBe('fma');
    expect(wasmGemmVariant(kernelSetName({ gemm: true, fma: false, heapCopies: true }))).toBe('simd');
    expect(wasmGemmVariant(kernelSetName({ gemm: false, fma: true, heapCopies: true }))).toBe(null);
    expect(wasmGemmVariant('wasm')).toBe(null); // tfjs's own wasm backend is left as tfjs made it
  });

  it('each WasmBackend\'s options are its own: activating one with other options changes nothing for another', async () => {
    const xnn = await new WasmBackend({ simdMatMul: false }).activate();
    expect(xnn.kernels.fastTransposedMatMul).toBe(false);
    expect(wasmGemmActive()).toBe(false);
    const ours = await new WasmBackend().activate();
    expect(ours.kernels.fastTransposedMatMul).toBe(true);
    expect(wasmGemmVariant()).toBe('fma');
    expect(xnn.tfjsBackend).not.toBe(ours.tfjsBackend);
  });

  it.each([['fma', true], ['plain SIMD', false]] as const)('(%s build) equals a float64 reference for every transpose combination and for sizes off the blocks (tails in M, N and K)', (_, fma) => onKernelSet({ gemm: true, fma }, () => {
    const rng = new Random(11);
    const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 17, 33];
    let cases = 0;
    const before = { ...wasmGemmStats };
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const)
      for (let c = 0; c < 30; c++) {
        const [M, N, K] = [0, 1, 2].map(() => sizes[Math.floor(rng.next() * sizes.length)]);
        const a = tf.tensor2d(rng.uniformArray(M * K, -1, 1), ta ? [K, M] : [M, K]);
        const b = tf.tensor2d(rng.uniformArray(K * N, -1, 1), tb ? [N, K] : [K, N]);
        const got = tf.matMul(a, b, ta, tb);
        const want = reference(a, b, ta, tb);
        expect(got.shape).toEqual(want.shape);
        expect(relErr(got.dataSync(), want.values), `${ta} ${tb} ${M}×${K}·${K}×${N}`).toBeLessThan(1e-6);
        tf.dispose([a, b, got]);
        cases++;
      }
    expect(wasmGemmStats.gemm - before.gemm).toBe(cases);
    expect(wasmGemmStats.fallback).toBe(before.fallback);
  }));

  it('the model\'s and the sentence encoder\'s shapes (long K; M ≥ 256 runs as dot products) agree with the reference within 1e-5 relative', () => {
    const rng = new Random(12);
    for (const [M, K, N, ta, tb] of [[64, 512, 2000, false, false], [512, 64, 2000, true, false], [64, 100, 2000, false, true], [64, 2000, 50, false, true], [100, 64, 4000, true, false], [300, 512, 130, false, false], [257, 33, 9, false, false]] as const) {
      const a = tf.tensor2d(rng.uniformArray(M * K, -1, 1), ta ? [K, M] : [M, K]);
      const b = tf.tensor2d(rng.uniformArray(K * N, -1, 1), tb ? [N, K] : [K, N]);
      const got = tf.matMul(a, b, ta, tb);
      expect(relErr(got.dataSync(), reference(a, b, ta, tb).values)).toBeLessThan(1e-5);
      tf.dispose([a, b, got]);
    }
  });

  it('batched products: equal batches, a batch of one broadcast either side, rank 4', () => {
    const rng = new Random(13);
    const cases: [number[], number[], boolean, boolean][] = [
      [[3, 5, 7], [3, 7, 9], false, false],
      [[1, 5, 7], [4, 7, 9], false, false],
      [[4, 7, 5], [1, 9, 7], true, true],
      [[2, 3, 6, 4], [2, 3, 6, 10], true, false],
      [[5, 7], [3, 9, 7], false, true],
    ];
    const before = wasmGemmStats.fallback;
    for (const [sa, sb, ta, tb] of cases) {
      const a = tf.tensor(rng.uniformArray(sa.reduce((x, y) => x * y, 1), -1, 1), sa);
      const b = tf.tensor(rng.uniformArray(sb.reduce((x, y) => x * y, 1), -1, 1), sb);
      const got = tf.matMul(a, b, ta, tb);
      const want = reference(a.rank < b.rank ? tf.reshape(a, [1, ...a.shape]) : a, b.rank < a.rank ? tf.reshape(b, [1, ...b.shape]) : b, ta, tb);
      expect(got.shape).toEqual(want.shape);
      expect(relErr(got.dataSync(), want.values)).toBeLessThan(1e-6);
    }
    expect(wasmGemmStats.fallback).toBe(before);
  });

  it('an empty inner dimension gives zeros; empty outputs are empty', () => {
    const z = tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 5]));
    expect(Array.from(z.dataSync())).toEqual(new Array(15).fill(0));
    expect(tf.matMul(tf.zeros([0, 4]), tf.ones([4, 5])).shape).toEqual([0, 5]);
  });

  it('leaves int32 operands to tfjs\'s kernel (which refuses them, as it did before)', () => {
    const before = wasmGemmStats.fallback;
    expect(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6, 7, 8], [2, 2], 'int32'))).toThrow(/non-float32/);
    expect(wasmGemmStats.fallback).toBe(before + 1);
  });

  it('agrees with tfjs\'s XNNPACK kernel, and its gradients with the transpose flags equal the cpu backend\'s', async () => {
    const rng = new Random(14);
    const av = rng.uniformArray(64 * 100, -1, 1), bv = rng.uniformArray(100 * 30, -1, 1);
    const run = () => {
      const a = tf.tensor2d(av, [64, 100]), b = tf.tensor2d(bv, [100, 30]);
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D)));
      const [ga, gb] = tf.grads(f)([a, b]);
      const f32 = (t: tf.Tensor) => Float32Array.from(t.dataSync());
      const out = { y: f32(tf.matMul(a, b)), ga: f32(ga), gb: f32(gb) };
      tf.dispose([a, b, ga, gb]);
      return out;
    };
    const ours = run();
    const xnn = onKernelSet({ gemm: false, fma: true }, run);
    const back = tf.getBackend();
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend(back);
    const close = (x: Float32Array, y: Float32Array) => relErr(x, Float64Array.from(y));
    expect(close(ours.y, xnn.y)).toBeLessThan(1e-6);
    expect(close(ours.y, cpu.y)).toBeLessThan(1e-6);
    expect(close(ours.ga, cpu.ga)).toBeLessThan(1e-6);
    expect(close(ours.gb, cpu.gb)).toBeLessThan(1e-6);
  });

  it('Sum and Mean over the leading axis run as column sums (widths off the 16/4 blocks, keepDims), other reductions as before', () => {
    const rng = new Random(15);
    const before = { ...columnReductionStats };
    let n = 0;
    for (const [rows, cols] of [[1, 1], [3, 5], [64, 100], [7, 37], [64, 2000], [5, 16], [2, 20]]) {
      const v = rng.uniformArray(rows * cols, -1, 1);
      const x = tf.tensor2d(v, [rows, cols]);
      const want = new Float64Array(cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) want[j] += v[i * cols + j];
      const s = tf.sum(x, 0);
      const m = tf.mean(x, 0, true);
      expect(s.shape).toEqual([cols]);
      expect(m.shape).toEqual([1, cols]);
      expect(relErr(s.dataSync(), want)).toBeLessThan(1e-6);
      expect(relErr(m.dataSync(), want.map((w) => w / rows))).toBeLessThan(1e-6);
      tf.dispose([x, s, m]);
      n += 2;
    }
    expect(columnReductionStats.colsum - before.colsum).toBe(n);
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(tf.sum(x, 1).dataSync())).toEqual([6, 15]);
    expect(tf.sum(x).dataSync()[0]).toBe(21);
    expect(Array.from(tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0).dataSync())).toEqual([4, 6]);
    expect(columnReductionStats.fallback - before.fallback).toBe(3);
  });
});
