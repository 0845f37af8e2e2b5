import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { type BackendInfo, type Encoder, type EncoderSpec, type Float32Matrix } from '@topickd/core';
import type { CachedEmbedOptions } from '@topickd/encoders';
import type { RunConfig } from '../run/run-config.js';
import { builtWorkerFile } from './worker-file.js';

/** One chunk of texts for a worker thread, with what it needs to set up the same backend and encoder. */
export interface EmbedTask {
  config: Pick<RunConfig, 'backend' | 'fallback' | 'plugins' | 'backendOptions' | 'baseDir'>;
  spec: EncoderSpec;
  texts: string[];
  batchSize?: number;
}

/** Threads for embedding: config `embeddingThreads`, else `threads` (flag, environment or file: mergeConfig), else the machine's cores. */
export function embeddingThreads(cfg: Pick<RunConfig, 'threads' | 'embeddingThreads'>): number {
  return cfg.embeddingThreads ?? cfg.threads ?? availableParallelism();
}

/** Young generation (MB) of an embedding worker thread (V8's default grows to 16–32 per thread). */
const EMBED_WORKER_YOUNG_MB = 4;

/**
 * Embedding in worker threads (piscina), each with its own backend and encoder: the
 * `parallel` option of the embedding cache. Undefined for one thread, or where the worker
 * file is not built. Close the returned pool when done.
 */
export function embeddingPool(
  backend: Pick<BackendInfo, 'name' | 'workerThreads'>,
  cfg: RunConfig,
  spec: EncoderSpec,
  options: { threads?: number; batchSize?: number; offMainThread?: boolean; encoder?: Pick<Encoder, 'workerThreads'> } = {},
): { parallel: NonNullable<CachedEmbedOptions['parallel']>; close(): Promise<void> } | undefined {
  const threads = options.threads ?? embeddingThreads(cfg);
  const filename = builtWorkerFile('embed-worker');
  // a backend that does not load in worker threads (the node backend's native engine) embeds on one thread.
  // `offMainThread`: a pool even of one thread, so the main thread stays free (a queue
  // worker's lock renewals), and every chunk goes to it.
  // an encoder that says threads do not help it (a static table) embeds here.
  if ((threads < 2 && !options.offMainThread) || !filename || backend.workerThreads === false || (options.encoder?.workerThreads === false && !options.offMainThread)) return undefined;
  // a small young generation per worker: each embeds 512 texts at a time, and a grown one is memory held per thread
  const pool = new Piscina({ filename, minThreads: 0, maxThreads: threads, idleTimeout: 500, resourceLimits: { maxYoungGenerationSizeMb: EMBED_WORKER_YOUNG_MB } });
  // the workers activate the backend this thread runs (a fallback's, where the named one failed)
  const config = { backend: backend.name, fallback: cfg.fallback, plugins: cfg.plugins, backendOptions: cfg.backendOptions, baseDir: cfg.baseDir };
  return {
    parallel: {
      threads,
      always: options.offMainThread === true,
      embed: async (texts) => {
        const task: EmbedTask = { config, spec, texts, batchSize: options.batchSize };
        return (await pool.run(task)) as Float32Matrix;
      },
    },
    close: () => pool.destroy(),
  };
}
