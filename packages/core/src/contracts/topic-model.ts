import type { Tensor, Tensor1D, Tensor2D, Variable } from '../tfjs/tf.js';
import type { BackendKernels } from './backend.js';
import type { ModelOutputs } from './distillation-loss.js';
import type { Random } from '../util/random.js';
import type { Float32Matrix } from '../util/matrix.js';

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
}

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
 * A ProdLDA-style topic model as the trainer, the distiller, inference and the model file
 * see it. `forwardTrain` returns the outputs a loss reads and an opaque cache; `backward`
 * carries the loss's gradients with respect to those outputs back to the parameters.
 * Losses never see the model: only its outputs and its prior.
 */
export interface TopicModel {
  readonly config: TopicModelConfig;
  readonly kind: TopicModelKind;
  readonly numTopics: number;
  /** Whether the inference network reads the bag of words (CombinedTM) or only embeddings (ZeroShotTM). */
  readonly needsBow: boolean;
  /** Trainable parameters by name, in a fixed order (save/load and parameter counts use it). */
  readonly params: Map<string, Variable>;
  /** Batch-norm running statistics (not trained; updated in training mode). */
  readonly running: Map<string, RunningStat>;
  paramCount(): number;
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
  /** β as a K×V matrix (topics are its rows' top words). */
  beta(): Float32Matrix;
  /** softmax(β) per topic (K×V). */
  topicWordDistribution(): Float32Matrix;
  /** The `topn` highest-weighted words of each topic. */
  topics(vocabulary: readonly string[], topn?: number): string[][];
  dispose(): void;
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
  /** Whether inference needs the bag of words (CombinedTM) or only embeddings (ZeroShotTM). */
  readonly needsBow: boolean;
}

/** Service identifier for `TopicModelFactory` bindings (multi-bound). */
export const TopicModelFactory = Symbol.for('topickd.TopicModelFactory');
