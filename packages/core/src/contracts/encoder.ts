import type { Float32Matrix } from '../util/matrix.js';

export interface EmbedProgress {
  done: number;
  total: number;
}

export interface EmbedOptions {
  /** Documents per forward pass. */
  batchSize?: number;
  /** Called after every batch. */
  onProgress?: (progress: EmbedProgress) => void;
  /** Cancels a long run between batches (rejects with `AbortError`). */
  signal?: AbortSignal;
}

/** Texts in, one float32 row per text out. */
export interface Encoder {
  /** Stable identity of model + version; embedding caches are keyed by it. */
  readonly id: string;
  /**
   * The encoder's plugin name (`use`, `onnx`, `precomputed`, ...), so that a saved model
   * records which plugin recreates its encoder. The plugin registry sets it on the
   * encoders it creates when the plugin did not.
   */
  type?: string;
  /** Embedding size, known after `load()`. Known before (non-zero): `id` is final then too (caches are keyed by both without loading). */
  readonly dim: number;
  /** Loads weights/tokenizer; idempotent. `embed` calls it when needed. */
  load(): Promise<void>;
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Matrix>;
  /** Releases model memory. */
  dispose?(): void;
  /**
   * Whether embedding in worker threads speeds it up (default true). False for an encoder that
   * is a table lookup (static): a worker would cost more memory and messages than it saves.
   */
  readonly workerThreads?: boolean;
  /** False: faster than the on-disk embedding cache (a static table), so it is not cached. */
  readonly cacheable?: boolean;
  /**
   * Changes when the encoder's code computes other bits from the same weights (the use encoder's
   * one-length batches: `same-length-batches`). The embedding cache is keyed by it too, so rows an
   * older revision computed are never mixed with this one's (results never depend on the cache's history).
   */
  readonly revision?: string;
}

/**
 * Options given to an encoder factory: everything after the encoder's name in config. Each
 * plugin declares its own (`UseEncoderOptions`, `OnnxEncoderOptions`, ...) as the factory's
 * type parameter and checks what it is given.
 */
export interface EncoderOptions {
  /** Local model folder (onnx, transformers). */
  modelDir?: string;
  /** File to read (precomputed). */
  path?: string;
  [key: string]: unknown;
}

/** A named way to make encoders; plugin packages bind these. */
export interface EncoderFactory<O extends object = EncoderOptions> {
  readonly name: string;
  readonly description: string;
  create(options: O): Encoder;
}

/** Service identifier for `EncoderFactory` plugins (multi-bound). */
export const EncoderFactory = Symbol.for('topickd.EncoderFactory');
