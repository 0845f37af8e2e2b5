import { gemmFor } from './wasm-gemm.js';
import { heapOffset, overrideKernel, type KernelFn, type WasmInternals } from '../wasm-heap.js';

/**
 * Sum and Mean over the leading axis of a float32 matrix — batch statistics and bias
 * gradients, a dozen per training step — in one SIMD pass over the rows (`colsum` in
 * gemm.wat). tfjs's wasm kernels transpose the matrix first and then reduce its rows.
 * Every other reduction (other axes, ranks, dtypes) runs tfjs's kernel.
 */
type KernelArgs = Parameters<KernelFn>[0];

/** How many reductions ran as column sums and how many with tfjs's kernel. */
export const columnReductionStats = { colsum: 0, fallback: 0 };

/** Replaces Sum and Mean of the tfjs backend `backendName` (a TopicKD kernel set) with column sums by the product's module. */
export function installColumnReductions(backendName: string, fma: boolean): void {
  for (const [name, mean] of [['Sum', false], ['Mean', true]] as const)
    overrideKernel(name, backendName, (args) => columnReduction(args, mean, fma), (fast) => (fast ? columnReductionStats.colsum++ : columnReductionStats.fallback++));
}

function columnReduction(args: KernelArgs, mean: boolean, fma: boolean): ReturnType<KernelFn> | null {
  const { x } = args.inputs;
  const { axis, keepDims } = (args.attrs ?? {}) as { axis?: number | number[]; keepDims?: boolean };
  const axes = axis == null ? null : Array.isArray(axis) ? axis : [axis];
  const leading = x.shape.length === 2 && axes !== null && axes.length === 1 && (axes[0] === 0 || axes[0] === -2);
  if (x.dtype !== 'float32' || !leading) return null;
  const [rows, cols] = x.shape;
  if (rows === 0 || cols === 0) return null;
  const g = gemmFor(args.backend, fma);
  const be = args.backend as WasmInternals;
  const offX = heapOffset(be, x);
  if (!g || offX == null) return null;
  const out = be.makeOutput(keepDims ? [1, cols] : [cols], 'float32');
  g.colsum(offX, rows, cols, heapOffset(be, out)!, mean ? 1 / rows : 1);
  return out;
}
