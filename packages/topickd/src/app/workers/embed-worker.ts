/**
 * A worker thread that embeds chunks of texts (piscina runs this file). It sets up its own
 * backend and encoder from the run's config once, then embeds each chunk it is given
 * exactly as the main thread would.
 */
import type { Encoder } from '@topickd/core';
import { createRuntime, encoderSpecOf } from '../run/pipeline.js';
import type { EmbedTask } from './embed-pool.js';

let ready: Promise<Encoder> | undefined;

async function encoderFor(task: EmbedTask): Promise<Encoder> {
  const rt = await createRuntime({ ...task.config, encoder: task.spec }, { warn: (m) => process.stderr.write(`topickd: warning: (worker) ${m}\n`) });
  const encoder = rt.registry.createEncoder(encoderSpecOf(task.spec, task.config.baseDir));
  await encoder.load();
  return encoder;
}

export default async function embedChunk(task: EmbedTask): Promise<{ rows: number; cols: number; data: Float32Array }> {
  ready ??= encoderFor(task);
  const encoder = await ready;
  const m = await encoder.embed(task.texts, { batchSize: task.batchSize });
  return { rows: m.rows, cols: m.cols, data: m.data };
}
