import { tf, type Tensor1D, type Tensor2D } from '../tfjs/tf.js';
import type { ModelOutputs } from '../contracts/distillation-loss.js';
import { ConfigError, DataError } from '../errors.js';
import { Random } from '../util/random.js';
import type { Float32Matrix } from '../util/matrix.js';
import { BN_EPS, batchNormTrain, gaussianKl, reconstructionLoss } from './fused-ops.js';

export type TopicModelKind = 'combined' | 'zeroshot';

export interface TopicModelConfig {
  /** `combined`: BoW + embedding in (CombinedTM); `zeroshot`: embedding only (ZeroShotTM). */
  kind: TopicModelKind;
  numTopics: number;
  vocabSize: number;
  embeddingDim: number;
  /** Sizes of the softplus hidden layers of the inference network; `[]` for none. */
  hiddenSizes: number[];
  /** Dropout after the hidden layers and on θ (CTM default 0.2). */
  dropout: number;
  /** Learn the Gaussian prior's mean and variance (CTM default true). */
  learnPriors: boolean;
}

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
  if (cfg.kind !== 'combined' && cfg.kind !== 'zeroshot') {
    throw new ConfigError(`model kind must be "combined" or "zeroshot", got ${JSON.stringify(cfg.kind)}`, 'model');
  }
  const posInt = (k: string, v: number) => {
    if (!Number.isInteger(v) || v <= 0) throw new ConfigError(`"${k}" must be a positive integer, got ${JSON.stringify(v)}`, k);
  };
  posInt('topics', cfg.numTopics);
  posInt('vocabSize', cfg.vocabSize);
  posInt('embeddingDim', cfg.embeddingDim);
  cfg.hiddenSizes.forEach((h) => posInt('hidden', h));
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) throw new ConfigError(`"dropout" must be in [0, 1), got ${cfg.dropout}`, 'dropout');
  if (cfg.vocabSize < 2) throw new DataError(`the vocabulary has ${cfg.vocabSize} word(s); a topic model needs at least 2`, 'EMPTY_CORPUS');
  if (cfg.numTopics > cfg.vocabSize) {
    throw new ConfigError(`K = ${cfg.numTopics} topics is more than the ${cfg.vocabSize}-word vocabulary; choose K ≤ ${cfg.vocabSize}`, 'topics');
  }
  return cfg;
}

/** Batch-norm epsilon and running-statistics momentum, as PyTorch's BatchNorm1d. */
const BN_MOMENTUM = 0.1;

/** A batch of model inputs: BoW (B×V) and embeddings (B×E). */
export interface Batch {
  bow: Tensor2D;
  embeddings: Tensor2D;
}

/** Forward pass results in training mode, plus what is needed to update batch-norm statistics. */
export interface TrainForward extends ModelOutputs {
  /** Batch means and (biased) variances of the three batch-norm inputs. */
  bnStats: { name: string; mean: Tensor1D; variance: Tensor1D }[];
}

interface RunningStat {
  mean: Float32Array;
  variance: Float32Array;
}

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
export class ContextualTopicModel {
  readonly config: TopicModelConfig;
  /** Trainable parameters by name, in a fixed order (save/load and parameter counts use it). */
  readonly params: Map<string, tf.Variable>;
  /** Batch-norm running statistics (not trained; updated in training mode). */
  readonly running: Map<string, RunningStat>;

  constructor(config: TopicModelConfig, seed = 0) {
    this.config = config;
    const rng = new Random(seed);
    const { kind, numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes } = config;
    this.params = new Map();
    const linear = (name: string, fanIn: number, fanOut: number) => {
      // PyTorch nn.Linear default: U(−1/√fan_in, 1/√fan_in) for weight and bias
      const b = 1 / Math.sqrt(fanIn);
      this.addParam(`${name}.weight`, [fanIn, fanOut], rng.uniformArray(fanIn * fanOut, -b, b));
      this.addParam(`${name}.bias`, [fanOut], rng.uniformArray(fanOut, -b, b));
    };
    let inDim = E;
    if (kind === 'combined') {
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

  get kind(): TopicModelKind {
    return this.config.kind;
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

  private p(name: string): tf.Variable {
    return this.params.get(name)!;
  }

  private dense(x: Tensor2D, name: string): Tensor2D {
    return tf.add(tf.matMul(x, this.p(`${name}.weight`) as unknown as Tensor2D), this.p(`${name}.bias`)) as Tensor2D;
  }

  private bnTrain(x: Tensor2D, name: string, stats: TrainForward['bnStats']): Tensor2D {
    const { y, mean, variance } = batchNormTrain(x, BN_EPS);
    stats.push({ name, mean, variance });
    return y;
  }

  private bnEval(x: Tensor2D, name: string): Tensor2D {
    const r = this.running.get(name)!;
    const scale = r.variance.map((v) => 1 / Math.sqrt(v + BN_EPS));
    return tf.mul(tf.sub(x, tf.tensor1d(r.mean)), tf.tensor1d(scale)) as Tensor2D;
  }

  /** Inference-network input for a batch: [x, W·e] or e. */
  private encoderInput(batch: Batch): Tensor2D {
    if (this.config.kind === 'combined') {
      return tf.concat([batch.bow, this.dense(batch.embeddings, 'adapt')], 1) as Tensor2D;
    }
    return batch.embeddings;
  }

  private hidden(batch: Batch): Tensor2D {
    let h = this.encoderInput(batch);
    this.config.hiddenSizes.forEach((_, i) => {
      h = tf.softplus(this.dense(h, `hidden${i}`)) as Tensor2D;
    });
    return h;
  }

  /**
   * Training-mode forward pass (dropout on, batch statistics). `seeds` drive the three
   * random draws (hidden dropout, ε, θ dropout) so a step is reproducible.
   */
  forwardTrain(batch: Batch, rng: Random): TrainForward {
    const stats: TrainForward['bnStats'] = [];
    const rate = this.config.dropout;
    let h = this.hidden(batch);
    if (rate > 0) h = tf.dropout(h, rate, undefined, rng.seed()) as Tensor2D;
    const mu = this.bnTrain(this.dense(h, 'mu'), 'mu', stats);
    const logvar = this.bnTrain(this.dense(h, 'logvar'), 'logvar', stats);
    const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', rng.seed());
    let theta = tf.softmax(tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps))) as Tensor2D;
    if (rate > 0) theta = tf.dropout(theta, rate, undefined, rng.seed()) as Tensor2D;
    const wordLogits = this.bnTrain(tf.matMul(theta, this.p('beta') as unknown as Tensor2D), 'beta', stats);
    return { mu, logvar, theta, wordLogits, bnStats: stats };
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
    const theta = tf.softmax(tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps))) as Tensor2D;
    const wordLogits = this.bnEval(tf.matMul(theta, this.p('beta') as unknown as Tensor2D), 'beta');
    return { mu, logvar, theta, wordLogits };
  }

  /** Per-document reconstruction loss −Σ x log softmax(logits) (shape [B]). */
  reconstructionLoss(bow: Tensor2D, wordLogits: Tensor2D): Tensor1D {
    return reconstructionLoss(bow, wordLogits);
  }

  /** Per-document KL(N(μ, σ²) ‖ prior) in closed form (shape [B]). */
  klDivergence(mu: Tensor2D, logvar: Tensor2D): Tensor1D {
    return gaussianKl(mu, logvar, this.p('prior.mean'), this.p('prior.variance'));
  }

  /** Per-document VAE loss RL + KL for a training forward pass. */
  vaeLoss(bow: Tensor2D, out: ModelOutputs): Tensor1D {
    return tf.add(this.reconstructionLoss(bow, out.wordLogits), this.klDivergence(out.mu, out.logvar)) as Tensor1D;
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
    const b = this.beta();
    const out: string[][] = [];
    for (let k = 0; k < b.rows; k++) {
      const rowv = b.data.subarray(k * b.cols, (k + 1) * b.cols);
      const idx = Array.from({ length: b.cols }, (_, i) => i);
      idx.sort((x, y) => rowv[y] - rowv[x] || x - y);
      out.push(idx.slice(0, Math.min(topn, b.cols)).map((i) => vocabulary[i]));
    }
    return out;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}

let idCounter = 0;
function nextId(): number {
  return idCounter++;
}
