/**
 * Quantized encoder weights, checked against independent computations: float16 against
 * numpy's conversion (values computed here with numpy 2.4: np.float32(v).astype(np.float16)) and
 * tfjs's own float16 decoder; int8 blocks against the bound of symmetric rounding; the stored
 * layout read back by dequantizeWeights; tensors too small to quantize kept bit for bit.
 */
import { describe, it, expect } from 'vitest';
import { tf } from '@topickd/core';
import { dequantizeWeights, fromFloat16, INT8_BLOCK, quantizeWeights, toFloat16 } from '@topickd/encoders';

const spec = (name: string, shape: number[]) => ({ name, shape, dtype: 'float32' as const });
const bytes = (a: Float32Array) => new Uint8Array(a.buffer.slice(0));

describe('float16', () => {
  it('rounds as numpy does (nearest even, overflow to infinity, underflow to zero, subnormals)', () => {
    // np.array([0.1, -2.5, 65504, 1e-5, 3.14159, 70000, 1e-8, -0.0, 6.1e-5], np.float32).astype(np.float16).view(np.uint16)
    expect([0.1, -2.5, 65504, 1e-5, 3.14159, 70000, 1e-8, -0, 6.1e-5].map(toFloat16)).toEqual([11878, 49408, 31743, 168, 16968, 31744, 0, 32768, 1023]);
  });

  it('decodes as tfjs decodes its own float16 weights', () => {
    const values = Float32Array.from({ length: 2048 }, (_, i) => Math.sin(i) * 10 ** ((i % 9) - 5));
    const q = quantizeWeights([spec('w', [2048])], bytes(values), 'float16');
    expect(q.specs[0].quantization).toEqual({ dtype: 'float16' });
    const decoded = tf.io.decodeWeights(q.data.buffer.slice(q.data.byteOffset, q.data.byteOffset + q.data.byteLength) as ArrayBuffer, q.specs).w.dataSync();
    const half = new Uint16Array(q.data.buffer, q.data.byteOffset, 2048);
    for (let i = 0; i < 2048; i++) expect(decoded[i]).toBe(Math.fround(fromFloat16(half[i])));
  });
});

describe('int8 blocks', () => {
  it('each value within half a step of its block (the step: the block peak / 127, stored as float16)', () => {
    const n = 5000; // not a multiple of the block
    const values = Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 3 : 0.05) * Math.cos(i * 1.7));
    const q = quantizeWeights([spec('w', [50, 100])], bytes(values), 'int8');
    expect(q.data.byteLength).toBe(n + 2 * Math.ceil(n / INT8_BLOCK));
    const back = dequantizeWeights(q.specs, q.data);
    expect(back.specs[0]).toEqual(spec('w', [50, 100]));
    const f = new Float32Array(back.data.buffer, back.data.byteOffset, n);
    for (let b = 0; b * INT8_BLOCK < n; b++) {
      const block = values.subarray(b * INT8_BLOCK, (b + 1) * INT8_BLOCK);
      const step = Math.max(...Array.from(block, Math.abs)) / 127;
      for (let i = 0; i < block.length; i++) expect(Math.abs(f[b * INT8_BLOCK + i] - block[i])).toBeLessThanOrEqual(step * 0.5 * 1.002 + 1e-12);
    }
  });

  it('keeps small tensors (biases, a 1e9 mask constant) and other dtypes as they are, in order', () => {
    const big = Float32Array.from({ length: 1024 }, (_, i) => i / 1024);
    const mask = Float32Array.of(1e9);
    const ints = new Int32Array([3, -1, 7]);
    const data = new Uint8Array([...bytes(big), ...bytes(mask), ...new Uint8Array(ints.buffer)]);
    const specs = [spec('big', [32, 32]), spec('mask', []), { name: 'shape', shape: [3], dtype: 'int32' as const }];
    for (const kind of ['int8', 'float16'] as const) {
      const q = quantizeWeights(specs, data, kind);
      const back = dequantizeWeights(q.specs, q.data);
      const decoded = tf.io.decodeWeights(back.data.buffer.slice(back.data.byteOffset, back.data.byteOffset + back.data.byteLength) as ArrayBuffer, back.specs);
      expect(decoded.mask.dataSync()[0]).toBe(1e9);
      expect(Array.from(decoded.shape.dataSync())).toEqual([3, -1, 7]);
      expect(Math.max(...Array.from(decoded.big.dataSync(), (v, i) => Math.abs(v - big[i])))).toBeLessThan(kind === 'int8' ? 0.004 : 0.0005);
    }
  });
});
