import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataError, type EncoderSpec, type Encoder, type Float32Matrix } from '@topickd/core';
import { writeFileAtomic } from '@topickd/core/node';
import { decodeNpy, embedWithCache, encodeNpy } from '@topickd/encoders';
import { JobQueue, type JobHandler } from '@topickd/queue';
import type { Runtime } from './pipeline.js';
import type { RunConfig } from './run-config.js';
import { embeddingPool } from './embed-pool.js';

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
  return {
    handlers: {
      [EMBED_SHARD]: async (raw) => {
        const job = raw as EmbedShardJob;
        const key = JSON.stringify([job.encoder, job.batchSize]);
        let e = encoders.get(key);
        if (!e) encoders.set(key, (e = { encoder: rt.registry.createEncoder(job.encoder), pool: embeddingPool(cfg, job.encoder, { threads: 1, batchSize: job.batchSize, offMainThread: true }) }));
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
