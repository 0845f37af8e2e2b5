import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, DataError, inferTheta, type EncoderSpec, type Encoder, type Float32Matrix, type Logger } from '@topickd/core';
import { writeFileAtomic } from '@topickd/core/node';
import { decodeNpy, embedWithCache, encodeNpy, type CachedEmbedOptions } from '@topickd/encoders';
import type { JobHandler } from '@topickd/queue';
import { bowForModel, loadModelWith, noEmbeddings, type Runtime } from './pipeline.js';
import type { RunConfig } from './run-config.js';
import { embeddingPool } from './embed-pool.js';

/** BullMQ and ioredis load only when a queue is used (they cost ~1 s of every command's start). */
const queueModule = () => import('@topickd/queue');

/** Documents per block of `embed` (a job each on the queue, a call through the cache each locally). */
export const DEFAULT_SHARD_SIZE = 1000;

/** Rows of several matrices of the same width, one after the other (`computed` summed when present). */
export function concatRows<M extends Float32Matrix & { computed?: number }>(parts: readonly M[]): Float32Matrix & { computed: number } {
  const cols = parts[0]?.cols ?? 0;
  const rows = parts.reduce((a, p) => a + p.rows, 0);
  const data = new Float32Array(rows * cols);
  let r = 0;
  for (const p of parts) {
    if (p.cols !== cols) throw new DataError(`blocks of embeddings disagree in width (${p.cols} vs ${cols}): the workers run different encoders`, 'DIMENSION_MISMATCH');
    data.set(p.data.subarray(0, p.rows * cols), r * cols);
    r += p.rows;
  }
  return { rows, cols, data, computed: parts.reduce((a, p) => a + (p.computed ?? 0), 0) };
}

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
export function jobHandlers(rt: Runtime, cfg: RunConfig): { handlers: Record<string, JobHandler>; close(): Promise<void> } {
  const encoders = new Map<string, { encoder: Encoder; pool: ReturnType<typeof embeddingPool> }>();
  const encoderFor = (spec: EncoderSpec, batchSize?: number) => {
    const key = JSON.stringify([spec, batchSize]);
    let e = encoders.get(key);
    if (!e) encoders.set(key, (e = { encoder: rt.registry.createEncoder(spec), pool: embeddingPool(cfg, spec, { threads: 1, batchSize, offMainThread: true }) }));
    return e;
  };
  const models = new Map<string, ReturnType<typeof loadModelWith>>();
  return {
    handlers: {
      [INFER_SHARD]: async (raw) => {
        const job = raw as InferShardJob;
        let saved = models.get(job.model);
        if (!saved) models.set(job.model, (saved = loadModelWith(rt, job.model)));
        const model = await saved;
        const shard = JSON.parse(readFileSync(job.input, 'utf8')) as InferShardInput;
        const bow = bowForModel(shard.documents, model, shard.pretokenized);
        let embeddings: Float32Matrix;
        if (job.encoder === null) embeddings = noEmbeddings(bow.rows);
        else {
          const e = encoderFor(job.encoder);
          embeddings = await embedWithCache(e.encoder, shard.encoderTexts, job.cacheDir ?? undefined, { logger: rt.logger, parallel: e.pool?.parallel });
        }
        const theta = inferTheta(model.model, { bow, embeddings }, { samples: job.samples, seed: job.seed, offset: job.offset });
        writeFileAtomic(job.out, encodeNpy(theta));
        return { items: bow.rows, rows: theta.rows, cols: theta.cols, out: job.out };
      },
      [EMBED_SHARD]: async (raw) => {
        const job = raw as EmbedShardJob;
        const e = encoderFor(job.encoder, job.batchSize);
        const texts = JSON.parse(readFileSync(job.input, 'utf8')) as string[];
        const m = job.cacheDir
          ? await embedWithCache(e.encoder, texts, job.cacheDir, { batchSize: job.batchSize, logger: rt.logger, parallel: e.pool?.parallel })
          : { ...(e.pool ? await e.pool.parallel.embed(texts) : await e.encoder.embed(texts, { batchSize: job.batchSize })), computed: texts.length };
        writeFileAtomic(job.out, encodeNpy(m));
        return { items: texts.length, rows: m.rows, cols: m.cols, computed: m.computed, out: job.out };
      },
    },
    close: async () => {
      for (const e of encoders.values()) await e.pool?.close();
      encoders.clear();
      for (const m of models.values()) (await m).model.dispose();
      models.clear();
    },
  };
}

export interface QueueEmbedOptions {
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
  const run = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const dir = resolve(options.workDir, `embed-${run}`);
  const { JobQueue } = await queueModule();
  const queue = await JobQueue.open(url);
  mkdirSync(dir, { recursive: true });
  try {
    const jobs = [];
    for (let s = 0, i = 0; s < texts.length; s += shardSize, i++) {
      const input = join(dir, `shard-${String(i).padStart(5, '0')}.json`);
      writeFileAtomic(input, JSON.stringify(texts.slice(s, s + shardSize)));
      const data: EmbedShardJob = { input, out: join(dir, `shard-${String(i).padStart(5, '0')}.npy`), encoder, cacheDir: options.cacheDir ? resolve(options.cacheDir) : null, batchSize: options.batchSize };
      jobs.push({ name: EMBED_SHARD, id: `${run}-embed-${i}`, data });
    }
    const sizes = jobs.map((_, i) => Math.min(shardSize, texts.length - i * shardSize));
    let docs = 0;
    let finished = 0;
    await queue.run(jobs, {
      onProgress: (done) => {
        while (finished < done) docs += sizes[finished++];
        options.onProgress?.(docs, texts.length);
      },
    });
    const parts = jobs.map((j) => decodeNpy(new Uint8Array(readFileSync((j.data as EmbedShardJob).out))));
    const { rows, cols, data } = concatRows(parts);
    if (rows !== texts.length) throw new DataError(`the shards hold ${rows} rows for ${texts.length} documents`, 'DIMENSION_MISMATCH');
    return { rows: texts.length, cols, data, shards: jobs.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await queue.close();
  }
}

export interface QueueInferOptions {
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
  const run = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const { JobQueue } = await queueModule();
  const queue = await JobQueue.open(url);
  const dir = resolve(options.workDir, `infer-${run}`);
  mkdirSync(dir, { recursive: true });
  try {
    const n = input.documents.length;
    const jobs = [];
    for (let s = 0, i = 0; s < n || (n === 0 && i === 0); s += shardSize, i++) {
      const name = `shard-${String(i).padStart(5, '0')}`;
      const shardInput = join(dir, `${name}.json`);
      writeFileAtomic(shardInput, JSON.stringify({ documents: input.documents.slice(s, s + shardSize), encoderTexts: input.encoderTexts.slice(s, s + shardSize), pretokenized: input.pretokenized } satisfies InferShardInput));
      const data: InferShardJob = { model: resolve(modelDir), input: shardInput, out: join(dir, `${name}.npy`), encoder, cacheDir: options.cacheDir ? resolve(options.cacheDir) : null, samples: options.samples, seed: options.seed, offset: s };
      jobs.push({ name: INFER_SHARD, id: `${run}-infer-${i}`, data });
      if (n === 0) break;
    }
    const sizes = jobs.map((_, i) => Math.min(shardSize, n - i * shardSize));
    let docs = 0;
    let finished = 0;
    await queue.run(jobs, {
      onProgress: (done) => {
        while (finished < done) docs += sizes[finished++];
        options.onProgress?.(docs, n);
      },
    });
    const theta = concatRows(jobs.map((j) => decodeNpy(new Uint8Array(readFileSync((j.data as InferShardJob).out)))));
    return { rows: theta.rows, cols: theta.cols, data: theta.data, shards: jobs.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await queue.close();
  }
}
