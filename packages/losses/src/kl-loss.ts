import { tf, type DistillationLoss, type ModelOutputs, type Tensor1D } from '@topickd/core';

/**
 * KL(student ‖ teacher) between diagonal Gaussians:
 *   ½ Σ_k [ log σ_T² − log σ_S² + (σ_S² + (μ_S − μ_T)²) / σ_T² − 1 ].
 */
export class KlLoss implements DistillationLoss {
  readonly name = 'kl';
  readonly reads = ['posterior'] as const;
  readonly description = 'KL(student ‖ teacher) between the latent Gaussians';
  compute(teacher: ModelOutputs, student: ModelOutputs): Tensor1D {
    return tf.tidy(() => {
      const varS = tf.exp(student.logvar);
      const varT = tf.exp(teacher.logvar);
      const dmu = tf.sub(student.mu, teacher.mu);
      const terms = tf.sub(tf.add(tf.sub(teacher.logvar, student.logvar), tf.div(tf.add(varS, tf.square(dmu)), varT)), 1);
      return tf.mul(tf.sum(terms, 1), 0.5) as Tensor1D;
    });
  }
}
