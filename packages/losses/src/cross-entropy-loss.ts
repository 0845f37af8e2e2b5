import { ConfigError, tf, type DistillationContext, type DistillationLoss, type ModelOutputs, type Tensor1D, type Tensor2D } from '@topickd/core';

/** Which word logits the soft labels soften: after the decoder's batch norm (TopicKD's default) or before it (the paper's code). */
export type CeLogits = 'post-bn' | 'pre-bn';

/**
 * Soft-label cross-entropy (Hinton et al. 2015) between word distributions at
 * temperature T, scaled by T² so its gradients keep their size as T changes:
 *   t = softmax(teacher logits / T),  s = softmax(student logits / T),
 *   loss = −T² Σ_v t_v log(s_v + 1e-10)
 * The logits are BN(θβ) by default (`logits: "post-bn"`); with `logits: "pre-bn"` they are
 * θβ, the decoder's logits before batch norm, of both teacher and student, as the paper's
 * code computes them (its T values were tuned for those).
 */
export class CrossEntropyLoss implements DistillationLoss {
  readonly name = 'ce';
  readonly reads = ['words'] as const;
  readonly description: string;

  constructor(readonly logits: CeLogits = 'post-bn') {
    this.description = `soft-label cross-entropy of temperature-softened word distributions, × T² (${logits === 'pre-bn' ? 'logits before the decoder batch norm, as the paper' : 'logits after the decoder batch norm'})`;
  }

  /** `{ logits: "pre-bn" | "post-bn" }`. */
  withOptions(options: Record<string, unknown>): CrossEntropyLoss {
    for (const k of Object.keys(options)) if (k !== 'logits') throw new ConfigError(`unknown option "${k}" of loss "ce"; it takes: logits ("post-bn" or "pre-bn")`, `losses.ce.${k}`);
    const l = options.logits ?? 'post-bn';
    if (l !== 'post-bn' && l !== 'pre-bn') throw new ConfigError(`option "logits" of loss "ce" must be "post-bn" or "pre-bn", got ${JSON.stringify(l)}`, 'losses.ce.logits');
    return new CrossEntropyLoss(l);
  }

  private logitsOf(out: ModelOutputs, who: string): Tensor2D {
    if (this.logits === 'post-bn') return out.wordLogits;
    if (!out.preBnWordLogits) throw new ConfigError(`loss "ce" with logits "pre-bn" needs the ${who}'s word logits before batch norm, which its decoder does not have (a product-of-experts decoder: combined, zeroshot, prodlda); use logits "post-bn"`, 'losses.ce.logits');
    return out.preBnWordLogits;
  }

  compute(teacher: ModelOutputs, student: ModelOutputs, { temperature: T }: DistillationContext): Tensor1D {
    const teacherLogits = this.logitsOf(teacher, 'teacher');
    // Gradient in closed form (one tape node instead of a dozen): with q = t / (s + 1e-10),
    //   ∂loss/∂(student logits) = −T · s ⊙ (q − Σ_v s_v q_v)
    const f = tf.customGrad(((studentLogits: tf.Tensor, save: tf.GradSaveFunc) => {
      const t = tf.softmax(tf.div(teacherLogits, T));
      const s = tf.softmax(tf.div(studentLogits, T));
      save([t, s]);
      return {
        value: tf.mul(tf.neg(tf.sum(tf.mul(t, tf.log(tf.add(s, 1e-10))), 1)), T * T),
        gradFunc: (dy: tf.Tensor, [ts, ss]: tf.Tensor[]) => {
          const q = tf.div(ts, tf.add(ss, 1e-10));
          const inner = tf.sub(q, tf.sum(tf.mul(ss, q), 1, true));
          return tf.mul(tf.reshape(tf.mul(dy, -T), [-1, 1]), tf.mul(ss, inner));
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return f(this.logitsOf(student, 'student')) as Tensor1D;
  }
}
