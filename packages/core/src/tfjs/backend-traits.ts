import { tf, type Tensor1D, type Tensor2D } from './tf.js';

/** PyTorch's Adam update on one parameter, in place: see AdamOptimizer. */
export type AdamUpdateKernel = (
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  stepSize: number,
  invSqrtBc2: number,
  beta1: number,
  beta2: number,
  eps: number,
) => void;

/**
 * Adam's moments kept by a backend (e.g. in the wasm heap) and updated there by a native
 * kernel, with the same update as AdamOptimizer. Parameter `i` is the optimizer's i-th variable.
 */
export interface NativeAdamState {
  /** One Adam update of parameter `i` from gradient `g`; replaces x's value. */
  update(i: number, x: tf.Variable, g: tf.Tensor, stepSize: number, invSqrtBc2: number, beta1: number, beta2: number, eps: number): boolean;
  /** Copies of the moments of parameter `i`. */
  read(i: number): { m: Float32Array; v: Float32Array };
  write(i: number, m: Float32Array, v: Float32Array): void;
  dispose(): void;
}

/**
 * What TopicKD's own fast paths may assume about a tfjs backend, by tfjs backend name.
 * Backend plugins that register a tfjs backend describe it here (the OpenBLAS engine does).
 */
export interface BackendTraits {
  /**
   * Parameters may be updated in place in the backend's memory. False for tfjs's wasm
   * backend: XNNPACK keeps a packed copy of every matrix multiplied as a weight, keyed
   * by tensor, so an in-place change would go unseen (its native Adam state decides per
   * update, knowing which kernel multiplies).
   */
  inPlaceWeightUpdates?: boolean;
  /**
   * Matrix products with transpose flags run as fast as plain ones (true for cpu, the
   * OpenBLAS engine and wasm with TopicKD's product; tfjs wasm's XNNPACK leaves its fast
   * path with them).
   */
  fastTransposedMatMul?: boolean;
  /** Native Adam state and update for backends whose parameters are not plain in-place memory (wasm). */
  adamState?: (sizes: number[]) => NativeAdamState;
  /** A native fused Adam update, used when parameters can be updated in place. */
  adamUpdate?: AdamUpdateKernel;
  /**
   * The reconstruction loss −Σ x·log softmax(l) per row and its gradient softmax(l)·Σx − x
   * in one native pass (null: not for these operands); see reconstructionLoss.
   */
  reconstructionLoss?: (bow: Tensor2D, logits: Tensor2D) => { loss: Tensor1D; grad: Tensor2D } | null;
  /** Batch norm's training-mode forward and backward as native calls (null: not for these operands); see batchNormForward. */
  batchNorm?: {
    forward(x: tf.Tensor, eps: number): { y: tf.Tensor; r: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } | null;
    backward(g: tf.Tensor, y: tf.Tensor, r: tf.Tensor): tf.Tensor | null;
  };
}

const traits = new Map<string, BackendTraits>([['cpu', { inPlaceWeightUpdates: true, fastTransposedMatMul: true }]]);

export function registerBackendTraits(tfjsBackendName: string, t: BackendTraits): void {
  traits.set(tfjsBackendName, { ...traits.get(tfjsBackendName), ...t });
}

/** The traits of a tfjs backend (default: the active one); {} when none were registered. */
export function backendTraits(tfjsBackendName: string = tf.getBackend()): BackendTraits {
  return traits.get(tfjsBackendName) ?? {};
}
