import type { Variable } from '../tfjs/tf.js';
import { ConfigError } from '../errors.js';
import { isNeuralTopicModel, isSelfTrainedTopicModel, type FitReport, type ModelInputs, type ModelOptions, type RunningStat, type SelfTrainedTopicModel, type TopicModel, type TopicModelConfig, type TopicModelFactory } from '../contracts/topic-model.js';
import { topWordsPerRow, type Float32Matrix } from '../util/matrix.js';
import { inferTheta } from './infer-topics.js';

/** The kind of a model whose topics are groups of another model's topics (`topickd reduce`). */
export const MERGED_KIND = 'merged';

/**
 * A trained model with some of its topics merged (BERTopic's `reduce_topics`, for any kind):
 * θ of a document is the base model's θ with each group's columns summed; a merged topic's word
 * distribution is its members' distributions averaged, weighted by their prevalence in the
 * training documents. Saved as the base model's weights with a config of kind "merged" whose
 * options name the base kind, the group of every base topic and the weights, so it loads,
 * infers, teaches and exports wherever its base kind does.
 */
export class MergedTopicModel implements SelfTrainedTopicModel {
  readonly kind = MERGED_KIND;
  private distribution?: Float32Matrix;

  constructor(
    readonly config: TopicModelConfig,
    readonly base: TopicModel,
    /** The merged topic of each base topic. */
    readonly groupOf: readonly number[],
    /** Each base topic's weight within its group (its share of the training documents). */
    readonly weights: readonly number[],
  ) {}

  get numTopics(): number {
    return this.config.numTopics;
  }
  get needsBow(): boolean {
    return this.base.needsBow;
  }
  /** The base model's parameters: a merged model's weights file is its base's. */
  get params(): Map<string, Variable> {
    return this.base.params;
  }
  get running(): Map<string, RunningStat> {
    return this.base.running;
  }
  paramCount(): number {
    return this.base.paramCount();
  }

  /** The base topics of each merged topic. */
  groups(): number[][] {
    const g: number[][] = Array.from({ length: this.numTopics }, () => []);
    this.groupOf.forEach((j, k) => g[j].push(k));
    return g;
  }

  topicWordDistribution(): Float32Matrix {
    if (this.distribution) return this.distribution;
    const base = this.base.topicWordDistribution();
    const V = base.cols;
    const out = new Float64Array(this.numTopics * V);
    const total = new Float64Array(this.numTopics);
    this.groupOf.forEach((j, k) => {
      const w = this.weights[k];
      total[j] += w;
      for (let v = 0; v < V; v++) out[j * V + v] += w * base.data[k * V + v];
    });
    const data = new Float32Array(out.length);
    for (let j = 0; j < this.numTopics; j++) for (let v = 0; v < V; v++) data[j * V + v] = out[j * V + v] / total[j];
    this.distribution = { rows: this.numTopics, cols: V, data };
    return this.distribution;
  }

  /** log of the merged word distributions (softmax of a row is that topic's distribution). */
  beta(): Float32Matrix {
    const d = this.topicWordDistribution();
    return { rows: d.rows, cols: d.cols, data: d.data.map((p) => Math.log(Math.max(p, 1e-30))) };
  }

  topics(vocabulary: readonly string[], topn = 10): string[][] {
    return topWordsPerRow(this.topicWordDistribution(), vocabulary, topn);
  }

  fit(): Promise<FitReport> {
    throw new ConfigError('a merged model is made from a trained model by `topickd reduce` (or `tkd.reduce`); it is not trained itself — train its base kind, then reduce it', 'model');
  }

  /** The base model's θ (its own inference, same seed and samples) with each group's columns summed. */
  inferTheta(inputs: Partial<ModelInputs>, options: { seed?: number; offset?: number; samples?: number }): Float32Matrix {
    const b = this.base;
    let theta: Float32Matrix;
    if (isSelfTrainedTopicModel(b)) theta = b.inferTheta(inputs, options);
    else if (isNeuralTopicModel(b)) theta = inferTheta(b, { bow: inputs.bow, embeddings: inputs.embeddings ?? { rows: inputs.bow?.rows ?? 0, cols: 0, data: new Float32Array(0) } }, { seed: options.seed, offset: options.offset, samples: options.samples });
    else throw new ConfigError(`the base model of kind "${b.kind}" has no way to infer θ`, 'model');
    return mergeThetaColumns(theta, this.groupOf, this.numTopics);
  }

  dispose(): void {
    this.base.dispose();
  }
}

/** θ (N×K) with base topic k's column added into merged topic groupOf[k]'s (N×K2). */
export function mergeThetaColumns(theta: Float32Matrix, groupOf: readonly number[], K2: number): Float32Matrix {
  const { rows: N, cols: K } = theta;
  if (groupOf.length !== K) throw new ConfigError(`θ has ${K} topics, the merge names ${groupOf.length}`, 'model');
  const out = new Float32Array(N * K2);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) out[n * K2 + groupOf[k]] += theta.data[n * K + k];
  return { rows: N, cols: K2, data: out };
}

/** The options a merged model's config records (its base kind, groups, weights and the base's own options as `base.NAME`). */
export function mergedOptions(baseKind: string, groupOf: readonly number[], weights: readonly number[], baseOptions: ModelOptions = {}): ModelOptions {
  return { base: baseKind, groups: groupOf.join(','), weights: weights.map((w) => String(w)).join(','), ...Object.fromEntries(Object.entries(baseOptions).map(([k, v]) => [`base.${k}`, v])) };
}

/** A merged config's base: its kind, its own options, its topic count; the groups and weights, checked. */
export function parseMergedConfig(config: Omit<TopicModelConfig, 'kind'>): { base: TopicModelConfig; groupOf: number[]; weights: number[] } {
  const o = config.options ?? {};
  if (o.base === undefined && o.groups === undefined) throw new ConfigError('a merged model is made from a trained model by `topickd reduce` (or `tkd.reduce`), not trained: train its base kind (combined, zeroshot, …), then reduce it', 'model');
  const bad = (what: string) => new ConfigError(`a merged model's options ${what}; the model folder is damaged — run topickd reduce again`, 'modelOptions');
  if (typeof o.base !== 'string' || o.base === MERGED_KIND) throw bad('must name its base kind ("base")');
  if (typeof o.groups !== 'string' || typeof o.weights !== 'string') throw bad('must hold "groups" and "weights"');
  const groupOf = o.groups.split(',').map(Number);
  const weights = o.weights.split(',').map(Number);
  const K = groupOf.length;
  if (K < config.numTopics || K > 100_000 || weights.length !== K) throw bad(`hold ${K} groups and ${weights.length} weights for ${config.numTopics} topics`);
  if (!groupOf.every((j) => Number.isInteger(j) && j >= 0 && j < config.numTopics)) throw bad('put a topic outside the merged model\'s');
  if (new Set(groupOf).size !== config.numTopics) throw bad('leave a merged topic empty');
  if (!weights.every((w) => Number.isFinite(w) && w > 0)) throw bad('hold a weight that is not a positive number');
  const baseOptions = Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith('base.')).map(([k, v]) => [k.slice(5), v]));
  const base: TopicModelConfig = { ...config, kind: o.base, numTopics: K, ...(Object.keys(baseOptions).length ? { options: baseOptions } : {}) };
  if (!Object.keys(baseOptions).length) delete base.options;
  return { base, groupOf, weights };
}

/** The factory of merged models, over the model kinds a registry (or a list) knows. */
export function mergedModelFactory(baseFactory: (kind: string) => TopicModelFactory | undefined): TopicModelFactory {
  const baseOf = (config: Omit<TopicModelConfig, 'kind'>) => {
    const parsed = parseMergedConfig(config);
    const factory = baseFactory(parsed.base.kind);
    if (!factory) throw new ConfigError(`a merged model's base kind "${parsed.base.kind}" is not registered here; load it with the plugin that defines it`, 'model');
    return { ...parsed, factory };
  };
  return {
    name: MERGED_KIND,
    description: 'topics of another model merged into fewer (topickd reduce)',
    needsBow: false,
    needsEmbeddings: true,
    create(config, seed) {
      const { base, groupOf, weights, factory } = baseOf(config);
      const { kind: _k, ...shape } = base;
      const model = factory.create(shape, seed);
      return new MergedTopicModel({ ...config, kind: MERGED_KIND }, model, groupOf, weights);
    },
    weightFloats(config) {
      const { base, factory } = baseOf(config);
      const { kind: _k, ...shape } = base;
      return factory.weightFloats(shape);
    },
  };
}

/** Jensen–Shannon distance between two distributions, logarithms to `base` (default 2: the distance is in [0, 1]). */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>, base = 2): number {
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) js += 0.5 * p[i] * Math.log(p[i] / m);
    if (q[i] > 0) js += 0.5 * q[i] * Math.log(q[i] / m);
  }
  return Math.sqrt(Math.max(0, js / Math.log(base)));
}

/**
 * Merges K topics into K2 (agglomerative): repeatedly the two closest groups by the
 * Jensen–Shannon distance of their word distributions, a group's distribution being its
 * members' averaged by weight. Merged topics are numbered by their smallest member. Returns
 * each base topic's group and the distance of every merge, in order.
 */
export function mergeClosestTopics(topicWord: Float32Matrix, weights: readonly number[], K2: number): { groupOf: number[]; merges: { topics: [number[], number[]]; distance: number }[] } {
  const { rows: K, cols: V } = topicWord;
  if (!Number.isInteger(K2) || K2 < 2 || K2 >= K) throw new ConfigError(`reduce to K = ${K2} topics: choose an integer from 2 to ${K - 1} (the model has ${K})`, 'topics');
  const groups: ({ members: number[]; dist: Float64Array; weight: number } | null)[] = Array.from({ length: K }, (_, k) => ({
    members: [k],
    dist: Float64Array.from(topicWord.data.subarray(k * V, (k + 1) * V)),
    weight: weights[k],
  }));
  const d = Array.from({ length: K }, () => new Float64Array(K));
  for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) d[a][b] = d[b][a] = jensenShannonDistance(groups[a]!.dist, groups[b]!.dist);
  const merges: { topics: [number[], number[]]; distance: number }[] = [];
  for (let live = K; live > K2; live--) {
    let best = [-1, -1];
    let bestD = Infinity;
    for (let a = 0; a < K; a++) {
      if (!groups[a]) continue;
      for (let b = a + 1; b < K; b++) if (groups[b] && d[a][b] < bestD) [bestD, best] = [d[a][b], [a, b]];
    }
    const [a, b] = best;
    const ga = groups[a]!;
    const gb = groups[b]!;
    merges.push({ topics: [[...ga.members], [...gb.members]], distance: bestD });
    const w = ga.weight + gb.weight;
    const dist = new Float64Array(V);
    for (let v = 0; v < V; v++) dist[v] = (ga.weight * ga.dist[v] + gb.weight * gb.dist[v]) / w;
    groups[a] = { members: [...ga.members, ...gb.members].sort((x, y) => x - y), dist, weight: w };
    groups[b] = null;
    for (let c = 0; c < K; c++) if (c !== a && groups[c]) d[a][c] = d[c][a] = jensenShannonDistance(dist, groups[c]!.dist);
  }
  const live = groups.filter((g): g is NonNullable<typeof g> => g !== null).sort((x, y) => x.members[0] - y.members[0]);
  const groupOf = new Array<number>(K);
  live.forEach((g, j) => g.members.forEach((k) => (groupOf[k] = j)));
  return { groupOf, merges };
}
