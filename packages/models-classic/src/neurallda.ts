import { tf, ContextualTopicModel, contextualWeightFloats, Random, topWordsPerRow, batchNormBackward, batchNormForward, sampleTheta, BN_EPS, type Decoder, type ModelOutputs, type Tensor1D, type Tensor2D, type TopicModelConfig, type TopicModelFactory } from '@topickd/core/plugin';
import { mixtureDecoder, MIXTURE_EPS, type TopicWordLogits } from './mixture-decoder.js';

/**
 * NeuralLDA (Srivastava & Sutton 2017's "NVLDA", as the reference CTM library's
 * `model_type="LDA"`): ProdLDA's inference network (the bag of words alone in), with the
 * mixture decoder p(w|d) = θ · softmax(BN(β)) instead of the product of experts — batch
 * norm (no affine) over β's K rows, one softmax per topic, then the θ-weighted mixture.
 * Its word logits are log p(w|d) (a distribution: softmax of them is p itself), so the
 * VAE loss, distillation losses and inference apply unchanged.
 *
 * Training runs core's forward and backward passes (encoder, sampling, dropout) with this
 * decoder plugged in (`mixtureDecoder`, its backward pass written out).
 */
export class NeuralLda extends ContextualTopicModel {
  readonly decoder: Decoder;

  constructor(config: TopicModelConfig, seed = 0, kind = 'neurallda') {
    super({ ...config, kind }, seed, 'bow');
    this.decoder = mixtureDecoder(this.topicWordLogits());
  }

  /** S = BN(β) over the topics (training-mode statistics, pushed for the running ones). */
  protected topicWordLogits(): TopicWordLogits {
    const beta = () => this.p('beta') as unknown as Tensor2D;
    return {
      forward: (stats, kernels) => {
        const bn = batchNormForward(beta(), BN_EPS, kernels);
        stats.push({ name: 'beta', mean: bn.mean as Tensor1D, variance: bn.variance as Tensor1D });
        return { logits: bn.y as Tensor2D, cache: bn };
      },
      backward: (g, cache, kernels) => {
        if (!g) return { beta: tf.zeros(beta().shape) };
        const bn = cache as { y: tf.Tensor; r: tf.Tensor };
        return { beta: batchNormBackward(g, bn.y, bn.r, kernels) };
      },
    };
  }

  /** The topics' word distributions in inference mode: softmax(BN(β)) with the running statistics. */
  protected topicWordsEval(): Tensor2D {
    return tf.softmax(this.bnEval(this.p('beta') as unknown as Tensor2D, 'beta')) as Tensor2D;
  }

  override sampleAndDecodeEval(mu: Tensor2D, logvar: Tensor2D, rng: Random): ModelOutputs {
    const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', rng.seed());
    const theta = sampleTheta(mu, logvar, eps) as Tensor2D;
    return { mu, logvar, theta, wordLogits: tf.log(tf.add(tf.matMul(theta, this.topicWordsEval()), MIXTURE_EPS)) as Tensor2D };
  }

  /** Topic-word distributions (K×V, rows sum to 1). */
  override topicWordDistribution(): { rows: number; cols: number; data: Float32Array } {
    const data = tf.tidy(() => this.topicWordsEval().dataSync() as Float32Array);
    return { rows: this.config.numTopics, cols: this.config.vocabSize, data };
  }

  /** Each topic's `topn` most probable words under its word distribution (the mixture decoder's topics). */
  override topics(vocabulary: readonly string[], topn = 10): string[][] {
    return topWordsPerRow(this.topicWordDistribution(), vocabulary, topn);
  }
}

export const neuralLdaFactory = {
  name: 'neurallda',
  description: 'NeuralLDA (Srivastava & Sutton 2017): bag of words alone in, mixture decoder θ·softmax(BN(β))',
  needsBow: true,
  create: (config: Omit<TopicModelConfig, 'kind'>, seed: number): NeuralLda => new NeuralLda({ ...config, kind: 'neurallda' }, seed),
  /** ProdLDA's network (bag of words in): the loader's size check. */
  weightFloats: (config: Omit<TopicModelConfig, 'kind'>): number => contextualWeightFloats(config, 'bow'),
} satisfies TopicModelFactory;
