import { tf, type BackendKernels, type Decoder, type Tensor2D, type TrainForward } from '@topickd/core/plugin';

/** A model's topics as distributions over words, K×V, before the softmax: S, and its backward pass. */
export interface TopicWordLogits {
  /** S (K×V), training mode (may push batch-norm statistics). */
  forward(stats: TrainForward['bnStats'], kernels: BackendKernels): { logits: Tensor2D; cache: unknown };
  /** Parameter gradients from ∂L/∂S (keyed by parameter name); `null`: zeros (the loss did not read the words). */
  backward(gLogits: Tensor2D | null, cache: unknown, kernels: BackendKernels): Record<string, tf.Tensor>;
}

/** Added inside the log, as the reference CTM library's mixture decoder. */
export const MIXTURE_EPS = 1e-10;

/**
 * The mixture decoder p(w|d) = θ · softmax(S) with word logits log(p + 1e-10) (NeuralLDA,
 * ETM), its backward pass written out:
 *   G = ∂L/∂l ⊘ (p + ε);  ∂L/∂θ = G·Wᵀ;  ∂L/∂W = θᵀ·G;  ∂L/∂S = W ⊙ (∂L/∂W − rowsum(∂L/∂W ⊙ W))
 * with W = softmax(S) row by row. Tested against finite differences (ETM) and tfjs's tape (NeuralLDA).
 */
export function mixtureDecoder(topicWords: TopicWordLogits): Decoder {
  return {
    forward(theta, stats, kernels) {
      const { logits, cache } = topicWords.forward(stats, kernels);
      const words = tf.softmax(logits) as Tensor2D;
      const p = tf.matMul(theta, words) as Tensor2D;
      return { wordLogits: tf.log(tf.add(p, MIXTURE_EPS)) as Tensor2D, cache: { words, p, inner: cache } };
    },
    backward(g, theta, cache, kernels) {
      const { words, p, inner } = cache as { words: Tensor2D; p: Tensor2D; inner: unknown };
      if (!g) return { gTheta: null, grads: topicWords.backward(null, inner, kernels) };
      // a·bᵀ and aᵀ·b with transpose flags only where the backend multiplies them at full speed
      const flags = kernels.fastTransposedMatMul === true;
      const G = tf.div(g, tf.add(p, MIXTURE_EPS)) as Tensor2D;
      const gTheta = (flags ? tf.matMul(G, words, false, true) : tf.matMul(G, tf.transpose(words))) as Tensor2D;
      const gWords = (flags ? tf.matMul(theta, G, true, false) : tf.matMul(tf.transpose(theta), G)) as Tensor2D;
      const gLogits = tf.mul(words, tf.sub(gWords, tf.sum(tf.mul(gWords, words), 1, true))) as Tensor2D;
      return { gTheta, grads: topicWords.backward(gLogits, inner, kernels) };
    },
  };
}
