import { tf } from '@topickd/core/plugin';
import { heapOffset, overrideKernel, type KernelFn, type WasmInternals } from '../wasm-heap.js';

/**
 * Slice and GatherV2 (rows) on the wasm backend as block copies inside the heap
 * (`copyWithin` over contiguous runs). tfjs's wasm kernels move these element by element,
 * which made the sentence encoder's SplitV and embedding lookups and the topic model's
 * weight slices slow (BENCHMARKS.md).
 * Only 4-byte dtypes (float32, int32), runs of at least MIN_RUN elements and in-range
 * indices take this path; everything else runs tfjs's kernel.
 */
type KernelArgs = Parameters<KernelFn>[0];
const MIN_RUN = 16;

/** How many slices/gathers ran as block copies and how many with tfjs's kernel. */
export const heapCopyStats = { copy: 0, fallback: 0 };
const count = (fast: boolean) => (fast ? heapCopyStats.copy++ : heapCopyStats.fallback++);

/** Replaces Slice and GatherV2 of the tfjs backend `backendName` (a TopicKD kernel set) with block copies. */
export function installHeapCopies(backendName: string): void {
  overrideKernel('Slice', backendName, slice, count);
  overrideKernel('GatherV2', backendName, gatherRows, count);
}

const fourBytes = (dtype: string) => dtype === 'float32' || dtype === 'int32';

function words(be: WasmInternals): Uint32Array {
  const heap = be.wasm.HEAPU8;
  return new Uint32Array(heap.buffer, heap.byteOffset, heap.byteLength >>> 2);
}

function slice(args: KernelArgs): tf.TensorInfo | null {
  const { x } = args.inputs;
  if (!x || !fourBytes(x.dtype)) return null;
  const { begin, size } = (args.attrs ?? {}) as { begin: number | number[]; size?: number | number[] };
  let b: number[], s: number[];
  try {
    [b, s] = tf.slice_util.parseSliceParams(x, begin, size);
  } catch {
    return null;
  }
  const shape = x.shape;
  const r = shape.length;
  if (r === 0 || s.some((d) => d <= 0)) return null;
  // the innermost axis k whose slice is partial: everything inside it is one contiguous run
  let k = r - 1;
  while (k > 0 && b[k] === 0 && s[k] === shape[k]) k--;
  const strides = new Array<number>(r);
  strides[r - 1] = 1;
  for (let j = r - 2; j >= 0; j--) strides[j] = strides[j + 1] * shape[j + 1];
  const run = s[k] * strides[k];
  if (run < MIN_RUN) return null;
  const be = args.backend as WasmInternals;
  const src = heapOffset(be, x);
  if (src == null) return null;
  const out = be.makeOutput(s, x.dtype as 'float32');
  const w = words(be);
  let dst = heapOffset(be, out)! >>> 2;
  // walk the outer indices (axes 0..k−1) of the slice, odometer-style
  const idx = new Array<number>(k).fill(0);
  const base = (src >>> 2) + b.reduce((acc, bj, j) => acc + bj * strides[j], 0);
  for (;;) {
    let from = base;
    for (let j = 0; j < k; j++) from += idx[j] * strides[j];
    w.copyWithin(dst, from, from + run);
    dst += run;
    let j = k - 1;
    while (j >= 0 && ++idx[j] === s[j]) idx[j--] = 0;
    if (j < 0) break;
  }
  return out;
}

function gatherRows(args: KernelArgs): tf.TensorInfo | null {
  const { x, indices } = args.inputs;
  const { axis, batchDims = 0 } = (args.attrs ?? {}) as { axis: number; batchDims?: number };
  if (!x || !indices || !fourBytes(x.dtype) || indices.dtype !== 'int32' || batchDims !== 0 || x.shape.length < 1) return null;
  if ((axis < 0 ? axis + x.shape.length : axis) !== 0) return null;
  const rows = x.shape[0];
  const run = x.shape.slice(1).reduce((p, d) => p * d, 1);
  if (run < MIN_RUN) return null;
  const be = args.backend as WasmInternals;
  const src = heapOffset(be, x);
  const io = heapOffset(be, indices);
  if (src == null || io == null) return null;
  const n = indices.shape.reduce((p, d) => p * d, 1);
  // a copy: the view would go stale if allocating the output grows the heap
  const ix = new Int32Array(be.wasm.HEAPU8.buffer, be.wasm.HEAPU8.byteOffset + io, n).slice();
  for (let i = 0; i < n; i++) if (ix[i] < 0 || ix[i] >= rows) return null; // tfjs's kernel reports it
  const out = be.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype as 'float32');
  const w = words(be);
  const s0 = src >>> 2;
  let dst = heapOffset(be, out)! >>> 2;
  for (let i = 0; i < n; i++, dst += run) w.copyWithin(dst, s0 + ix[i] * run, s0 + ix[i] * run + run);
  return out;
}
