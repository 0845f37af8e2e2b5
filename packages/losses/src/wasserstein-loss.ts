import { tf, type DistillationLoss, type ModelOutputs, type Tensor1D } from '@topickd/core';

/**
 * Squared 2-Wasserstein distance between the diagonal Gaussian posteriors
 * N(μ_S, σ_S²) and N(μ_T, σ_T²):  W2² = ‖μ_S − μ_T‖² + Σ_k (σ_S,k − σ_T,k)².
 */
export class WassersteinLoss implements DistillationLoss {
  readonly name = 'w2';
  readonly description = 'squared 2-Wasserstein distance between the latent Gaussians';
  compute(teacher: ModelOutputs, student: ModelOutputs): Tensor1D {
    return tf.tidy(() => {
      const dmu = tf.sub(student.mu, teacher.mu);
      const ds = tf.sub(tf.exp(tf.mul(student.logvar, 0.5)), tf.exp(tf.mul(teacher.logvar, 0.5)));
      return tf.add(tf.sum(tf.square(dmu), 1), tf.sum(tf.square(ds), 1)) as Tensor1D;
    });
  }
}
