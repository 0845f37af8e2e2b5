/**
 * A worker thread of θ inference (piscina runs this file): it sets up its own backend and
 * loads the model once, then infers θ of each shard it is given, seeded as that part of the
 * whole input.
 */
import { CsrMatrix, inferTheta, type Float32Matrix } from '@topickd/core';
import { createRuntime, loadModelWith } from '../run/pipeline.js';
import type { InferTask } from './infer-pool.js';

const models = new Map<string, ReturnType<typeof loadModelWith>>();

export default async function inferShard(task: InferTask): Promise<Float32Matrix> {
  let saved = models.get(task.modelDir);
  if (!saved) {
    const rt = await createRuntime(task.config, { warn: (m) => process.stderr.write(`topickd: warning: (worker) ${m}\n`) });
    models.set(task.modelDir, (saved = loadModelWith(rt, task.modelDir)));
  }
  const { model } = await saved;
  const bow = task.bow ? new CsrMatrix(task.bow.rows, task.bow.cols, task.bow.indptr, task.bow.indices, task.bow.values) : undefined;
  const theta = inferTheta(model, { bow, embeddings: task.embeddings }, { samples: task.samples, seed: task.seed, offset: task.offset });
  return { rows: theta.rows, cols: theta.cols, data: theta.data };
}
