import { tf, type DistillationLoss, type ModelOutputs, type Tensor1D } from '@topickd/core';

/**
 * Squared 2-Wasserstein distance between the diagonal Gaussian posteriors
 * N(μ_S, σ_S²) and N(μ_T, σ_T²):  W2² = ‖μ_S − μ_T‖² + Σ_k (σ_S,k − σ_T,k)².
 */
export class WassersteinLoss implements DistillationLoss {
  readonly name = 'w2';
  readonly reads = ['posterior'] as const;
  readonly description = 'squared 2-Wasserstein distance between the latent Gaussians';
  compute(teacher: ModelOutputs, student: ModelOutputs): Tensor1D {
    // Gradients in closed form (one tape node): with σ = exp(½ log σ²),
    //   ∂/∂μ_S = 2(μ_S − μ_T),  ∂/∂log σ_S² = (σ_S − σ_T) σ_S
    const f = tf.customGrad(((mu: tf.Tensor, logvar: tf.Tensor, save: tf.GradSaveFunc) => {
      const dmu = tf.sub(mu, teacher.mu);
      const sS = tf.exp(tf.mul(logvar, 0.5));
      const ds = tf.sub(sS, tf.exp(tf.mul(teacher.logvar, 0.5)));
      save([dmu, ds, sS]);
      return {
        value: tf.add(tf.sum(tf.square(dmu), 1), tf.sum(tf.square(ds), 1)),
        gradFunc: (dy: tf.Tensor, [d, e, s]: tf.Tensor[]) => {
          const g = tf.reshape(dy, [-1, 1]);
          return [tf.mul(tf.mul(g, 2), d), tf.mul(g, tf.mul(e, s))];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return f(student.mu, student.logvar) as Tensor1D;
  }
}
