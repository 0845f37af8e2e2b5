/**
 * Distributed runs on BullMQ + Redis: the job handlers of `topickd worker` (embed and infer
 * shards, the experiment's flow, tune's trials), and `embed`/`infer` as sharded jobs merged in order.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, DataError, inferTheta, type EncoderSpec, type Encoder, type Float32Matrix, type Logger } from '@topickd/core';
import { writeFileAtomic } from '@topickd/core/node';
import { decodeNpy, embedWithCache, encodeNpy, type CachedEmbedOptions } from '@topickd/encoders';
import type { JobHandler, StagedJobHandler } from '@topickd/queue';
import { embeddingCacheVariant, bowForModel, loadModelWith, noEmbeddings, type Runtime } from '../run/pipeline.js';
import { concatRows } from '../../shared/concat-rows.js';
import type { RunConfig } from '../run/run-config.js';
import { embeddingPool } from '../workers/embed-pool.js';
import { experimentJobHandlers } from './experiment-queue.js';
import { Progress } from '../run/progress.js';
import { runTuneTrial, tuneContexts, TUNE_TRIAL, type TuneTask } from '../tune/tune.js';

import { queueModule } from './queue-module.js';

/** Documents per block of `embed` (a job each on the queue, a call through the cache each locally). */
export const DEFAULT_SHARD_SIZE = 1000;

/** Job kinds of a distributed run. */
export const EMBED_SHARD = 'embed-shard';
export const INFER_SHARD = 'infer-shard';

/** θ inference's batch: shards of `infer --queue` start at multiples of it (θ's draws are per batch). */
export const INFER_BATCH = 512;

/**
 * Embeds texts in blocks of `blockSize`, each one call through the cache: the unit a
 * distributed run's jobs embed, so a local run and a queued one give the same bytes.
 */
export async function embedInBlocks(
  encoder: Encoder,
  texts: readonly string[],
  cacheDir: string | undefined,
  blockSize: number,
  options: Omit<CachedEmbedOptions, 'onProgress'> & { logger?: Pick<Logger, 'warn'>; onProgress?: (done: number, total: number) => void } = {},
): Promise<Float32Matrix & { computed: number }> {
  const parts: (Float32Matrix & { computed: number })[] = [];
  for (let s = 0; s === 0 || s < texts.length; s += blockSize) {
    parts.push(await embedWithCache(encoder, texts.slice(s, s + blockSize), cacheDir, { ...options, onProgress: (p) => options.onProgress?.(s + p.done, texts.length) }));
  }
  return concatRows(parts);
}

/** One shard of an `infer --queue` run. */
export interface InferShardJob {
  /** The model folder (in the shared folder). */
  model: string;
  /** JSON { documents, encoderTexts, pretokenized } of the shard. */
  input: string;
  /** Where the worker writes the shard's θ (.npy). */
  out: string;
  /** The encoder of the model's embeddings; null for a model that reads none. */
  encoder: EncoderSpec | null;
  cacheDir: string | null;
  samples: number;
  seed: number;
  /** Index of the shard's first document in the whole input (a multiple of INFER_BATCH). */
  offset: number;
}

/** A shard's documents as the worker reads them. */
interface InferShardInput {
  documents: string[];
  encoderTexts: string[];
  pretokenized: boolean;
}

/** One shard of an `embed --queue` run: texts in, embeddings out, both files in the shared folder. */
export interface EmbedShardJob {
  /** JSON array of the shard's texts. */
  input: string;
  /** Where the worker writes the shard's embeddings (.npy). */
  out: string;
  encoder: EncoderSpec;
  /** The embedding cache folder all workers share; null: none. */
  cacheDir: string | null;
  batchSize?: number;
}

/**
 * The job handlers of `topickd worker`: each embeds its shard with the worker's own backend
 * and encoder, through the shared embedding cache, in a worker thread (one encoder per spec,
 * loaded once) so that the main thread stays free to renew the job's lock. (`--backend node`
 * embeds on the main thread: give such workers a lock duration longer than one job.)
 */
export function jobHandlers(rt: Runtime, cfg: RunConfig, progress?: Progress): { handlers: Record<string, JobHandler | StagedJobHandler>; close(): Promise<void> } {
  const experiments = experimentJobHandlers(rt, progress);
  const quiet = progress ?? new Progress({ quiet: true });
  const tuning = tuneContexts(rt, quiet);
  const encoders = new Map<string, { encoder: Encoder; pool: ReturnType<typeof embeddingPool> }>();
  const encoderFor = (spec: EncoderSpec, batchSize?: number) => {
    const key = JSON.stringify([spec, batchSize]);
    let e = encoders.get(key);
    if (!e) encoders.set(key, (e = { encoder: rt.registry.createEncoder(spec), pool: embeddingPool(rt.backend, cfg, spec, { threads: 1, batchSize, offMainThread: true }) }));
    return e;
  };
  /** A shard's texts embedded off the main thread (through the shared cache when there is one). */
  const embedShard = async (spec: EncoderSpec, texts: string[], cacheDir: string | null, batchSize?: number): Promise<Float32Matrix & { computed: number }> => {
    const e = encoderFor(spec, batchSize);
    if (cacheDir) return embedWithCache(e.encoder, texts, cacheDir, { batchSize, logger: rt.logger, parallel: e.pool?.parallel, variant: embeddingCacheVariant(rt.backend) });
    return { ...(e.pool ? await e.pool.parallel.embed(texts) : await e.encoder.embed(texts, { batchSize })), computed: texts.length };
  };
  const models = new Map<string, ReturnType<typeof loadModelWith>>();
  return {
    handlers: {
      ...experiments.handlers,
      [TUNE_TRIAL]: async (raw) => {
        const task = raw as TuneTask;
        return tuning.run(task, (ctx) => runTuneTrial(ctx, task, quiet));
      },
      [INFER_SHARD]: async (raw) => {
        const job = raw as InferShardJob;
        let saved = models.get(job.model);
        if (!saved) models.set(job.model, (saved = loadModelWith(rt, job.model)));
        const model = await saved;
        const shard = JSON.parse(readFileSync(job.input, 'utf8')) as InferShardInput;
        const bow = bowForModel(shard.documents, model, shard.pretokenized);
        const embeddings = job.encoder === null ? noEmbeddings(bow.rows) : await embedShard(job.encoder, shard.encoderTexts, job.cacheDir);
        const theta = inferTheta(model.model, { bow, embeddings }, { samples: job.samples, seed: job.seed, offset: job.offset });
        writeFileAtomic(job.out, encodeNpy(theta));
        return { items: bow.rows, rows: theta.rows, cols: theta.cols, out: job.out };
      },
      [EMBED_SHARD]: async (raw) => {
        const job = raw as EmbedShardJob;
        const texts = JSON.parse(readFileSync(job.input, 'utf8')) as string[];
        const m = await embedShard(job.encoder, texts, job.cacheDir, job.batchSize);
        writeFileAtomic(job.out, encodeNpy(m));
        return { items: texts.length, rows: m.rows, cols: m.cols, computed: m.computed, out: job.out };
      },
    },
    close: async () => {
      experiments.close();
      await tuning.close();
      for (const e of encoders.values()) await e.pool?.close();
      encoders.clear();
      for (const m of models.values()) (await m).model.dispose();
      models.clear();
    },
  };
}

/**
 * Runs `total` documents as jobs of `shardSize` on the queue: `shard` writes a shard's input
 * into the run's folder (shared with the workers) and returns its job data, whose `out` the
 * worker fills with a .npy; the outputs come back merged in order. The folder is removed after.
 */
async function runSharded(
  url: string,
  kind: typeof EMBED_SHARD | typeof INFER_SHARD,
  total: number,
  shardSize: number,
  workDir: string,
  shard: (files: { input: string; out: string }, start: number, end: number) => { out: string },
  onProgress: ((done: number, total: number) => void) | undefined,
  queueOptions: QueueConnectionOptions,
): Promise<Float32Matrix & { shards: number }> {
  const run = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const { JobQueue } = await queueModule();
  const queue = await JobQueue.open(url, { queueTimeoutSeconds: queueOptions.queueTimeout, log: queueOptions.log });
  const dir = resolve(workDir, `${kind}-${run}`);
  mkdirSync(dir, { recursive: true });
  try {
    const jobs = [];
    // an empty input is one empty shard, so the result keeps the output's width
    for (let s = 0, i = 0; i === 0 || s < total; s += shardSize, i++) {
      const name = join(dir, `shard-${String(i).padStart(5, '0')}`);
      jobs.push({ name: kind, id: `${run}-${kind}-${i}`, data: shard({ input: `${name}.json`, out: `${name}.npy` }, s, Math.min(total, s + shardSize)) });
    }
    const sizes = jobs.map((_, i) => Math.max(0, Math.min(shardSize, total - i * shardSize)));
    let docs = 0;
    let finished = 0;
    await queue.run(jobs, {
      onProgress: (done) => {
        while (finished < done) docs += sizes[finished++];
        onProgress?.(docs, total);
      },
    });
    const merged = concatRows(jobs.map((j) => decodeNpy(new Uint8Array(readFileSync(j.data.out)))));
    if (merged.rows !== total) throw new DataError(`the shards hold ${merged.rows} rows for ${total} documents`, 'DIMENSION_MISMATCH');
    return { rows: merged.rows, cols: merged.cols, data: merged.data, shards: jobs.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await queue.close();
  }
}

/** How a submitter rides out a Redis outage. */
export interface QueueConnectionOptions {
  /** Seconds Redis may stay away before the run gives up (the jobs stay queued; default 300; 0: for ever). */
  queueTimeout?: number;
  /** One line when the connection is lost, one when it is back. */
  log?: (line: string) => void;
}

export interface QueueEmbedOptions extends QueueConnectionOptions {
  /** Documents per shard (default 1000). */
  shardSize?: number;
  /** A folder every worker can read and write (the shards go there); default: beside the output. */
  workDir: string;
  cacheDir?: string | null;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Embeds `texts` on the queue: shards of `shardSize` documents as jobs, run by any number of
 * workers, merged in order — the same rows, byte for byte, as embedding them in one process.
 */
export async function embedOnQueue(url: string, texts: readonly string[], encoder: EncoderSpec, options: QueueEmbedOptions): Promise<Float32Matrix & { shards: number }> {
  const shardSize = options.shardSize ?? DEFAULT_SHARD_SIZE;
  if (!Number.isInteger(shardSize) || shardSize <= 0) throw new DataError(`the shard size must be a positive integer, got ${shardSize}`);
  const cacheDir = options.cacheDir ? resolve(options.cacheDir) : null;
  return runSharded(
    url,
    EMBED_SHARD,
    texts.length,
    shardSize,
    options.workDir,
    ({ input, out }, start, end): EmbedShardJob => {
      writeFileAtomic(input, JSON.stringify(texts.slice(start, end)));
      return { input, out, encoder, cacheDir, batchSize: options.batchSize };
    },
    options.onProgress,
    options,
  );
}

export interface QueueInferOptions extends QueueConnectionOptions {
  /** Documents per shard, a multiple of INFER_BATCH (default 1024). */
  shardSize?: number;
  workDir: string;
  cacheDir?: string | null;
  samples: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * θ of documents on the queue: shards of `shardSize` documents (multiples of the inference
 * batch, each seeded as that part of the whole input), merged in order — the same θ as `infer`
 * in one process (which embeds the same blocks).
 */
export async function inferOnQueue(
  url: string,
  modelDir: string,
  input: { documents: readonly string[]; encoderTexts: readonly string[]; pretokenized: boolean },
  encoder: EncoderSpec | null,
  options: QueueInferOptions,
): Promise<Float32Matrix & { shards: number }> {
  const shardSize = options.shardSize ?? 2 * INFER_BATCH;
  if (!Number.isInteger(shardSize) || shardSize <= 0 || shardSize % INFER_BATCH !== 0) {
    throw new ConfigError(`--shard-size for infer must be a multiple of ${INFER_BATCH} (θ is drawn per batch of ${INFER_BATCH} documents), got ${shardSize}`, 'shardSize');
  }
  const model = resolve(modelDir);
  const cacheDir = options.cacheDir ? resolve(options.cacheDir) : null;
  return runSharded(
    url,
    INFER_SHARD,
    input.documents.length,
    shardSize,
    options.workDir,
    (files, start, end): InferShardJob => {
      const shard: InferShardInput = { documents: input.documents.slice(start, end), encoderTexts: input.encoderTexts.slice(start, end), pretokenized: input.pretokenized };
      writeFileAtomic(files.input, JSON.stringify(shard));
      return { model, ...files, encoder, cacheDir, samples: options.samples, seed: options.seed, offset: start };
    },
    options.onProgress,
    options,
  );
}
