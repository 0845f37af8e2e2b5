import { tf, type DistillationContext, type DistillationLoss, type ModelOutputs, type Tensor1D } from '@topickd/core';

/**
 * Soft-label cross-entropy (Hinton et al. 2015) between word distributions at
 * temperature T, scaled by T² so its gradients keep their size as T changes:
 *   t = softmax(teacher logits / T),  s = softmax(student logits / T),
 *   loss = −T² Σ_v t_v log(s_v + 1e-10)
 */
export class CrossEntropyLoss implements DistillationLoss {
  readonly name = 'ce';
  readonly description = 'soft-label cross-entropy of temperature-softened word distributions, × T²';
  compute(teacher: ModelOutputs, student: ModelOutputs, { temperature: T }: DistillationContext): Tensor1D {
    return tf.tidy(() => {
      const t = tf.softmax(tf.div(teacher.wordLogits, T));
      const s = tf.softmax(tf.div(student.wordLogits, T));
      return tf.mul(tf.neg(tf.sum(tf.mul(t, tf.log(tf.add(s, 1e-10))), 1)), T * T) as Tensor1D;
    });
  }
}
