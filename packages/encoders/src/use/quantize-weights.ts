import type { tf } from '@topickd/core';

/** How an encoder's weights are stored: `int8` (8 bits per weight, a float16 scale per block: Int8Blocks) or `float16`. */
export type WeightQuantization = 'int8' | 'float16';
export const WEIGHT_QUANTIZATIONS: readonly WeightQuantization[] = ['int8', 'float16'];

/**
 * A weight stored as 8-bit integers by TopicKD: symmetric, one scale per block of `block`
 * consecutive values (row-major), as GGML's Q8_0: value = q · scale, q in −127..127. Its bytes
 * are the N int8 values followed by the ⌈N / block⌉ scales as float16. tfjs's own 8-bit format
 * has one affine range per tensor, too coarse for these weights (θ off by up to 0.16 on 20NG
 * posts; per block of 32: 0.02); TopicKD's loader (`dequantizeWeights`, in Node and browsers)
 * turns these back into float32 before tfjs sees them.
 */
export interface Int8Blocks {
  dtype: 'int8';
  block: number;
}

/** Values per scale of TopicKD's int8 weights. */
export const INT8_BLOCK = 32;

type Entry = tf.io.WeightsManifestEntry & { topickdQuantization?: Int8Blocks };

/** Tensors smaller than this stay float32 (biases, layer norms, constants such as a 1e9 mask): they weigh nothing, and float16 cannot hold 1e9. */
const MIN_QUANTIZED_SIZE = 1024;

/** Bytes a stored weight takes. */
function storedBytes(spec: Entry, data: Uint8Array, offset: number): number {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.topickdQuantization) return size + 2 * Math.ceil(size / spec.topickdQuantization.block);
  if (spec.quantization) return size * (spec.quantization.dtype === 'uint8' ? 1 : 2);
  return spec.dtype === 'string' ? stringBytes(data, offset, size) : size * 4;
}

/**
 * Quantizes a tfjs model's float32 weights of at least 1,024 values: `int8` as Int8Blocks,
 * `float16` in tfjs's own half-precision storage (round to nearest even), which tfjs decodes
 * itself. Other weights are kept as they are. `data` holds the weights of `specs` in order, as
 * tfjs stores them; the result is stored the same way (model.json's weightsManifest entries and
 * one weights file).
 */
export function quantizeWeights(
  specs: readonly Entry[],
  data: Uint8Array,
  quantization: WeightQuantization,
  /** Which weights (by name) to quantize, of those that qualify (default: all; `bench/quantize-sensitivity.mjs` quantizes one at a time). */
  select: (name: string) => boolean = () => true,
): { specs: Entry[]; data: Uint8Array } {
  const out: Entry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.quantization || spec.topickdQuantization) throw new Error(`weight ${spec.name} is already quantized`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = storedBytes(spec, data, offset);
    if (spec.dtype !== 'float32' || size < MIN_QUANTIZED_SIZE || !select(spec.name)) {
      parts.push(data.subarray(offset, offset + bytes));
      out.push({ ...spec });
      offset += bytes;
      continue;
    }
    const values = new Float32Array(data.buffer.slice(data.byteOffset + offset, data.byteOffset + offset + bytes));
    offset += bytes;
    if (quantization === 'float16') {
      const half = new Uint16Array(size);
      for (let i = 0; i < size; i++) half[i] = toFloat16(values[i]);
      parts.push(new Uint8Array(half.buffer));
      out.push({ ...spec, quantization: { dtype: 'float16' } });
      continue;
    }
    const blocks = Math.ceil(size / INT8_BLOCK);
    const q = new Int8Array(size);
    const scales = new Uint16Array(blocks);
    for (let b = 0; b < blocks; b++) {
      const end = Math.min(size, (b + 1) * INT8_BLOCK);
      let peak = 0;
      for (let i = b * INT8_BLOCK; i < end; i++) peak = Math.max(peak, Math.abs(values[i]));
      // the scale as stored (float16), so that the values are rounded against what the loader multiplies by
      scales[b] = toFloat16(peak > 0 ? peak / 127 : 1);
      const scale = fromFloat16(scales[b]) || 1;
      for (let i = b * INT8_BLOCK; i < end; i++) q[i] = Math.max(-127, Math.min(127, Math.round(values[i] / scale)));
    }
    parts.push(new Uint8Array(q.buffer), new Uint8Array(scales.buffer));
    out.push({ ...spec, topickdQuantization: { dtype: 'int8', block: INT8_BLOCK } });
  }
  return { specs: out, data: concat(parts) };
}

/** Weights stored as Int8Blocks turned back into float32 (the others as they are), for tfjs's loader. */
export function dequantizeWeights(specs: readonly Entry[], data: Uint8Array): { specs: tf.io.WeightsManifestEntry[]; data: Uint8Array } {
  if (!specs.some((s) => s.topickdQuantization)) return { specs: [...specs], data };
  const out: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.topickdQuantization;
    if (q && (q.dtype !== 'int8' || !Number.isInteger(q.block) || q.block < 1)) throw new Error(`weight ${spec.name}: its int8 quantization is malformed ({ dtype: "int8", block: N })`);
    const bytes = storedBytes(spec, data, offset);
    if (offset + bytes > data.byteLength) throw new Error(`weight ${spec.name}: the weights file ends before it`);
    if (!q) {
      parts.push(data.subarray(offset, offset + bytes));
      out.push(spec);
      offset += bytes;
      continue;
    }
    const values = new Int8Array(data.buffer, data.byteOffset + offset, size);
    const scaleBytes = data.slice(offset + size, offset + bytes);
    const scales = new Uint16Array(scaleBytes.buffer, scaleBytes.byteOffset, scaleBytes.byteLength / 2);
    offset += bytes;
    const f = new Float32Array(size);
    for (let b = 0; b < scales.length; b++) {
      const scale = fromFloat16(scales[b]);
      const end = Math.min(size, (b + 1) * q.block);
      for (let i = b * q.block; i < end; i++) f[i] = values[i] * scale;
    }
    parts.push(new Uint8Array(f.buffer));
    const { topickdQuantization: _q, ...plain } = spec;
    out.push(plain);
  }
  return { specs: out, data: concat(parts) };
}

/** A float16's value (IEEE half precision). */
export function fromFloat16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const merged = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    merged.set(p, at);
    at += p.byteLength;
  }
  return merged;
}

/** Bytes of `size` strings stored as tfjs does (a uint32 length before each). */
function stringBytes(data: Uint8Array, offset: number, size: number): number {
  const view = new DataView(data.buffer, data.byteOffset);
  let at = offset;
  for (let i = 0; i < size; i++) at += 4 + view.getUint32(at, true);
  return at - offset;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half precision of a float32, rounded to nearest even (overflow to ±Infinity, subnormals kept). */
export function toFloat16(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf, NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    if (e < -10) return sign; // underflow to zero
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let m = mant >>> shift;
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  const rest = mant & 0x1fff;
  let m = mant >>> 13;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}
