import { tf, type Tensor2D } from '../tfjs/tf.js';
import type { ModelOutputs } from '../contracts/distillation-loss.js';
import type { BackendKernels } from '../contracts/backend.js';
import type { Batch, GaussianPrior, OutputGradients, RunningStat, NeuralTopicModel, TopicModelConfig, TrainForward } from '../contracts/topic-model.js';
import { ConfigError, DataError } from '../errors.js';
import { Random } from '../util/random.js';
import { topWordsPerRow, type Float32Matrix } from '../util/matrix.js';
import { BN_EPS, sampleTheta } from './fused-ops.js';
import { backward, forwardTrainWithCache, type ForwardCache, type InputLayout } from './manual-gradients.js';

export type { InputLayout } from './manual-gradients.js';

export type { Batch, TopicModelConfig, TopicModelKind, TrainForward } from '../contracts/topic-model.js';

/** The input layouts of core's own kinds; a plugin kind passes its layout to the constructor. */
export const BUILTIN_LAYOUTS: Readonly<Record<string, InputLayout>> = Object.freeze({ combined: 'bow+embedding', zeroshot: 'embedding' });

export const DEFAULT_MODEL_CONFIG = { hiddenSizes: [100, 100], dropout: 0.2, learnPriors: true } as const;

export function resolveModelConfig(c: Partial<TopicModelConfig> & Pick<TopicModelConfig, 'kind' | 'numTopics' | 'vocabSize' | 'embeddingDim'>): TopicModelConfig {
  const cfg: TopicModelConfig = {
    kind: c.kind,
    numTopics: c.numTopics,
    vocabSize: c.vocabSize,
    embeddingDim: c.embeddingDim,
    hiddenSizes: c.hiddenSizes ? [...c.hiddenSizes] : [...DEFAULT_MODEL_CONFIG.hiddenSizes],
    dropout: c.dropout ?? DEFAULT_MODEL_CONFIG.dropout,
    learnPriors: c.learnPriors ?? DEFAULT_MODEL_CONFIG.learnPriors,
  };
  if (c.options !== undefined) {
    if (typeof c.options !== 'object' || c.options === null || Array.isArray(c.options)) throw new ConfigError(`"options" (the model kind's own settings) must be an object, got ${JSON.stringify(c.options)}`, 'modelOptions');
    for (const [k, v] of Object.entries(c.options)) {
      if (!['number', 'string', 'boolean'].includes(typeof v) || (typeof v === 'number' && !Number.isFinite(v))) {
        throw new ConfigError(`model option "${k}" must be a finite number, a string or a boolean, got ${JSON.stringify(v)}`, `modelOptions.${k}`);
      }
    }
    if (Object.keys(c.options).length) cfg.options = { ...c.options };
  }
  if (typeof cfg.kind !== 'string' || !/^[a-z][a-z0-9-]{0,63}$/.test(cfg.kind)) {
    throw new ConfigError(`model kind must be a registered name such as "combined" or "zeroshot" (lower-case letters, digits, "-"), got ${JSON.stringify(cfg.kind)}`, 'model');
  }
  const posInt = (k: string, v: number) => {
    if (!Number.isInteger(v) || v <= 0) throw new ConfigError(`"${k}" must be a positive integer, got ${JSON.stringify(v)}`, k);
  };
  posInt('topics', cfg.numTopics);
  if (cfg.numTopics < 2) {
    // one topic explains every document the same way; for the VAEs the prior's variance 1 − 1/K would be 0
    throw new ConfigError(`a topic model needs at least 2 topics, got K = ${cfg.numTopics}; choose --topics 2 or more`, 'topics');
  }
  posInt('vocabSize', cfg.vocabSize);
  if (!Number.isInteger(cfg.embeddingDim) || cfg.embeddingDim < 0) throw new ConfigError(`"embeddingDim" must be an integer ≥ 0 (0: a model that reads no embeddings), got ${JSON.stringify(cfg.embeddingDim)}`, 'embeddingDim');
  cfg.hiddenSizes.forEach((h) => posInt('hidden', h));
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) throw new ConfigError(`"dropout" must be in [0, 1), got ${cfg.dropout}`, 'dropout');
  if (cfg.vocabSize < 2) throw new DataError(`the vocabulary has ${cfg.vocabSize} word(s); a topic model needs at least 2`, 'EMPTY_CORPUS');
  if (cfg.numTopics > cfg.vocabSize) {
    throw new ConfigError(`K = ${cfg.numTopics} topics is more than the ${cfg.vocabSize}-word vocabulary; choose K ≤ ${cfg.vocabSize}`, 'topics');
  }
  return cfg;
}

/**
 * How many float32 values a saved ContextualTopicModel of this config holds (parameters and
 * batch-norm statistics), computed without building it: what the loader compares with the
 * weights file before any tensor is allocated. Mirrors the constructor below (a test checks).
 */
export function contextualWeightFloats(config: Pick<TopicModelConfig, 'numTopics' | 'vocabSize' | 'embeddingDim' | 'hiddenSizes'>, input: InputLayout): number {
  const { numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes } = config;
  const linear = (fanIn: number, fanOut: number) => fanIn * fanOut + fanOut;
  let n = 0;
  let inDim = input === 'bow' ? V : E;
  if (input === 'bow+embedding') {
    n += linear(E, V);
    inDim = 2 * V;
  }
  let prev = inDim;
  for (const h of hiddenSizes) {
    n += linear(prev, h);
    prev = h;
  }
  n += 2 * linear(prev, K) + K * V + 2 * K; // mu, logvar, beta, prior mean and variance
  return n + 2 * (K + K + V); // running mean and variance of the mu, logvar and beta batch norms
}

/** Batch-norm epsilon and running-statistics momentum, as PyTorch's BatchNorm1d. */
const BN_MOMENTUM = 0.1;

/**
 * CombinedTM / ZeroShotTM (Bianchi et al. 2021) with the prodLDA decoder
 * (Srivastava & Sutton 2017), as in the reference CTM library:
 *
 *   inference:  [x, W·e] (combined) or e (zeroshot) → softplus layers → dropout
 *               → μ = BN(Linear(h)), log σ² = BN(Linear(h))       (BN without affine)
 *   sample:     z = μ + σ·ε, θ = dropout(softmax(z))
 *   decoder:    p(w|d) = softmax(BN(θ β))
 *   loss/doc:   −Σ x log p + KL(N(μ, σ²) ‖ N(μ₀, σ₀²)), prior learnable (μ₀ = 0, σ₀² = 1 − 1/K)
 */
export class ContextualTopicModel implements NeuralTopicModel {
  readonly config: TopicModelConfig;
  /** What the inference network reads (from the kind for core's kinds). */
  readonly input: InputLayout;
  /** Trainable parameters by name, in a fixed order (save/load and parameter counts use it). */
  readonly params: Map<string, tf.Variable>;
  /** Batch-norm running statistics (not trained; updated in training mode). */
  readonly running: Map<string, RunningStat>;

  constructor(config: TopicModelConfig, seed = 0, input: InputLayout | undefined = BUILTIN_LAYOUTS[config.kind]) {
    if (!input) throw new ConfigError(`model kind "${config.kind}" is not one of core's (${Object.keys(BUILTIN_LAYOUTS).join(', ')}); its plugin passes the input layout`, 'model');
    if (input !== 'bow' && !(config.embeddingDim > 0)) throw new ConfigError(`a "${config.kind}" model reads document embeddings: "embeddingDim" must be a positive integer, got ${config.embeddingDim}`, 'embeddingDim');
    this.config = config;
    this.input = input;
    const rng = new Random(seed);
    const { numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes } = config;
    this.params = new Map();
    const linear = (name: string, fanIn: number, fanOut: number) => {
      // PyTorch nn.Linear default: U(−1/√fan_in, 1/√fan_in) for weight and bias
      const b = 1 / Math.sqrt(fanIn);
      this.addParam(`${name}.weight`, [fanIn, fanOut], rng.uniformArray(fanIn * fanOut, -b, b));
      this.addParam(`${name}.bias`, [fanOut], rng.uniformArray(fanOut, -b, b));
    };
    let inDim = input === 'bow' ? V : E;
    if (input === 'bow+embedding') {
      linear('adapt', E, V);
      inDim = 2 * V;
    }
    let prev = inDim;
    hiddenSizes.forEach((h, i) => {
      linear(`hidden${i}`, prev, h);
      prev = h;
    });
    linear('mu', prev, K);
    linear('logvar', prev, K);
    const xb = Math.sqrt(6 / (K + V)); // xavier_uniform_ on beta (K×V)
    this.addParam('beta', [K, V], rng.uniformArray(K * V, -xb, xb));
    this.addParam('prior.mean', [K], new Float32Array(K), config.learnPriors);
    this.addParam('prior.variance', [K], new Float32Array(K).fill(1 - 1 / K), config.learnPriors);
    this.running = new Map();
    for (const [name, n] of [['mu', K], ['logvar', K], ['beta', V]] as const) {
      this.running.set(name, { mean: new Float32Array(n), variance: new Float32Array(n).fill(1) });
    }
  }

  private addParam(name: string, shape: number[], values: Float32Array, trainable = true): void {
    this.params.set(name, tf.variable(tf.tensor(values, shape, 'float32'), trainable, `${name}_${nextId()}`));
  }

  get kind(): string {
    return this.config.kind;
  }
  get needsBow(): boolean {
    return this.input !== 'embedding';
  }
  get numTopics(): number {
    return this.config.numTopics;
  }

  /** Trainable parameter count (as `sum(p.numel() for p in model.parameters())` in PyTorch). */
  paramCount(): number {
    let n = 0;
    for (const v of this.params.values()) if (v.trainable) n += v.size;
    return n;
  }

  trainableVariables(): tf.Variable[] {
    return [...this.params.values()].filter((v) => v.trainable);
  }

  protected p(name: string): tf.Variable {
    return this.params.get(name)!;
  }

  protected dense(x: Tensor2D, name: string): Tensor2D {
    return tf.add(tf.matMul(x, this.p(`${name}.weight`) as unknown as Tensor2D), this.p(`${name}.bias`)) as Tensor2D;
  }

  protected bnEval(x: Tensor2D, name: string): Tensor2D {
    const r = this.running.get(name)!;
    const scale = r.variance.map((v) => 1 / Math.sqrt(v + BN_EPS));
    return tf.mul(tf.sub(x, tf.tensor1d(r.mean)), tf.tensor1d(scale)) as Tensor2D;
  }

  /** Inference-network input for a batch: [x, W·e] or e. */
  encoderInput(batch: Batch): Tensor2D {
    if (this.input === 'bow+embedding') return tf.concat([batch.bow, this.dense(batch.embeddings, 'adapt')], 1) as Tensor2D;
    return this.input === 'bow' ? batch.bow : batch.embeddings;
  }

  protected hidden(batch: Batch): Tensor2D {
    let h = this.encoderInput(batch);
    this.config.hiddenSizes.forEach((_, i) => {
      h = tf.softplus(this.dense(h, `hidden${i}`)) as Tensor2D;
    });
    return h;
  }

  /**
   * The training-mode forward pass (dropout on, batch statistics), keeping what `backward`
   * needs. `rng` drives the three random draws (hidden dropout, ε, θ dropout) so a step
   * is reproducible. The one forward implementation: the tape reference differentiates it too.
   */
  forwardTrain(batch: Batch, rng: Random, kernels?: BackendKernels): { forward: TrainForward; cache: unknown } {
    return forwardTrainWithCache(this, batch, rng, kernels);
  }

  backward(cache: unknown, grads: OutputGradients, kernels?: BackendKernels): Record<string, tf.Tensor> {
    return backward(this, cache as ForwardCache, grads, kernels);
  }

  prior(): GaussianPrior {
    return { mean: this.p('prior.mean'), variance: this.p('prior.variance') };
  }

  /** Posterior (μ, log σ²) in inference mode: running batch-norm statistics, no dropout. */
  posterior(batch: Batch): { mu: Tensor2D; logvar: Tensor2D } {
    const h = this.hidden(batch);
    return { mu: this.bnEval(this.dense(h, 'mu'), 'mu'), logvar: this.bnEval(this.dense(h, 'logvar'), 'logvar') };
  }

  /**
   * Inference-mode outputs for distillation: posterior, one sampled θ, word logits with
   * the decoder's batch norm (running statistics). Call inside `tf.tidy`.
   */
  forwardEval(batch: Batch, rng: Random): ModelOutputs {
    const { mu, logvar } = this.posterior(batch);
    return this.sampleAndDecodeEval(mu, logvar, rng);
  }

  /** One θ ~ softmax(N(μ, σ²)) per document and its word logits, in inference mode. Call inside `tf.tidy`. */
  sampleAndDecodeEval(mu: Tensor2D, logvar: Tensor2D, rng: Random): ModelOutputs {
    const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', rng.seed());
    const theta = sampleTheta(mu, logvar, eps) as Tensor2D;
    const preBnWordLogits = tf.matMul(theta, this.p('beta') as unknown as Tensor2D) as Tensor2D;
    const wordLogits = this.bnEval(preBnWordLogits, 'beta');
    return { mu, logvar, theta, wordLogits, preBnWordLogits };
  }

  /**
   * Updates the batch-norm running statistics from a training step's batch statistics,
   * as PyTorch does: r ← (1 − m)·r + m·batch, with the unbiased batch variance.
   */
  updateRunningStats(stats: TrainForward['bnStats'], batchSize: number): void {
    const unbias = batchSize > 1 ? batchSize / (batchSize - 1) : 1;
    for (const s of stats) {
      const r = this.running.get(s.name)!;
      const m = s.mean.dataSync();
      const v = s.variance.dataSync();
      for (let i = 0; i < r.mean.length; i++) {
        r.mean[i] = (1 - BN_MOMENTUM) * r.mean[i] + BN_MOMENTUM * m[i];
        r.variance[i] = (1 - BN_MOMENTUM) * r.variance[i] + BN_MOMENTUM * v[i] * unbias;
      }
    }
  }

  /** β as a K×V matrix (unnormalised topic-word weights; topics are its rows' top words). */
  beta(): Float32Matrix {
    const b = this.p('beta');
    return { rows: this.config.numTopics, cols: this.config.vocabSize, data: b.dataSync() as Float32Array };
  }

  /** Topic-word distributions softmax(β) per topic (K×V), as CTM's get_topic_word_distribution. */
  topicWordDistribution(): Float32Matrix {
    const data = tf.tidy(() => tf.softmax(this.p('beta')).dataSync() as Float32Array);
    return { rows: this.config.numTopics, cols: this.config.vocabSize, data };
  }

  /** The `topn` highest-weighted words of each topic. */
  topics(vocabulary: readonly string[], topn = 10): string[][] {
    return topWordsPerRow(this.beta(), vocabulary, topn);
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}

let idCounter = 0;
function nextId(): number {
  return idCounter++;
}
