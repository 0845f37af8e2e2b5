import {
  ConfigError,
  Random,
  yieldToEventLoop,
  tf,
  type CsrMatrix,
  type FitReport,
  type Float32Matrix,
  type ModelInputs,
  type ModelOptions,
  type SelfFitEvent,
  type SelfTrainedTopicModel,
  type TopicModelConfig,
  type TopicModelFactory,
} from '@topickd/core';
import { uniqueVariableName, WeightedTopicsModel } from '../model-parts.js';
import { OnlineLdaState, type OnlineLdaSettings } from './online-vb.js';

/** LDA's own settings (`config.options`); every one optional. */
export interface LdaOptions {
  /** Passes over the corpus (default 10; gensim's default of 1 makes too few updates on corpora of this size, as gensim itself warns). */
  passes?: number;
  /** Most E-step iterations per document (default 50, as gensim). */
  iterations?: number;
  /** Documents per online update (default 2000, as gensim). */
  chunksize?: number;
  /** κ of ρ = (τ₀ + t)^−κ, in (0.5, 1] (default 0.5, as gensim). */
  decay?: number;
  /** τ₀ (default 1, as gensim). */
  offset?: number;
  /** E-step stops when γ's mean absolute change is below this (default 0.001, as gensim). */
  gammaThreshold?: number;
  /** Symmetric document-topic prior (default 1/K). */
  alpha?: number;
  /** Symmetric topic-word prior (default 1/K). */
  eta?: number;
}

const LDA_OPTION_KINDS: Record<keyof LdaOptions, 'count' | 'positive'> = {
  passes: 'count',
  iterations: 'count',
  chunksize: 'count',
  decay: 'positive',
  offset: 'positive',
  gammaThreshold: 'positive',
  alpha: 'positive',
  eta: 'positive',
};

/** LDA's settings from a model config: gensim's defaults (passes 10), checked. */
export function ldaSettingsOf(config: Pick<TopicModelConfig, 'numTopics' | 'vocabSize' | 'options'>): OnlineLdaSettings {
  const o = (config.options ?? {}) as ModelOptions;
  for (const [k, v] of Object.entries(o)) {
    const kind = LDA_OPTION_KINDS[k as keyof LdaOptions];
    if (!kind) throw new ConfigError(`unknown LDA option "${k}"; LDA takes: ${Object.keys(LDA_OPTION_KINDS).join(', ')}`, `modelOptions.${k}`);
    if (typeof v !== 'number' || !(v > 0) || (kind === 'count' && !Number.isInteger(v))) {
      throw new ConfigError(`LDA option "${k}" must be a ${kind === 'count' ? 'positive integer' : 'positive number'}, got ${JSON.stringify(v)}`, `modelOptions.${k}`);
    }
  }
  const num = (k: keyof LdaOptions, d: number) => (o[k] as number | undefined) ?? d;
  const s: OnlineLdaSettings = {
    numTopics: config.numTopics,
    vocabSize: config.vocabSize,
    alpha: num('alpha', 1 / config.numTopics),
    eta: num('eta', 1 / config.numTopics),
    passes: num('passes', 10),
    iterations: num('iterations', 50),
    chunksize: num('chunksize', 2000),
    decay: num('decay', 0.5),
    offset: num('offset', 1),
    gammaThreshold: num('gammaThreshold', 0.001),
  };
  if (s.decay <= 0.5 - 1e-12 || s.decay > 1) throw new ConfigError(`LDA option "decay" must be in [0.5, 1] for online VB to converge, got ${s.decay}`, 'modelOptions.decay');
  return s;
}

/**
 * Latent Dirichlet Allocation by online variational Bayes — the algorithm of gensim's
 * `LdaModel` (see `OnlineLdaState`). A self-trained model: `fit` runs the passes, θ of any
 * documents is the E-step's γ normalised (gensim's `get_document_topics` without its
 * probability cut-off). Reads the bag of words only: no encoder runs for it.
 *
 * Saved parameters: `lambda` (K×V, the variational topic-word Dirichlet) and `alpha` (K).
 */
export class OnlineLda extends WeightedTopicsModel implements SelfTrainedTopicModel {
  readonly config: TopicModelConfig;
  readonly kind = 'lda';
  readonly numTopics: number;
  readonly needsBow = true;
  readonly settings: OnlineLdaSettings;

  constructor(config: TopicModelConfig) {
    super();
    this.config = { ...config, kind: 'lda' };
    this.numTopics = config.numTopics;
    this.settings = ldaSettingsOf(config);
    const K = config.numTopics;
    const V = config.vocabSize;
    this.params.set('lambda', tf.variable(tf.fill([K, V], this.settings.eta), false, uniqueVariableName('lda.lambda')));
    this.params.set('alpha', tf.variable(tf.fill([K], this.settings.alpha), false, uniqueVariableName('lda.alpha')));
  }


  /** The topics' weights: λ (K×V, topic-major), normalised by the base class into E[β]. */
  protected topicWeights(): Float32Array {
    return this.lambdaTopicMajor();
  }

  /** λ as stored (K×V, topic-major). */
  private lambdaTopicMajor(): Float32Array {
    return this.params.get('lambda')!.dataSync() as Float32Array;
  }

  /** The training state for the saved λ (word-major), for the E-step on new documents. */
  state(seed: number): OnlineLdaState {
    const { numTopics: K, vocabSize: V } = this.config;
    const lam = this.lambdaTopicMajor();
    const wordMajor = new Float64Array(K * V);
    for (let k = 0; k < K; k++) for (let w = 0; w < V; w++) wordMajor[w * K + k] = lam[k * V + w];
    const rng = new Random(seed);
    return new OnlineLdaState({ ...this.settings, alpha: this.alphaValue() }, () => rng.next(), wordMajor);
  }

  private alphaValue(): number {
    return (this.params.get('alpha')!.dataSync() as Float32Array)[0];
  }

  async fit(inputs: ModelInputs, options: { seed: number; onEvent?: (e: SelfFitEvent) => void; signal?: AbortSignal }): Promise<FitReport> {
    const { bow } = inputs;
    const rng = new Random(options.seed);
    const state = new OnlineLdaState(this.settings, () => rng.next());
    const t0 = performance.now();
    const lossHistory: number[] = [];
    const { passes } = this.settings;
    let tPass = t0;
    for (let p = 0; p < passes; p++) {
      options.signal?.throwIfAborted();
      const docBound = state.pass(bow, p);
      // the pass's ELBO estimate: each chunk under the topics it was inferred with, plus the topic part now
      const loss = -(docBound + state.topicBound()) / bow.rows;
      lossHistory.push(loss);
      const now = performance.now();
      options.onEvent?.({ type: 'epoch', epoch: p + 1, epochs: passes, loss, seconds: (now - tPass) / 1000, docsPerSecond: bow.rows / ((now - tPass) / 1000) });
      tPass = now;
      await yieldToEventLoop();
    }
    this.setLambda(state.lambda());
    const seconds = (performance.now() - t0) / 1000;
    return { epochs: passes, finalLoss: lossHistory[lossHistory.length - 1], lossHistory, valHistory: [], seconds, docsPerSecond: (bow.rows * passes) / seconds };
  }

  /** Stores λ (given word-major, V×K) as the `lambda` parameter (K×V). */
  private setLambda(wordMajor: Float64Array): void {
    const { numTopics: K, vocabSize: V } = this.config;
    const out = new Float32Array(K * V);
    for (let k = 0; k < K; k++) for (let w = 0; w < V; w++) out[k * V + w] = wordMajor[w * K + k];
    tf.tidy(() => this.params.get('lambda')!.assign(tf.tensor2d(out, [K, V])));
  }

  /**
   * θ = γ / Σγ from the E-step on each document; γ's initial draws are seeded per document
   * (seed, offset + index), so a document's θ does not depend on the others given with it.
   */
  inferTheta(inputs: Partial<ModelInputs>, options: { seed?: number; offset?: number }): Float32Matrix {
    const bow = inputs.bow as CsrMatrix;
    const K = this.numTopics;
    const seed = options.seed ?? 0;
    const offset = options.offset ?? 0;
    const state = this.state(seed);
    const gamma = new Float64Array(bow.rows * K);
    state.eStep(bow, 0, bow.rows, gamma, undefined, (d) => {
      const rng = new Random(documentSeed(seed, offset + d));
      state.reseed(() => rng.next());
    });
    const data = new Float32Array(bow.rows * K);
    for (let d = 0; d < bow.rows; d++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += gamma[d * K + k];
      for (let k = 0; k < K; k++) data[d * K + k] = gamma[d * K + k] / s;
    }
    return { rows: bow.rows, cols: K, data };
  }

  /** The evidence lower bound of a corpus under the model (a fresh E-step; gensim's `bound`). */
  elbo(bow: CsrMatrix, seed = 0): number {
    return this.state(seed).bound(bow);
  }




}


/** A seed per (run seed, document index): documents get independent, reproducible draws. */
function documentSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

export const ldaFactory = {
  name: 'lda',
  description: "LDA by online variational Bayes (Hoffman et al. 2010), gensim LdaModel's algorithm; reads the bag of words only",
  needsBow: true,
  needsEmbeddings: false,
  create: (config: Omit<TopicModelConfig, 'kind'>): OnlineLda => new OnlineLda({ ...config, kind: 'lda' }),
  /** λ (K×V) and α (K): what a saved LDA holds, for the loader's size check. */
  weightFloats: (config: Omit<TopicModelConfig, 'kind'>): number => config.numTopics * (config.vocabSize + 1),
} satisfies TopicModelFactory;
