import { tf, wasmHeapFloat32, type Tensor1D, type Tensor2D } from '@topickd/core/plugin';
import { heapOffset as offset, instantiateOnHeap, type WasmInternals } from '../wasm-heap.js';
import { FUSED_WASM_BASE64 } from './fused-wasm.generated.js';
import { BATCHNORM_WASM_BASE64 } from './batchnorm-wasm.generated.js';

/**
 * Fused loss kernels in WebAssembly SIMD on the tfjs wasm heap (fused.wat). The
 * reconstruction loss of a batch — max, exp, sums, softmax and its gradient over [B, V],
 * a dozen tfjs kernels and three passes of exp — becomes one call that writes the
 * gradient and four numbers per document. Registered as the `reconstructionLoss` backend
 * trait, which core's reconstructionLoss uses when present. Batch norm's training-mode
 * forward (statistics, normalised output) and backward are one call each (batchnorm.wat,
 * the `batchNorm` trait), instead of six and seven tfjs kernels.
 * Reads internals of @tensorflow/tfjs-backend-wasm 4.22.0 (dataIdMap, makeOutput, the heap).
 */
interface Fused {
  exp(x: number, out: number, n: number): void;
  reconstruction(x: number, l: number, g: number, B: number, V: number, stats: number): void;
  bn_forward(x: number, B: number, C: number, y: number, mean: number, variance: number, r: number, eps: number): void;
  bn_backward(g: number, y: number, r: number, B: number, C: number, out: number): void;
}

const instances = new WeakMap<object, Fused | null>();

function fusedFor(backend: unknown): Fused | null {
  if (!backend || typeof backend !== 'object') return null;
  let f = instances.get(backend);
  if (f === undefined) {
    f = instantiateOnHeap<Fused>(backend, FUSED_WASM_BASE64, BATCHNORM_WASM_BASE64);
    instances.set(backend, f);
  }
  return f;
}

/** Whether the fused kernels can run on the active backend. */
export function wasmFusedAvailable(): boolean {
  return fusedFor(tf.backend()) !== null;
}


/**
 * RL = −Σ_v x_v log softmax(l)_v per document and ∂RL/∂l = softmax(l)·Σx − x, in one call;
 * null when the operands are not float32 [B, V] matrices of one shape on a wasm heap.
 */
export function wasmReconstructionLoss(bow: Tensor2D, logits: Tensor2D): { loss: Tensor1D; grad: Tensor2D } | null {
  const be = tf.backend() as unknown as WasmInternals;
  const f = fusedFor(be);
  if (!f || bow.dtype !== 'float32' || logits.dtype !== 'float32' || bow.rank !== 2 || logits.rank !== 2) return null;
  const [B, V] = logits.shape;
  if (bow.shape[0] !== B || bow.shape[1] !== V || B === 0 || V === 0) return null;
  const ox = offset(be, bow);
  const ol = offset(be, logits);
  if (ox == null || ol == null) return null;
  const g = be.makeOutput([B, V], 'float32');
  const stats = be.makeOutput([B, 4], 'float32');
  const os = offset(be, stats)!;
  f.reconstruction(ox, ol, offset(be, g)!, B, V, os);
  const st = wasmHeapFloat32(be, stats.dataId, 4 * B)!;
  const loss = new Float32Array(B);
  for (let i = 0; i < B; i++) loss[i] = st[4 * i + 2] * (st[4 * i] + Math.log(st[4 * i + 1])) - st[4 * i + 3];
  be.disposeData(stats.dataId);
  return { loss: tf.tensor1d(loss), grad: tf.engine().makeTensorFromTensorInfo(g) as Tensor2D };
}

const isMatrix = (t: tf.Tensor) => t.dtype === 'float32' && t.rank === 2 && t.size > 0;

/** Batch norm's training-mode forward over the rows of x [B, C] (null: not for this operand). */
export function wasmBatchNormForward(x: tf.Tensor, eps: number): { y: tf.Tensor; r: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } | null {
  const be = tf.backend() as unknown as WasmInternals;
  const f = fusedFor(be);
  const ox = f && isMatrix(x) ? offset(be, x) : undefined;
  if (!f || ox == null) return null;
  const [B, C] = x.shape;
  const y = be.makeOutput([B, C], 'float32');
  const mean = be.makeOutput([C], 'float32');
  const variance = be.makeOutput([C], 'float32');
  const r = be.makeOutput([C], 'float32');
  f.bn_forward(ox, B, C, offset(be, y)!, offset(be, mean)!, offset(be, variance)!, offset(be, r)!, eps);
  const t = (i: tf.TensorInfo) => tf.engine().makeTensorFromTensorInfo(i);
  return { y: t(y), r: t(r), mean: t(mean), variance: t(variance) };
}

/** Batch norm's backward: r·(g − mean(g) − y·mean(g·y)) (null: not for these operands). */
export function wasmBatchNormBackward(g: tf.Tensor, y: tf.Tensor, r: tf.Tensor): tf.Tensor | null {
  const be = tf.backend() as unknown as WasmInternals;
  const f = fusedFor(be);
  if (!f || !isMatrix(g) || !isMatrix(y) || r.dtype !== 'float32' || r.rank !== 1) return null;
  const [B, C] = g.shape;
  if (y.shape[0] !== B || y.shape[1] !== C || r.shape[0] !== C) return null;
  const og = offset(be, g), oy = offset(be, y), or = offset(be, r);
  if (og == null || oy == null || or == null) return null;
  const out = be.makeOutput([B, C], 'float32');
  f.bn_backward(og, oy, or, B, C, offset(be, out)!);
  return tf.engine().makeTensorFromTensorInfo(out);
}

/** e^x by the kernels' SIMD exponential (for tests of its accuracy). */
export function wasmExp(x: Float32Array): Float32Array | null {
  const be = tf.backend() as unknown as WasmInternals;
  const f = fusedFor(be);
  if (!f) return null;
  const t = tf.tensor1d(x);
  const out = be.makeOutput([x.length], 'float32');
  f.exp(offset(be, t)!, offset(be, out)!, x.length);
  const r = wasmHeapFloat32(be, out.dataId, x.length)!.slice();
  be.disposeData(out.dataId);
  t.dispose();
  return r;
}
