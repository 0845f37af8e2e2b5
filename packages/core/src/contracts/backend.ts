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
  activate(): Promise<BackendInfo>;
}

/** Service identifier for `Backend` plugins (multi-bound: one binding per backend). */
export const Backend = Symbol.for('topickd.Backend');
