import { DataError } from '../errors.js';
import { tf } from '../tfjs/tf.js';
import type { TopicModel } from '../contracts/topic-model.js';

/** A plain-array copy of a model's weights and batch-norm statistics. */
export interface ModelSnapshot {
  params: Record<string, Float32Array>;
  running: Record<string, { mean: Float32Array; variance: Float32Array }>;
}

export function snapshotModel(model: TopicModel): ModelSnapshot {
  const params: ModelSnapshot['params'] = {};
  for (const [name, v] of model.params) params[name] = (v.dataSync() as Float32Array).slice();
  const running: ModelSnapshot['running'] = {};
  for (const [name, r] of model.running) running[name] = { mean: r.mean.slice(), variance: r.variance.slice() };
  return { params, running };
}

export function restoreModel(model: TopicModel, snap: ModelSnapshot): void {
  for (const [name, v] of model.params) {
    const data = snap.params[name];
    if (!data || data.length !== v.size) throw new DataError(`snapshot has no values of the right size for parameter "${name}"`, 'DIMENSION_MISMATCH');
    tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
  }
  for (const [name, r] of model.running) {
    const s = snap.running[name];
    if (!s) throw new DataError(`snapshot has no batch-norm statistics "${name}"`, 'DIMENSION_MISMATCH');
    r.mean.set(s.mean);
    r.variance.set(s.variance);
  }
}
