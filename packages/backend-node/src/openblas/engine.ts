import { nodeUnavailable } from '../errors.js';
import { wasmBatchNormBackward, wasmBatchNormForward, wasmReconstructionLoss } from '@topickd/backend-wasm';
import { tf, matMulGeometry, wasmHeapFloat32, type BackendKernels } from '@topickd/core/plugin';
import type { OpenBlasAddon } from './addon.js';

/** The tfjs backend name the OpenBLAS engine registers. */
export const OPENBLAS_TFJS_BACKEND = 'openblas';

/**
 * The tfjs-backend-wasm version whose internals (dataIdMap, makeOutput, the wasm heap)
 * the engine reads. Another version is refused at activation rather than trusted.
 */
export const PINNED_TFJS_WASM_VERSION = '4.22.0';

interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  disposeData(dataId: object): void;
}
type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: unknown; attrs?: Record<string, unknown> };
type KernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A Float32Array over a tensor's storage in the wasm heap (valid until the heap grows). */
const heapView = (b: WasmBackendInternals, t: tf.TensorInfo) => wasmHeapFloat32(b, t.dataId, size(t.shape));

/** Counts of products computed natively and handed back to the wasm kernel (for tests and profiles). */
export const openBlasStats = { native: 0, fallback: 0 };

function fallbackTo(wasmKernel: KernelFunc, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  openBlasStats.fallback++;
  return wasmKernel(args);
}

/**
 * Allocates the float32 output, takes heap views of the inputs and the output — after the
 * allocation, which may grow (and so move) the heap — and runs `compute` on them; where a
 * view cannot be taken, frees the output and runs the wasm kernel instead.
 */
function runNative(args: KernelArgs, wasmKernel: KernelFunc, outShape: number[], inputs: tf.TensorInfo[], compute: (inputs: Float32Array[], out: Float32Array) => void) {
  const be = args.backend as WasmBackendInternals;
  const out = be.makeOutput(outShape, 'float32');
  const views = inputs.map((t) => heapView(be, t));
  const o = heapView(be, out);
  if (!o || views.some((v) => !v)) {
    be.disposeData(out.dataId);
    return fallbackTo(wasmKernel, args);
  }
  compute(views as Float32Array[], o);
  openBlasStats.native++;
  return out;
}

/**
 * BatchMatMul through cblas_sgemm on the wasm heap. Handles float32 operands of rank
 * ≥ 2 whose batch dimensions are equal or one of them is a single matrix; anything
 * else (other dtypes, general broadcasting, empty tensors) goes to the wasm kernel.
 */
function batchMatMulKernel(addon: OpenBlasAddon, wasmKernel: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs;
    const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const fallback = () => fallbackTo(wasmKernel, args);
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback();
    // null: shapes the wasm kernel handles, or whose error it reports in tfjs's words
    const geometry = matMulGeometry(a.shape, b.shape, Boolean(transposeA), Boolean(transposeB));
    if (!geometry) return fallback();
    const { M, N, K: Ka, outer, batch, batchA, batchB } = geometry;
    if (M === 0 || N === 0 || Ka === 0 || batch === 0) return fallback();
    return runNative(args, wasmKernel, [...outer, M, N], [a, b], ([A, B], C) =>
      addon.sgemm(Boolean(transposeA), Boolean(transposeB), M, N, Ka, A, B, C, batch, batchA === 1 ? 0 : M * Ka, batchB === 1 ? 0 : Ka * N, M * N),
    );
  };
}

/**
 * Sum and Mean over the leading axis of a float32 matrix (batch statistics, bias
 * gradients), computed natively in one pass; tfjs wasm transposes the matrix first.
 * Any other reduction goes to the wasm kernel.
 */
function columnReductionKernel(addon: OpenBlasAddon, wasmKernel: KernelFunc, mean: boolean): KernelFunc {
  return (args) => {
    const { x } = args.inputs;
    const { axis, keepDims } = (args.attrs ?? {}) as { axis?: number | number[]; keepDims?: boolean };
    const axes = axis == null ? null : Array.isArray(axis) ? axis : [axis];
    const leading = x.shape.length === 2 && axes !== null && axes.length === 1 && (axes[0] === 0 || axes[0] === -2);
    if (x.dtype !== 'float32' || !leading || x.shape[0] === 0 || x.shape[1] === 0) return fallbackTo(wasmKernel, args);
    const [rows, cols] = x.shape;
    return runNative(args, wasmKernel, keepDims ? [1, cols] : [cols], [x], ([X], O) => addon.colSums(X, rows, cols, O, mean ? 1 / rows : 1));
  };
}

let registered: BackendKernels | null = null;

/**
 * Registers the tfjs backend "openblas": the wasm backend's instance and every kernel of
 * `kernelSource` (the tfjs backend name of the activated wasm kernel set), with BatchMatMul,
 * Sum and Mean computed by OpenBLAS on the wasm heap, and returns the
 * engine's kernel set for the trainer. Requires the wasm backend to be registered
 * (importing @topickd/backend-wasm does that).
 */
export function registerOpenBlasEngine(addon: OpenBlasAddon, kernelSource = 'wasm'): BackendKernels {
  if (registered) return registered;
  const wasmFactory = tf.findBackendFactory('wasm');
  if (!wasmFactory) throw nodeUnavailable('the wasm backend is not registered; import @topickd/backend-wasm first');
  // One backend instance under two names: tensors never move between them.
  tf.registerBackend(OPENBLAS_TFJS_BACKEND, async () => tf.findBackend('wasm') ?? (await wasmFactory()), 0);
  // every kernel of the wasm kernel set the engine runs on (TopicKD's block copies and 1×1
  // convolutions included), with the products and column sums replaced by OpenBLAS's
  const kernels = tf.getKernelsForBackend(kernelSource);
  const native = new Set(['BatchMatMul', 'Sum', 'Mean']);
  for (const k of kernels) {
    if (native.has(k.kernelName)) continue;
    tf.registerKernel({ ...k, backendName: OPENBLAS_TFJS_BACKEND });
  }
  for (const [name, mean] of [['Sum', false], ['Mean', true]] as const) {
    const wasmKernel = kernels.find((k) => k.kernelName === name);
    if (!wasmKernel) throw nodeUnavailable(`tfjs-backend-wasm registered no ${name} kernel; install @tensorflow/tfjs-backend-wasm ${PINNED_TFJS_WASM_VERSION}`);
    tf.registerKernel({ kernelName: name, backendName: OPENBLAS_TFJS_BACKEND, setupFunc: wasmKernel.setupFunc, kernelFunc: columnReductionKernel(addon, wasmKernel.kernelFunc as unknown as KernelFunc, mean) as never });
  }
  const wasmMatMul = kernels.find((k) => k.kernelName === 'BatchMatMul');
  if (!wasmMatMul) throw nodeUnavailable(`tfjs-backend-wasm registered no BatchMatMul kernel; install @tensorflow/tfjs-backend-wasm ${PINNED_TFJS_WASM_VERSION}`);
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: OPENBLAS_TFJS_BACKEND,
    setupFunc: wasmMatMul.setupFunc,
    kernelFunc: batchMatMulKernel(addon, wasmMatMul.kernelFunc as unknown as KernelFunc) as never,
  });
  // No XNNPACK weight cache on our products: parameters can be updated in place, natively.
  // The wasm package's one-pass reconstruction loss and batch norm run on the same heap (they check for SIMD themselves).
  registered = Object.freeze({
    inPlaceWeightUpdates: true,
    fastTransposedMatMul: true,
    adamUpdate: (p, g, m, v, s, ib, b1, b2, e) => addon.adam(p, g, m, v, s, ib, b1, b2, e),
    reconstructionLoss: wasmReconstructionLoss,
    batchNorm: { forward: wasmBatchNormForward, backward: wasmBatchNormBackward },
  } satisfies BackendKernels);
  return registered;
}
