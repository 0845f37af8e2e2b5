import { ConfigError, type Corpus, type Float32Matrix, type SavedModel } from '@topickd/core';
import { loadCorpus } from '@topickd/core/node';
import { dirname } from 'node:path';
import { concatRows } from '../../shared/concat-rows.js';
import { INFER_BATCH, inferOnQueue } from '../queue/distributed.js';
import { canStreamCorpus, collectGarbage, corpusChunks, countCorpusDocuments } from './corpus-chunks.js';
import { thetaOfChunks } from './corpus-theta.js';
import { inferenceEncoderSpec, resolveDataPath, type Runtime } from './pipeline.js';
import type { Progress } from './progress.js';
import type { RunConfig } from './run-config.js';

/** A block of θ rows: documents `offset` … `offset + theta.rows − 1` of the input. */
export interface ThetaBlock {
  theta: Float32Matrix;
  offset: number;
}

export interface InferRequest {
  /** A path or bundled name (a `.txt`/`.jsonl` file is read a block at a time), or documents in memory. */
  input: string | Corpus;
  samples?: number;
  seed?: number;
  /** Documents per block, a multiple of 512 (default 1024): one job each with `queue`. */
  shardSize?: number;
  /** redis://HOST:PORT: the blocks as jobs for `topickd worker` processes (the model must be in a folder every worker shares). */
  queue?: string;
  /** Each block as it is inferred; when given, blocks are not kept (memory holds one). */
  onBlock?: (block: ThetaBlock) => void;
}

export interface InferOutcome {
  /** θ of every document (undefined when `onBlock` took the blocks). */
  theta?: Float32Matrix;
  documents: number;
  topics: number;
  /** Threads θ was inferred on (worker threads of the model's folder; 1 in this thread); unknown for a queue's workers. */
  threads?: number;
}

/**
 * θ of new documents with a model — what `topickd infer` and `tkd.infer` both run: a `.txt` or
 * `.jsonl` file is read, embedded (the model's encoder, or `cfg.encoder`) and inferred one block of
 * `shardSize` documents at a time, after a first pass that counts its documents and refuses bad
 * input; θ rows equal one pass over the whole input. With a queue, the blocks are jobs.
 */
export async function runInfer(rt: Runtime, cfg: RunConfig, saved: SavedModel, modelDir: string | undefined, req: InferRequest, progress: Progress): Promise<InferOutcome> {
  const shardSize = req.shardSize ?? 2 * INFER_BATCH;
  const samples = req.samples ?? 20;
  const seed = req.seed ?? 0;
  const K = saved.model.numTopics;
  const path = typeof req.input === 'string' ? resolveDataPath(req.input, cfg.baseDir) : undefined;
  const wholeCorpus = () => (typeof req.input === 'string' ? loadCorpus(path!, { textField: cfg.textField }) : req.input);
  if (req.queue) {
    if (!modelDir) throw new ConfigError('infer on a queue reads the model from its folder: save the model first (or load it from one)', 'queue');
    const corpus = wholeCorpus();
    const onProgress = progress.embedding('inferring (queue)');
    const theta = await inferOnQueue(req.queue, modelDir, { documents: corpus.documents, encoderTexts: corpus.encoderTexts ?? corpus.documents, pretokenized: corpus.pretokenized }, inferenceEncoderSpec(cfg, saved), {
      shardSize,
      workDir: path ? dirname(path) : process.cwd(),
      cacheDir: cfg.cacheDir ?? '.topickd-cache',
      samples,
      seed,
      queueTimeout: cfg.queueTimeout,
      log: (l) => progress.log(l),
      onProgress: (done, total) => onProgress({ done, total }),
    });
    if (req.onBlock) req.onBlock({ theta, offset: 0 });
    return { ...(req.onBlock ? {} : { theta }), documents: theta.rows, topics: K, ...('threads' in theta ? { threads: theta.threads as number } : {}) };
  }
  if (!Number.isInteger(shardSize) || shardSize <= 0 || shardSize % INFER_BATCH !== 0) throw new ConfigError(`--shard-size for infer must be a multiple of ${INFER_BATCH}, got ${shardSize}`, 'shardSize');
  // a .txt or .jsonl file is read and inferred one block of shardSize documents at a time (memory
  // holds one block), after a first pass that counts its documents and refuses bad input before
  // any θ is given; an OCTIS folder or documents in memory are one block
  const streamed = path !== undefined && canStreamCorpus(path);
  const total = streamed ? await countCorpusDocuments(path, { textField: cfg.textField }) : undefined;
  const chunks = streamed ? corpusChunks(path, { size: shardSize, textField: cfg.textField }) : [wholeCorpus()];
  // worker threads load the model from its folder; a model without one is inferred in this thread
  const runCfg = modelDir ? cfg : { ...cfg, threads: 1 };
  const parts: Float32Matrix[] = [];
  let threads: number | undefined;
  let documents = 0;
  for await (const { theta, offset } of thetaOfChunks(rt, runCfg, saved, modelDir ?? '.', chunks, progress, { samples, seed, shardSize, total, betweenChunks: streamed ? collectGarbage : undefined })) {
    threads = Math.max(threads ?? 0, theta.threads ?? 1);
    documents += theta.rows;
    if (req.onBlock) req.onBlock({ theta, offset });
    else parts.push(theta);
  }
  return { ...(req.onBlock ? {} : { theta: parts.length ? concatRows(parts) : { rows: 0, cols: K, data: new Float32Array(0) } }), documents, topics: K, ...(threads !== undefined ? { threads } : {}) };
}
