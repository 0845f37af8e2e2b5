import { tf, type DistillationLoss, type ModelOutputs, type Tensor1D } from '@topickd/core';

/** Squared error on the posterior parameters: Σ_k (μ_S − μ_T)² + (log σ_S² − log σ_T²)². */
export class MseLoss implements DistillationLoss {
  readonly name = 'mse';
  readonly reads = ['posterior'] as const;
  readonly description = 'squared error on μ and log σ² of the latent Gaussians';
  compute(teacher: ModelOutputs, student: ModelOutputs): Tensor1D {
    return tf.tidy(() => {
      const a = tf.sum(tf.square(tf.sub(student.mu, teacher.mu)), 1);
      const b = tf.sum(tf.square(tf.sub(student.logvar, teacher.logvar)), 1);
      return tf.add(a, b) as Tensor1D;
    });
  }
}
