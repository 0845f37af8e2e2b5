import type { Tensor1D, Tensor2D } from '../tfjs/tf.js';

/**
 * What a topic model exposes to distillation for one batch of documents
 * (B documents, K topics, V words).
 */
export interface ModelOutputs {
  /** Posterior means, B×K (after the non-affine batch norm). */
  mu: Tensor2D;
  /** Posterior log-variances, B×K. */
  logvar: Tensor2D;
  /** Topic proportions that produced `wordLogits`, B×K. */
  theta: Tensor2D;
  /** Word logits BN(θβ), B×V: the word distribution is softmax(wordLogits). */
  wordLogits: Tensor2D;
  /**
   * The decoder's word logits before its batch norm, θβ (B×V), where the model's decoder has
   * one (the product of experts of ProdLDA, CombinedTM, ZeroShotTM): what the paper's code
   * softens for the cross-entropy (`ce` with `logits: "pre-bn"`).
   */
  preBnWordLogits?: Tensor2D;
}

export interface DistillationContext {
  /** Softmax temperature T for soft labels. */
  temperature: number;
  /** The bag of words of the batch, B×V (some losses weight by it). */
  bow: Tensor2D;
}

/**
 * A knowledge-distillation loss: teacher and student outputs for the same batch in,
 * one non-negative loss value per document out (shape [B]). Must be differentiable
 * with respect to the student's tensors; the teacher's are constants.
 */
/**
 * What of the teacher's outputs a loss reads: its posterior (`mu`, `logvar`: the W2, KL and MSE
 * losses), its word distribution (`wordLogits`: the CE loss), or θ. A teacher without a
 * posterior network (LDA, BERTopic-style) teaches through the losses that read only `words`.
 */
export type TeacherOutput = 'posterior' | 'words' | 'theta';

export interface DistillationLoss {
  readonly name: string;
  readonly description?: string;
  /** What of the teacher it reads (default: everything, so only neural teachers can serve it). */
  readonly reads?: readonly TeacherOutput[];
  compute(teacher: ModelOutputs, student: ModelOutputs, context: DistillationContext): Tensor1D;
  /**
   * The same loss with options (a config's `{ name, weight, options }`); a loss without
   * options leaves this out. Unknown options must throw a ConfigError naming the ones it takes.
   */
  withOptions?(options: Record<string, unknown>): DistillationLoss;
}

/** Service identifier for `DistillationLoss` plugins (multi-bound). */
export const DistillationLoss = Symbol.for('topickd.DistillationLoss');
