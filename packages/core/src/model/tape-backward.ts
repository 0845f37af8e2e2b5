import { tf } from '../tfjs/tf.js';
import type { ModelOutputs } from '../contracts/distillation-loss.js';
import type { OutputGradients } from '../contracts/topic-model.js';

/**
 * Parameter gradients from output gradients for a model whose forward pass is plain tfjs ops:
 * tfjs's tape differentiates the vector-Jacobian product Σₒ ⟨o, ∂L/∂o⟩ over `recompute()`, the
 * same forward pass run again with the same draws. What a model plugin can give the trainer as
 * its `backward` when it has no hand-written one. Returns gradients keyed by variable name.
 */
export function tapeBackward(recompute: () => ModelOutputs, grads: OutputGradients, vars: tf.Variable[]): Record<string, tf.Tensor> {
  return tf.variableGrads(() => {
    const out = recompute();
    const terms = (['mu', 'logvar', 'theta', 'wordLogits'] as const).filter((k) => grads[k]).map((k) => tf.sum(tf.mul(out[k], grads[k]!)));
    return (terms.length ? tf.addN(terms) : tf.scalar(0)) as tf.Scalar;
  }, vars).grads;
}
