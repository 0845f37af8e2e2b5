import { tf } from './tf.js';

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
 * What TopicKD's own fast paths may assume about a tfjs backend, by tfjs backend name.
 * Backend plugins that register a tfjs backend describe it here (the OpenBLAS engine does).
 */
export interface BackendTraits {
  /**
   * Parameters may be updated in place in the backend's memory. False for tfjs's wasm
   * backend: XNNPACK keeps a packed copy of every matrix multiplied as a weight, keyed
   * by tensor, so an in-place change would go unseen.
   */
  inPlaceWeightUpdates?: boolean;
  /**
   * Matrix products with transpose flags run as fast as plain ones (true for cpu and
   * the OpenBLAS engine; tfjs wasm's XNNPACK leaves its fast path with them).
   */
  fastTransposedMatMul?: boolean;
  /** A native fused Adam update, used when parameters can be updated in place. */
  adamUpdate?: AdamUpdateKernel;
}

const traits = new Map<string, BackendTraits>([['cpu', { inPlaceWeightUpdates: true, fastTransposedMatMul: true }]]);

export function registerBackendTraits(tfjsBackendName: string, t: BackendTraits): void {
  traits.set(tfjsBackendName, { ...traits.get(tfjsBackendName), ...t });
}

/** The traits of a tfjs backend (default: the active one); {} when none were registered. */
export function backendTraits(tfjsBackendName: string = tf.getBackend()): BackendTraits {
  return traits.get(tfjsBackendName) ?? {};
}
