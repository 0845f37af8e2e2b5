import { MERGED_KIND, MergedTopicModel, ConfigError, mergeClosestTopics, mergedOptions, mergeThetaColumns, resolveModelConfig, type Float32Matrix, type SavedModel, type TopicModel } from '@topickd/core';
import { loadTheta } from '@topickd/core/node';
import type { TrainingTheta } from './pipeline.js';

/** What a reduced model records (`training.reduced`): its parent, the parent's topics in each merged topic, the distance of every merge. */
export interface ReducedRecord {
  /** The parent's manifest digest. */
  parent: string;
  /** The parent's K. */
  from: number;
  topics: number;
  /** The parent's topics in each merged topic. */
  groups: number[][];
  /** Jensen–Shannon distance of each merge, in the order they were made. */
  distances: number[];
  /** What weighted the topics' word distributions: their share of the training documents (θ), or equal weights. */
  weights: 'training θ' | 'equal';
}

export interface ReducedModel {
  model: MergedTopicModel;
  record: ReducedRecord;
  /** θ of the training documents, merged, when the parent had them. */
  trainingTheta?: TrainingTheta;
}

/**
 * Merges the closest of a model's topics (Jensen–Shannon distance of their word distributions)
 * until K2 remain: a new model (kind `merged`) whose θ is the parent's with the groups' columns
 * summed, for new documents too. Topics are weighted by their share of the training documents
 * when the parent's θ of them is known. A merged model reduces further (its groups compose).
 * The new model shares the parent's tensors: dispose one of the two, not both.
 */
export function reduceTopics(parent: Pick<SavedModel, 'model'>, parentDigest: string, K2: number, trainingTheta?: TrainingTheta): ReducedModel {
  const current = parent.model;
  const K = current.numTopics;
  if (!Number.isInteger(K2) || K2 < 2 || K2 >= K) throw new ConfigError(`--topics ${K2}: a reduced model has from 2 to ${K - 1} topics (this model has ${K})`, 'topics');
  const weights = trainingTheta ? topicShares(trainingTheta.theta) : new Array<number>(K).fill(1 / K);
  const { groupOf, merges } = mergeClosestTopics(current.topicWordDistribution(), weights, K2);
  const groups: number[][] = Array.from({ length: K2 }, () => []);
  groupOf.forEach((j, k) => groups[j].push(k));
  // a merged parent: compose the groups over its base, keep its base topics' weights
  const base: TopicModel = current instanceof MergedTopicModel ? current.base : current;
  const baseGroupOf = current instanceof MergedTopicModel ? current.groupOf.map((j) => groupOf[j]) : groupOf;
  const baseWeights = current instanceof MergedTopicModel ? [...current.weights] : weights;
  const { kind: baseKind, options: baseOptions, ...shape } = base.config;
  const config = resolveModelConfig({ ...shape, kind: MERGED_KIND, numTopics: K2, options: mergedOptions(baseKind, baseGroupOf, baseWeights, baseOptions) });
  const model = new MergedTopicModel(config, base, baseGroupOf, baseWeights);
  const record: ReducedRecord = { parent: parentDigest, from: K, topics: K2, groups, distances: merges.map((m) => m.distance), weights: trainingTheta ? 'training θ' : 'equal' };
  return { model, record, ...(trainingTheta ? { trainingTheta: { ...trainingTheta, theta: mergeThetaColumns(trainingTheta.theta, groupOf, K2) } } : {}) };
}

/** Each topic's share of the documents: θ's column means (floored at 1e-12, so none weighs nothing). */
function topicShares(theta: Float32Matrix): number[] {
  const share = new Array<number>(theta.cols).fill(0);
  for (let n = 0; n < theta.rows; n++) for (let k = 0; k < theta.cols; k++) share[k] += theta.data[n * theta.cols + k];
  return share.map((s) => Math.max(s / Math.max(1, theta.rows), 1e-12));
}

/** θ of the training documents saved beside a model folder (theta.npy + theta.json) when it is this model's (K columns), or undefined. */
export function readTrainingTheta(dir: string, K: number): TrainingTheta | undefined {
  const saved = loadTheta(dir);
  if (!saved || saved.theta.cols !== K) return undefined; // not this model's: weigh equally
  return { theta: saved.theta, kept: saved.documents, corpusDocuments: saved.corpusDocuments, samples: saved.samples };
}
