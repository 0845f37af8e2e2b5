import { describe, it, expect } from 'vitest';
import { tf, CpuBackend, Random } from '@topickd/core';
import { maxAbsDiff } from '@topickd/core/testing';
import { WasmBackend, pointwiseConvStats } from '@topickd/backend-wasm';

// 1×1 convolutions (the Universal Sentence Encoder's dense layers) run as matrix products
// on wasm; they must equal tfjs's cpu Conv2D, and other convolutions keep tfjs's kernel.
describe('pointwise Conv2D as a matrix product', () => {
  it('1×1 and 3×3 convolutions equal the cpu backend within 1e-5, for inputs of changing length', async () => {
    const r = new Random(9);
    const cases = [
      { x: [2, 7, 1, 16], f: [1, 1, 16, 24], strides: 1, pad: 'same' as const },
      { x: [3, 5, 1, 16], f: [1, 1, 16, 24], strides: 1, pad: 'valid' as const },
      { x: [2, 6, 6, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' as const },
      { x: [2, 6, 6, 3], f: [1, 1, 3, 4], strides: 2, pad: 'valid' as const },
    ];
    const data = cases.map((c) => ({ x: r.uniformArray(c.x.reduce((a, b) => a * b), -1, 1), f: r.uniformArray(c.f.reduce((a, b) => a * b), -1, 1) }));
    const run = () =>
      cases.map((c, i) =>
        tf.tidy(() => Array.from(tf.conv2d(tf.tensor4d(data[i].x, c.x as [number, number, number, number]), tf.tensor4d(data[i].f, c.f as [number, number, number, number]), c.strides, c.pad).dataSync())),
      );
    await new CpuBackend().activate();
    const want = run();
    await new WasmBackend().activate();
    const before = { ...pointwiseConvStats };
    const got = run();
    // the two stride-1 1×1 cases ran as products; the 3×3 and the strided 1×1 with tfjs's kernel
    expect(pointwiseConvStats.matmul - before.matmul).toBe(2);
    expect(pointwiseConvStats.conv - before.conv).toBe(2);
    got.forEach((g, i) => expect(maxAbsDiff(g, want[i]), `case ${i}`).toBeLessThan(1e-5));
  });

  it('leaves no tensors or wasm memory behind', async () => {
    await new WasmBackend().activate();
    const x = tf.randomNormal([4, 9, 1, 32]);
    const f = tf.randomNormal([1, 1, 32, 8]);
    tf.tidy(() => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'));
    const before = tf.memory();
    for (let i = 0; i < 5; i++) tf.tidy(() => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same').dataSync());
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    x.dispose();
    f.dispose();
  });
});
