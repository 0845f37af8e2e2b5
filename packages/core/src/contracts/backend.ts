import type { Tensor, Tensor1D, Tensor2D, Variable } from '../tfjs/tf.js';

/** What an activated backend reports about itself. */
export interface BackendInfo {
  /** The TopicKD backend name that was asked for and activated (`cpu`, `wasm`, `node`). */
  name: string;
  /** The tfjs backend name that is now active (`tf.getBackend()`). */
  tfjsBackend: string;
  /** Whether WebAssembly SIMD is in use (wasm only). */
  simd?: boolean;
  /** Threads the backend computes with. */
  threads?: number;
  /** Whether gradients are available, i.e. whether models can be trained on it. */
  canTrain: boolean;
  /** Free-form detail: native engine, library version. */
  detail?: string;
  /**
   * Whether the backend can also be activated in a Node worker thread (default true). False
   * for one whose native addon loads once per process (the node backend): work that would go
   * to worker threads (embedding and θ pools, `tune --jobs`) stays on the main thread.
   */
  workerThreads?: boolean;
  /**
   * What decides the bits its kernels compute — including the thread count where it changes
   * them (the OpenBLAS engine: `openblas-t2+wasm-fma`; wasm's threads never do) — e.g.
   * `wasm-fma`, `openblas+wasm-fma`, `cpu`. Results computed on one backend (the embedding
   * cache's rows) are reused only by a backend with the same numerics; absent, the tfjs
   * backend's name stands for it.
   */
  numerics?: string;
  /**
   * The smallest batch whose products run on the same kernel paths as a full one: `rows`
   * documents and `tokens` document × token rows (a sentence encoder's token-level layers).
   * Kernels often take another path for small products, whose sums round differently; an
   * encoder fills a shorter batch up to this so a document's embedding never depends on its
   * batch-mates. TopicKD's wasm product: `{ rows: 1, tokens: 256 }`; the OpenBLAS engine also
   * needs 4 rows; tfjs's cpu kernels none (`{ rows: 1, tokens: 1 }`). Absent: not known, and
   * encoders fill conservatively (`{ rows: 4, tokens: 256 }`).
   */
  stableBatch?: { rows: number; tokens: number };
}

/**
 * A tensor engine. `activate()` makes its tfjs backend ready and active (tfjs
 * backends initialise asynchronously); a backend that cannot run here throws
 * `BackendUnavailableError` with a message that says how to make it available.
 */
export interface Backend {
  readonly name: string;
  /** Higher wins when no backend is named (tfjs convention: cpu 1, wasm 2, node 3). */
  readonly priority: number;
  readonly description: string;
  /** Cheap check that does not activate: can this backend run on this machine? */
  probe(): Promise<{ available: boolean; reason?: string }>;
  /** Optional: which native engine activation would run, or null and why (`topickd info`). */
  engine?(): Promise<{ engine: string | null; reason?: string }>;
  /**
   * Makes the backend's tfjs backend ready and active and returns what it offers: its
   * description and its kernel set, which the trainer, the model's forward/backward pass
   * and the optimizer receive explicitly (nothing is looked up by backend name).
   */
  activate(): Promise<ActiveBackend>;
}

/** An activated backend: what it reports about itself and the kernels it brings. */
export interface ActiveBackend extends BackendInfo {
  kernels: BackendKernels;
}

/** PyTorch's Adam update on one parameter, in place (see AdamOptimizer). */
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
  /** One Adam update of parameter `i` from gradient `g`; replaces x's value. False: not for these operands. */
  update(i: number, x: Variable, g: Tensor, stepSize: number, invSqrtBc2: number, beta1: number, beta2: number, eps: number): boolean;
  /** Copies of the moments of parameter `i`. */
  read(i: number): { m: Float32Array; v: Float32Array };
  write(i: number, m: Float32Array, v: Float32Array): void;
  dispose(): void;
}

/**
 * The kernels and facts a backend gives TopicKD's training code, beyond the tfjs kernels
 * its tfjs backend registers. Every member is optional: an empty set (`PORTABLE_KERNELS`)
 * runs plain tfjs ops on any tfjs backend, with the same results up to rounding.
 */
export interface BackendKernels {
  /**
   * Parameters may be updated in place in the backend's memory. False for tfjs's wasm
   * backend with XNNPACK products: XNNPACK keeps a packed copy of every matrix multiplied
   * as a weight, keyed by tensor, so an in-place change would go unseen.
   */
  inPlaceWeightUpdates?: boolean;
  /**
   * Matrix products with transpose flags run as fast as plain ones (true for cpu, the
   * OpenBLAS engine and wasm with TopicKD's product; XNNPACK leaves its fast path with them).
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
    forward(x: Tensor, eps: number): { y: Tensor; r: Tensor; mean: Tensor; variance: Tensor } | null;
    backward(g: Tensor, y: Tensor, r: Tensor): Tensor | null;
  };
}

/** No native kernels: plain tfjs ops, correct on every tfjs backend. */
export const PORTABLE_KERNELS: BackendKernels = Object.freeze({});

/** Service identifier for `Backend` plugins (multi-bound: one binding per backend). */
export const Backend = Symbol.for('topickd.Backend');
