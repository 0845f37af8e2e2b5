import { UMAP } from 'umap-js';
import { kmeans } from 'ml-kmeans';
import {
  ConfigError,
  DataError,
  Random,
  gatherRows,
  tf,
  type FitReport,
  type Float32Matrix,
  type ModelInputs,
  type SelfFitEvent,
  type SelfTrainedTopicModel,
  type TopicModelConfig,
  type TopicModelFactory,
} from '@topickd/core';
import { uniqueVariableName, WeightedTopicsModel } from '../model-parts.js';
import { classTfidf } from './class-tfidf.js';

/** BERTopic's own settings (`config.options`); BERTopic's defaults. */
export interface BerTopicOptions {
  /** UMAP's neighbourhood size (default 15). */
  nNeighbors?: number;
  /** UMAP's output dimensions (default 5). */
  nComponents?: number;
  /** UMAP's minimum distance (default 0). */
  minDist?: number;
  /** Temperature τ of θ = softmax(cos(e, centroid) / τ) (default 0.05). */
  temperature?: number;
}

const OPTION_CHECKS: Record<keyof BerTopicOptions, (v: number) => boolean> = {
  nNeighbors: (v) => Number.isInteger(v) && v >= 2,
  nComponents: (v) => Number.isInteger(v) && v >= 1,
  minDist: (v) => v >= 0,
  temperature: (v) => v > 0,
};

export function berTopicSettingsOf(config: Pick<TopicModelConfig, 'options'>): Required<BerTopicOptions> {
  const o = config.options ?? {};
  for (const [k, v] of Object.entries(o)) {
    const check = OPTION_CHECKS[k as keyof BerTopicOptions];
    if (!check) throw new ConfigError(`unknown BERTopic option "${k}"; BERTopic takes: ${Object.keys(OPTION_CHECKS).join(', ')}`, `modelOptions.${k}`);
    if (typeof v !== 'number' || !check(v)) throw new ConfigError(`BERTopic option "${k}" has an invalid value ${JSON.stringify(v)}`, `modelOptions.${k}`);
  }
  const n = (k: keyof BerTopicOptions, d: number) => (o[k] as number | undefined) ?? d;
  return { nNeighbors: n('nNeighbors', 15), nComponents: n('nComponents', 5), minDist: n('minDist', 0), temperature: n('temperature', 0.05) };
}

function cosineDistance(x: number[], y: number[]): number {
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i++) {
    dot += x[i] * y[i];
    nx += x[i] * x[i];
    ny += y[i] * y[i];
  }
  return nx === 0 || ny === 0 ? 1 : 1 - dot / Math.sqrt(nx * ny);
}

/**
 * The clustering approach of BERTopic (Grootendorst 2022) with K given: document embeddings
 * reduced by UMAP (umap-js; cosine metric, 15 neighbours, 5 dimensions, min_dist 0 — BERTopic's
 * defaults), clustered by k-means (ml-kmeans, k-means++ seeded) into K clusters — BERTopic's
 * choice when the number of topics is fixed — and each topic's words ranked by class-based
 * TF-IDF over the bag of words.
 *
 * θ of a document is its soft assignment: softmax over topics of the cosine similarity between
 * its embedding and each topic's centroid (the normalised mean embedding of its documents),
 * divided by τ. It needs the embedding only, so new documents get θ without the UMAP model.
 *
 * Saved parameters: `centroids` (K×E) and `ctfidf` (K×V, the c-TF-IDF weights).
 */
export class BerTopic extends WeightedTopicsModel implements SelfTrainedTopicModel {
  readonly config: TopicModelConfig;
  readonly kind = 'bertopic';
  readonly numTopics: number;
  readonly needsBow = false;
  readonly settings: Required<BerTopicOptions>;

  constructor(config: TopicModelConfig) {
    super();
    this.config = { ...config, kind: 'bertopic' };
    this.numTopics = config.numTopics;
    this.settings = berTopicSettingsOf(config);
    if (!(config.embeddingDim > 0)) throw new ConfigError('BERTopic clusters document embeddings: "embeddingDim" must be a positive integer', 'embeddingDim');
    const { numTopics: K, vocabSize: V, embeddingDim: E } = config;
    this.params.set('centroids', tf.variable(tf.zeros([K, E]), false, uniqueVariableName('bertopic.centroids')));
    this.params.set('ctfidf', tf.variable(tf.zeros([K, V]), false, uniqueVariableName('bertopic.ctfidf')));
  }


  async fit(inputs: ModelInputs, options: { seed: number; onEvent?: (e: SelfFitEvent) => void; signal?: AbortSignal }): Promise<FitReport> {
    const { bow, embeddings } = inputs;
    const { numTopics: K, embeddingDim: E, vocabSize: V } = this.config;
    const N = bow.rows;
    if (embeddings.rows !== N || embeddings.cols !== E) throw new DataError(`BERTopic needs one ${E}-dimensional embedding per document, got ${embeddings.rows}×${embeddings.cols} for ${N} documents`, 'DIMENSION_MISMATCH');
    if (N <= this.settings.nNeighbors) throw new DataError(`BERTopic's UMAP needs more documents (${N}) than neighbours (${this.settings.nNeighbors}); lower the option nNeighbors`, 'EMPTY_CORPUS');
    if (N < K) throw new DataError(`${N} documents cannot form K = ${K} clusters`, 'EMPTY_CORPUS');
    const t0 = performance.now();
    const flat = gatherRows(embeddings, Int32Array.from({ length: N }, (_, i) => i));
    const rows = Array.from({ length: N }, (_, i) => Array.from(flat.subarray(i * E, (i + 1) * E)));
    const rng = new Random(options.seed);
    const umap = new UMAP({ nNeighbors: this.settings.nNeighbors, nComponents: this.settings.nComponents, minDist: this.settings.minDist, distanceFn: cosineDistance, random: () => rng.next() });
    const reduced = await umap.fitAsync(rows, () => {
      if (options.signal?.aborted) return false;
      return true;
    });
    options.signal?.throwIfAborted();
    const clustering = kmeans(reduced, K, { seed: options.seed, initialization: 'kmeans++', maxIterations: 300 });
    const labels = Int32Array.from(clustering.clusters);
    // the clustering's objective: mean squared distance to the cluster centre in UMAP space
    let inertia = 0;
    for (let i = 0; i < N; i++) {
      const c = clustering.centroids[labels[i]];
      for (let j = 0; j < c.length; j++) inertia += (reduced[i][j] - c[j]) ** 2;
    }
    inertia /= N;
    // topic centroids in the embedding space, normalised
    const centroids = new Float32Array(K * E);
    for (let i = 0; i < N; i++) for (let j = 0; j < E; j++) centroids[labels[i] * E + j] += flat[i * E + j];
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < E; j++) s += centroids[k * E + j] ** 2;
      const norm = Math.sqrt(s) || 1;
      for (let j = 0; j < E; j++) centroids[k * E + j] /= norm;
    }
    const weights = Float32Array.from(classTfidf(bow, labels, K));
    tf.tidy(() => {
      this.params.get('centroids')!.assign(tf.tensor2d(centroids, [K, E]));
      this.params.get('ctfidf')!.assign(tf.tensor2d(weights, [K, V]));
    });
    const seconds = (performance.now() - t0) / 1000;
    options.onEvent?.({ type: 'epoch', epoch: 1, epochs: 1, loss: inertia, seconds, docsPerSecond: N / seconds });
    return { epochs: 1, finalLoss: inertia, lossHistory: [inertia], valHistory: [], seconds, docsPerSecond: N / seconds };
  }

  /** The topics' weights: their c-TF-IDF (topic words rank by it). */
  protected topicWeights(): Float32Array {
    return this.params.get('ctfidf')!.dataSync() as Float32Array;
  }

  /** θ = softmax_k(cos(e_d, centroid_k) / τ). */
  inferTheta(inputs: Partial<ModelInputs>, _options: { seed?: number }): Float32Matrix {
    const e = inputs.embeddings;
    const { numTopics: K, embeddingDim: E } = this.config;
    if (!e || e.cols !== E) throw new DataError(`BERTopic infers θ from ${E}-dimensional document embeddings; embed the documents with the model's encoder`, 'DIMENSION_MISMATCH');
    const N = e.rows;
    const out = new Float32Array(N * K);
    const c = this.params.get('centroids')!.dataSync() as Float32Array;
    const tau = this.settings.temperature;
    const rows = gatherRows(e, Int32Array.from({ length: N }, (_, i) => i));
    const s = new Float64Array(K);
    for (let i = 0; i < N; i++) {
      let n = 0;
      for (let j = 0; j < E; j++) n += rows[i * E + j] ** 2;
      n = Math.sqrt(n) || 1;
      let m = -Infinity;
      for (let k = 0; k < K; k++) {
        let dot = 0;
        for (let j = 0; j < E; j++) dot += rows[i * E + j] * c[k * E + j];
        s[k] = dot / n / tau;
        if (s[k] > m) m = s[k];
      }
      let z = 0;
      for (let k = 0; k < K; k++) z += (s[k] = Math.exp(s[k] - m));
      for (let k = 0; k < K; k++) out[i * K + k] = s[k] / z;
    }
    return { rows: N, cols: K, data: out };
  }




}


export const berTopicFactory = {
  name: 'bertopic',
  description: "BERTopic's clustering approach (Grootendorst 2022): UMAP + k-means on document embeddings, topic words by class-based TF-IDF",
  needsBow: false,
  create: (config: Omit<TopicModelConfig, 'kind'>): BerTopic => new BerTopic({ ...config, kind: 'bertopic' }),
  /** The centroids (K×E) and the c-TF-IDF (K×V): what a saved model holds, for the loader's size check. */
  weightFloats: (config: Omit<TopicModelConfig, 'kind'>): number => config.numTopics * (config.embeddingDim + config.vocabSize),
} satisfies TopicModelFactory;
