// A third-party distillation loss for TopicKD, written against the public API only.
// Load it by naming it in a config file:   plugins: [topickd-loss-jsd]   losses: [w2, jsd]
import { ContainerModule, DistillationLoss, tf, type ModelOutputs, type Tensor1D } from '@topickd/core';

/** Jensen–Shannon divergence between the teacher's and the student's word distributions (nats). */
export class JensenShannonLoss implements DistillationLoss {
  readonly name = 'jsd';
  readonly description = 'Jensen–Shannon divergence between teacher and student word distributions';
  compute(teacher: ModelOutputs, student: ModelOutputs): Tensor1D {
    return tf.tidy(() => {
      const p = tf.softmax(teacher.wordLogits);
      const q = tf.softmax(student.wordLogits);
      const m = tf.mul(tf.add(p, q), 0.5);
      const kl = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(a, tf.sub(tf.log(tf.add(a, 1e-10)), tf.log(tf.add(b, 1e-10)))), 1);
      return tf.mul(tf.add(kl(p, m), kl(q, m)), 0.5) as Tensor1D;
    });
  }
}

export default new ContainerModule(({ bind }) => {
  bind(DistillationLoss).toConstantValue(new JensenShannonLoss());
});
