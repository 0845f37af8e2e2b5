import { describe, it, expect, beforeAll } from 'vitest';
import { tf, Random } from '@topickd/core';
import { WasmBackend, heapCopyStats, kernelSetName } from '@topickd/backend-wasm';

/**
 * The same op with tfjs's own kernels: on the kernel set without block copies (another
 * tfjs backend name on the same wasm instance, so tensors are shared).
 */
function withTfjs<T>(f: () => T): T {
  const ours = tf.getBackend();
  tf.setBackend(kernelSetName({ gemm: true, fma: true, heapCopies: false }));
  try {
    return f();
  } finally {
    tf.setBackend(ours);
  }
}

describe('Slice and GatherV2 as block copies in the wasm heap', () => {
  beforeAll(async () => {
    await new WasmBackend({ heapCopies: false }).activate(); // registers the set without copies
    await new WasmBackend().activate();
  });

  it('slices equal tfjs\'s for ranks 1–4, partial axes anywhere, size −1, int32; split along the last axis too', () => {
    const rng = new Random(31);
    const before = { ...heapCopyStats };
    const cases: [number[], number[], number[]][] = [
      [[100], [7], [50]],
      [[4000, 100], [2000, 0], [2000, 100]],
      [[64, 24, 1536], [0, 0, 512], [64, 24, 512]],
      [[5, 6, 40], [1, 2, 3], [3, -1, 20]],
      [[3, 4, 5, 32], [1, 0, 2, 0], [2, 4, 2, 32]],
      [[3, 4, 5, 32], [0, 1, 0, 0], [3, 2, 5, 32]],
    ];
    for (const [shape, begin, size] of cases)
      for (const dtype of ['float32', 'int32'] as const) {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = tf.tensor(rng.uniformArray(n, -100, 100).map(Math.round), shape, dtype);
        const got = tf.slice(x, begin, size);
        const want = withTfjs(() => tf.slice(x, begin, size));
        expect(got.shape).toEqual(want.shape);
        expect(got.dtype).toBe(dtype);
        expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
        tf.dispose([x, got, want]);
      }
    expect(heapCopyStats.copy - before.copy).toBe(cases.length * 2);
    const x = tf.tensor3d(rng.uniformArray(2 * 3 * 96, -1, 1), [2, 3, 96]);
    const parts = tf.split(x, [32, 64], 2);
    const want = withTfjs(() => tf.split(x, [32, 64], 2));
    parts.forEach((p, i) => expect(Array.from(p.dataSync())).toEqual(Array.from(want[i].dataSync())));
  });

  it('gathers rows as tfjs does (indices of any shape, repeated), and leaves short rows and bad indices to tfjs', () => {
    const rng = new Random(32);
    const table = tf.tensor2d(rng.uniformArray(50 * 32, -1, 1), [50, 32]);
    const idx = tf.tensor2d([3, 3, 49, 0, 7, 12], [2, 3], 'int32');
    const before = { ...heapCopyStats };
    const got = tf.gather(table, idx);
    const want = withTfjs(() => tf.gather(table, idx));
    expect(got.shape).toEqual([2, 3, 32]);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    expect(heapCopyStats.copy - before.copy).toBe(1);
    // rows of 4 floats: tfjs's kernel; an index out of range: tfjs's kernel (and its behaviour)
    const narrow = tf.gather(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]), tf.tensor1d([1], 'int32'));
    expect(Array.from(narrow.dataSync())).toEqual([5, 6, 7, 8]);
    const fb = heapCopyStats.fallback;
    const bad = (() => {
      try {
        return tf.gather(table, tf.tensor1d([50], 'int32')).dataSync()[0];
      } catch (e) {
        return e;
      }
    })();
    expect(heapCopyStats.fallback).toBe(fb + 1);
    expect(bad).toBeDefined();
  });
});
