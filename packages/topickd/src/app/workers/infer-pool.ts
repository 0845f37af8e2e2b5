/**
 * θ inference in worker threads: the documents split into shards of whole inference batches
 * (512 documents), one per thread, each thread with its own backend and the model loaded once;
 * each shard is seeded as that part of the whole input (`inferTheta`'s `offset`), so the θ
 * equals one thread's, row for row. A backend that does not load in worker threads
 * (`workerThreads: false`, the node backend's engine), and one thread, infer θ here.
 */
import { Piscina } from 'piscina';
import { CsrMatrix, inferTheta, type BackendInfo, type Float32Matrix, type TopicModel } from '@topickd/core';
import type { RunConfig } from '../run/run-config.js';
import { builtWorkerFile } from './worker-file.js';
import { inferShards } from '../../shared/infer-shards.js';

/** One shard of documents for a thread. */
export interface InferTask {
  config: Pick<RunConfig, 'backend' | 'fallback' | 'plugins' | 'backendOptions' | 'baseDir'>;
  modelDir: string;
  bow: { rows: number; cols: number; indptr: Int32Array; indices: Int32Array; values: Float32Array } | null;
  embeddings: Float32Matrix;
  samples: number;
  seed: number;
  offset: number;
}

/** Rows [start, end) of a CSR matrix, as its own matrix. */
export function csrSlice(m: CsrMatrix, start: number, end: number): CsrMatrix {
  const a = m.indptr[start];
  const b = m.indptr[end];
  const indptr = new Int32Array(end - start + 1);
  for (let i = 0; i <= end - start; i++) indptr[i] = m.indptr[start + i] - a;
  return new CsrMatrix(end - start, m.cols, indptr, m.indices.slice(a, b), m.values.slice(a, b));
}

/**
 * θ of the documents with `threads` worker threads (config `threads`, TOPICKD_THREADS; default
 * one: this thread); `model` is the loaded model (used here when one thread suffices),
 * `modelDir` its folder (the threads load it from there).
 */
export async function inferThetaParallel(
  backend: Pick<BackendInfo, 'name' | 'workerThreads'>,
  cfg: RunConfig,
  model: TopicModel,
  modelDir: string,
  inputs: { bow: CsrMatrix | null; embeddings: Float32Matrix },
  options: { samples: number; seed: number; threads?: number; offset?: number },
): Promise<Float32Matrix & { threads: number }> {
  const base = options.offset ?? 0; // index of the first document in the whole input (a multiple of 512)
  // only when asked for: on the 2-core machine of BENCHMARKS.md ("Embedding in worker threads")
  // two threads inferred 65,536 and 262,144 documents slower than one (0.66–0.80× and
  // 0.75–0.79×): two inference threads at once ran ~1.4× slower each, and each thread pays its
  // start (backend, model)
  const threads = options.threads ?? cfg.threads ?? 1;
  const shards = inferShards(inputs.embeddings.rows, threads);
  const filename = builtWorkerFile('infer-worker');
  if (shards.length < 2 || !filename || backend.workerThreads === false) {
    return { ...inferTheta(model, { bow: inputs.bow ?? undefined, embeddings: inputs.embeddings }, { samples: options.samples, seed: options.seed, offset: base }), threads: 1 };
  }
  const pool = new Piscina({ filename, minThreads: 0, maxThreads: shards.length, idleTimeout: 500 });
  const config = { backend: backend.name, fallback: cfg.fallback, plugins: cfg.plugins, backendOptions: cfg.backendOptions, baseDir: cfg.baseDir };
  try {
    const E = inputs.embeddings.cols;
    // the embeddings in shared memory: each worker reads its shard where it lies. Posting each
    // shard's rows copied them twice more (slice, then the message's clone): for 262,144
    // documents of 512 floats, 2 threads took 12.4 s against 8.0 s so (one thread: 6.9–7.8 s)
    const shared = sharedFloat32(inputs.embeddings.data);
    const parts = await Promise.all(
      shards.map(([s, e]) => {
        const bow = inputs.bow ? csrSlice(inputs.bow, s, e) : null;
        const task: InferTask = {
          config,
          modelDir,
          bow: bow && { rows: bow.rows, cols: bow.cols, indptr: bow.indptr, indices: bow.indices, values: bow.values },
          embeddings: { rows: e - s, cols: E, data: shared.subarray(s * E, e * E) },
          samples: options.samples,
          seed: options.seed,
          offset: base + s,
        };
        return pool.run(task) as Promise<Float32Matrix>;
      }),
    );
    const K = parts[0].cols;
    const data = new Float32Array(inputs.embeddings.rows * K);
    shards.forEach(([s], i) => data.set(parts[i].data, s * K));
    return { rows: inputs.embeddings.rows, cols: K, data, threads: shards.length };
  } finally {
    await pool.destroy();
  }
}

/** The values in a SharedArrayBuffer: as they are where they already lie in one, else a copy. */
function sharedFloat32(data: Float32Array): Float32Array {
  if (typeof SharedArrayBuffer === 'function' && data.buffer instanceof SharedArrayBuffer) return data;
  const shared = new Float32Array(new SharedArrayBuffer(data.byteLength));
  shared.set(data);
  return shared;
}
