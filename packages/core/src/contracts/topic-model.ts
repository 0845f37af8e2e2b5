import type { Tensor, Tensor1D, Tensor2D, Variable } from '../tfjs/tf.js';
import type { BackendKernels } from './backend.js';
import type { ModelOutputs } from './distillation-loss.js';
import type { Random } from '../util/random.js';
import type { EmbeddingRows, Float32Matrix } from '../util/matrix.js';
import type { CsrMatrix } from '../data/csr-matrix.js';

/**
 * A model kind's name (`combined`, `zeroshot`, or one a plugin registers). Kinds are
 * open: a plugin package binds a `TopicModelFactory` under a new name and core needs no edit.
 */
export type TopicModelKind = string;

/** What every TopicKD topic model is configured with. */
export interface TopicModelConfig {
  /** The kind's name: `combined` (BoW + embedding in), `zeroshot` (embedding only), or a plugin's. */
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
  /**
   * Settings of the kind's own (a plugin model's: LDA's `passes`, `chunksize`, ...), saved in
   * the model's manifest. The kind's factory checks them; core only requires plain values.
   */
  options?: ModelOptions;
}

/** A model kind's own settings: names to plain JSON values. */
export type ModelOptions = Record<string, number | string | boolean>;

/** A batch of model inputs: BoW (B×V) and embeddings (B×E). */
export interface Batch {
  bow: Tensor2D;
  embeddings: Tensor2D;
}

/** Training-mode outputs, plus what is needed to update batch-norm statistics. */
export interface TrainForward extends ModelOutputs {
  /** Batch means and (biased) variances of the batch-norm inputs. */
  bnStats: { name: string; mean: Tensor1D; variance: Tensor1D }[];
}

/** Gradients of a loss with respect to a model's outputs (any may be missing). */
export interface OutputGradients {
  mu?: Tensor2D;
  logvar?: Tensor2D;
  theta?: Tensor2D;
  wordLogits?: Tensor2D;
  /** With respect to the decoder's logits before batch norm (`ModelOutputs.preBnWordLogits`). */
  preBnWordLogits?: Tensor2D;
}

/** Batch-norm running statistics of one layer. */
export interface RunningStat {
  mean: Float32Array;
  variance: Float32Array;
}

/** The Gaussian prior the KL term pulls the posterior towards (tensors of the model). */
export interface GaussianPrior {
  mean: Tensor;
  variance: Tensor;
}

/**
 * What every topic model offers, however it is trained: its topics (β), its size, its
 * parameters for saving and loading. Two kinds of models extend it:
 * - `NeuralTopicModel`: trained by gradients (CombinedTM, ZeroShotTM, ProdLDA, NeuralLDA, ETM);
 *   the trainer and the distiller run it, and it can teach or be distilled.
 * - `SelfTrainedTopicModel`: trained by its own algorithm (LDA's online variational Bayes,
 *   BERTopic's clustering); `trainModel` hands it the data and `inferTheta` asks it for θ.
 */
export interface TopicModel {
  readonly config: TopicModelConfig;
  readonly kind: TopicModelKind;
  readonly numTopics: number;
  /** Whether θ of a document needs its bag of words (CombinedTM, LDA) or only its embedding (ZeroShotTM). */
  readonly needsBow: boolean;
  /** Parameters by name, in a fixed order (save/load and parameter counts use it). */
  readonly params: Map<string, Variable>;
  /** Batch-norm running statistics (not trained; updated in training mode); empty for models without batch norm. */
  readonly running: Map<string, RunningStat>;
  paramCount(): number;
  /** β as a K×V matrix of word weights per topic (softmax of a row is that topic's word distribution). */
  beta(): Float32Matrix;
  /** Each topic's distribution over words (K×V, rows sum to 1). */
  topicWordDistribution(): Float32Matrix;
  /** The `topn` highest-weighted words of each topic. */
  topics(vocabulary: readonly string[], topn?: number): string[][];
  /**
   * Optional: called once before training with what the model needs beyond the documents —
   * the vocabulary and a way to embed words with the run's encoder (ETM's word embeddings).
   */
  prepare?(context: ModelPreparation): Promise<void>;
  dispose(): void;
}

/** What `TopicModel.prepare` receives. */
export interface ModelPreparation {
  vocabulary: readonly string[];
  /** Embeds words (or any texts) with the run's encoder: one row per text. */
  embedTexts(texts: readonly string[]): Promise<Float32Matrix>;
}

/**
 * A ProdLDA-style topic model as the trainer, the distiller, inference and the model file
 * see it. `forwardTrain` returns the outputs a loss reads and an opaque cache; `backward`
 * carries the loss's gradients with respect to those outputs back to the parameters.
 * Losses never see the model: only its outputs and its prior.
 */
export interface NeuralTopicModel extends TopicModel {
  trainableVariables(): Variable[];
  prior(): GaussianPrior;
  /** Training-mode forward pass (dropout, batch statistics); seeded draws from `rng`. Call inside `tf.tidy`. */
  forwardTrain(batch: Batch, rng: Random, kernels?: BackendKernels): { forward: TrainForward; cache: unknown };
  /** Parameter gradients (keyed by variable name, prior excluded) from output gradients and forwardTrain's cache. */
  backward(cache: unknown, grads: OutputGradients, kernels?: BackendKernels): Record<string, Tensor>;
  /** Posterior (μ, log σ²) in inference mode: running batch-norm statistics, no dropout. */
  posterior(batch: Batch): { mu: Tensor2D; logvar: Tensor2D };
  /** One θ draw per document from (μ, log σ²) and its word logits, in inference mode. Call inside `tf.tidy`. */
  sampleAndDecodeEval(mu: Tensor2D, logvar: Tensor2D, rng: Random): ModelOutputs;
  /** posterior + sampleAndDecodeEval. */
  forwardEval(batch: Batch, rng: Random): ModelOutputs;
  /** Folds a training step's batch statistics into the running statistics. */
  updateRunningStats(stats: TrainForward['bnStats'], batchSize: number): void;
}

/** The documents a model is trained on or infers θ for. */
export interface ModelInputs {
  /** Bag of words (N×V). */
  bow: CsrMatrix;
  /** Document embeddings (N×E); zero columns when the model does not read them. */
  embeddings: EmbeddingRows;
}

/** How a training run went (the trainer's and a self-trained model's report alike). */
export interface FitReport {
  /** Epochs (passes over the data) run. */
  epochs: number;
  /** The training objective per document after the last epoch (a neural model's loss; LDA's negative ELBO). */
  finalLoss: number;
  lossHistory: number[];
  valHistory: number[];
  bestEpoch?: number;
  seconds: number;
  docsPerSecond: number;
}

/** Events a self-trained model reports while it fits (the trainer's `epoch` event shape). */
export interface SelfFitEvent {
  type: 'epoch';
  epoch: number;
  epochs: number;
  loss: number;
  seconds: number;
  docsPerSecond: number;
}

/** A model trained by its own algorithm, not by gradients (LDA, BERTopic). */
export interface SelfTrainedTopicModel extends TopicModel {
  /** Trains on the documents (seeded: same seed, same model). */
  fit(inputs: ModelInputs, options: { seed: number; onEvent?: (e: SelfFitEvent) => void; signal?: AbortSignal }): Promise<FitReport>;
  /**
   * θ (N×K, rows sum to 1) of documents, by the model's own inference (LDA's E-step). Seeded
   * per document: `offset` (where these documents start in a larger corpus) makes a shard's
   * rows equal those of the whole corpus.
   */
  inferTheta(inputs: Partial<ModelInputs>, options: { seed?: number; offset?: number; samples?: number }): Float32Matrix;
}

/** Whether a model is trained by gradients (the trainer and the distiller run it). */
export function isNeuralTopicModel(m: TopicModel): m is NeuralTopicModel {
  return typeof (m as Partial<NeuralTopicModel>).forwardTrain === 'function' && typeof (m as Partial<NeuralTopicModel>).backward === 'function';
}

/** Whether a model trains itself (LDA, BERTopic). */
export function isSelfTrainedTopicModel(m: TopicModel): m is SelfTrainedTopicModel {
  return typeof (m as Partial<SelfTrainedTopicModel>).fit === 'function' && typeof (m as Partial<SelfTrainedTopicModel>).inferTheta === 'function';
}

/**
 * A kind of topic model, by name (`combined`, `zeroshot`): builds a fresh model for a
 * vocabulary and embedding size. Core binds CombinedTM and ZeroShotTM; a plugin binds
 * another kind under a new name (see the test-only `toy-topic-model` plugin).
 */
export interface TopicModelFactory {
  readonly name: TopicModelKind;
  readonly description: string;
  create(config: Omit<TopicModelConfig, 'kind'>, seed: number): TopicModel;
  /**
   * How many float32 values a saved model of this config holds (its weights file's size / 4),
   * computed without building it. The loader compares it with the weights file before it
   * allocates anything, so a small damaged manifest cannot make it build a huge model.
   * Required: a plugin kind without it is refused when the container is built (ConfigError
   * naming the kind), since nothing else bounds what its `create` allocates.
   */
  weightFloats(config: Omit<TopicModelConfig, 'kind'>): number;
  /** Whether inference needs the bag of words (CombinedTM) or only embeddings (ZeroShotTM). */
  readonly needsBow: boolean;
  /** Whether training reads document embeddings (default true; LDA's is false, so no encoder runs). */
  readonly needsEmbeddings?: boolean;
}

/** Service identifier for `TopicModelFactory` bindings (multi-bound). */
export const TopicModelFactory = Symbol.for('topickd.TopicModelFactory');
