/**
 * Embeds a corpus with a sentence encoder: the one implementation of `topickd embed` and
 * `tkd.embed`. In this process, in blocks of `shardSize` documents through the cache (worker
 * threads where the encoder and backend allow), or as jobs on a queue that `topickd worker`
 * processes run — the same blocks, so both give the same bytes.
 */
import { resolve } from 'node:path';
import { ConfigError, type Corpus, type EncoderSpec, type Float32Matrix } from '@topickd/core';
import { DEFAULT_SHARD_SIZE, embedInBlocks, embedOnQueue } from '../queue/distributed.js';
import { embeddingPool } from '../workers/embed-pool.js';
import { embeddingCacheVariant, type Runtime } from './pipeline.js';
import type { Progress } from './progress.js';
import type { RunConfig } from './run-config.js';

export interface EmbedRequest {
  /** The documents (the API's `corpusOf`: a path, strings or records, loaded). */
  corpus: Corpus;
  /** The encoder, resolved (encoderSpecOf). */
  spec: EncoderSpec;
  /** Documents per forward pass (default: the encoder's). */
  batchSize?: number;
  /** Documents per block: one job each on a queue, one call through the cache each without (default 1000). */
  shardSize?: number;
  /** false: neither read nor write the embedding cache. */
  cache?: boolean;
  /** redis://HOST:PORT: embed as jobs `topickd worker` processes run. */
  queue?: string;
  /** With a queue: a folder every worker shares (the shards go there). */
  workDir?: string;
}

/** The embeddings and how they were made (`topickd embed --json`). */
export interface EmbedOutcome {
  matrix: Float32Matrix;
  /** The encoder's id. */
  encoder: string;
  rows: number;
  dim: number;
  /** Rows computed (the rest came from the cache); without a queue. */
  computed?: number;
  /** Threads that embedded: the embedding pool's workers, else the backend's own. Without a queue. */
  threads?: number;
  /** Jobs the queue ran. */
  shards?: number;
  backend: string;
  seconds: number;
  docsPerSecond: number;
}

export async function runEmbed(rt: Runtime, cfg: RunConfig, req: EmbedRequest, progress: Progress): Promise<EmbedOutcome> {
  const texts = req.corpus.encoderTexts ?? req.corpus.documents;
  const encoder = rt.registry.createEncoder(req.spec);
  const cacheDir = req.cache === false ? undefined : (cfg.cacheDir ?? '.topickd-cache');
  const t0 = performance.now();
  const done = (m: Float32Matrix, extra: Partial<EmbedOutcome>): EmbedOutcome => {
    const seconds = (performance.now() - t0) / 1000;
    return { matrix: m, encoder: encoder.id, rows: m.rows, dim: m.cols, ...extra, backend: rt.backend.name, seconds, docsPerSecond: m.rows / seconds };
  };
  if (req.queue) {
    if (!req.workDir) throw new ConfigError('embedding on a queue needs `workDir`: a folder every worker shares (`topickd embed` uses the folder of --out)', 'workDir');
    const onProgress = progress.embedding('embedding (queue)');
    const m = await embedOnQueue(req.queue, texts, req.spec, {
      queueTimeout: cfg.queueTimeout,
      log: (l) => progress.log(l),
      shardSize: req.shardSize,
      workDir: resolve(req.workDir),
      cacheDir: cacheDir ?? null,
      batchSize: req.batchSize,
      onProgress: (d, total) => onProgress({ done: d, total }),
    });
    return done(m, { shards: m.shards });
  }
  const pool = embeddingPool(rt.backend, cfg, req.spec, { batchSize: req.batchSize, encoder });
  const onProgress = progress.embedding('embedding');
  let m;
  try {
    m = await embedInBlocks(encoder, texts, cacheDir, req.shardSize ?? DEFAULT_SHARD_SIZE, {
      batchSize: req.batchSize,
      onProgress: (d, total) => onProgress({ done: d, total }),
      logger: rt.logger,
      parallel: pool?.parallel,
      variant: embeddingCacheVariant(rt.backend),
    });
  } finally {
    await pool?.close();
  }
  progress.embedded('embedding', m.rows, m.rows - m.computed, (performance.now() - t0) / 1000);
  // worker threads of the embedding pool, else the backend's own (the node engine splits the encoder's products over its threads)
  return done(m, { computed: m.computed, threads: pool?.parallel.threads ?? rt.backend.threads ?? 1 });
}

