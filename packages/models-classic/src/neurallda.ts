import { tf, ContextualTopicModel, Random, batchNormTrain, sampleTheta, tapeBackward, type Batch, type BackendKernels, type ModelOutputs, type OutputGradients, type Tensor2D, type TopicModelConfig, type TopicModelFactory, type TrainForward } from '@topickd/core/plugin';

const BN_EPS = 1e-5;

/**
 * NeuralLDA (Srivastava & Sutton 2017's "NVLDA", as the reference CTM library's
 * `model_type="LDA"`): ProdLDA's inference network (the bag of words alone in), with the
 * mixture decoder p(w|d) = θ · softmax(BN(β)) instead of the product of experts — batch
 * norm (no affine) over β's K rows, one softmax per topic, then the θ-weighted mixture.
 * Its word logits are log p(w|d) (a distribution: softmax of them is p itself), so the
 * VAE loss, distillation losses and inference apply unchanged.
 *
 * The encoder is core's; the backward pass is `tapeBackward`: the vector-Jacobian product of
 * this same forward pass by tfjs's tape (recomputed with the same draws).
 */
export class NeuralLda extends ContextualTopicModel {
  constructor(config: TopicModelConfig, seed = 0, kind = 'neurallda') {
    super({ ...config, kind }, seed, 'bow');
  }

  /** softmax over words of β after batch norm over its topics: training-mode statistics, or the running ones. */
  protected topicWords(stats: TrainForward['bnStats'] | null): Tensor2D {
    const beta = this.p('beta') as unknown as Tensor2D;
    if (!stats) return tf.softmax(this.bnEval(beta, 'beta')) as Tensor2D;
    const bn = batchNormTrain(beta, BN_EPS);
    stats.push({ name: 'beta', mean: bn.mean, variance: bn.variance });
    return tf.softmax(bn.y) as Tensor2D;
  }

  private mixtureLogits(theta: Tensor2D, topicWords: Tensor2D): Tensor2D {
    return tf.log(tf.add(tf.matMul(theta, topicWords), 1e-10)) as Tensor2D;
  }

  /** The training-mode pass; `rng`'s draws: hidden dropout, ε, θ dropout (as core's models). */
  private forwardTrainPass(batch: Batch, rng: Random): TrainForward {
    const stats: TrainForward['bnStats'] = [];
    const rate = this.config.dropout;
    let h = this.hidden(batch);
    if (rate > 0) h = tf.dropout(h, rate, undefined, rng.seed()) as Tensor2D;
    const mu = batchNormTrain(this.dense(h, 'mu'), BN_EPS);
    const logvar = batchNormTrain(this.dense(h, 'logvar'), BN_EPS);
    stats.push({ name: 'mu', mean: mu.mean, variance: mu.variance }, { name: 'logvar', mean: logvar.mean, variance: logvar.variance });
    const eps = tf.randomNormal(mu.y.shape, 0, 1, 'float32', rng.seed());
    let theta = sampleTheta(mu.y, logvar.y, eps) as Tensor2D;
    if (rate > 0) theta = tf.dropout(theta, rate, undefined, rng.seed()) as Tensor2D;
    return { mu: mu.y, logvar: logvar.y, theta, wordLogits: this.mixtureLogits(theta, this.topicWords(stats)), bnStats: stats };
  }

  override forwardTrain(batch: Batch, rng: Random, _kernels?: BackendKernels): { forward: TrainForward; cache: { batch: Batch; state: number } } {
    const state = rng.state;
    return { forward: this.forwardTrainPass(batch, rng), cache: { batch, state } };
  }

  override backward(cache: unknown, g: OutputGradients): Record<string, tf.Tensor> {
    const { batch, state } = cache as { batch: Batch; state: number };
    // the prior's gradient comes with the loss (the trainer's part)
    const vars = [...this.params].filter(([name, v]) => v.trainable && !name.startsWith('prior.')).map(([, v]) => v);
    return tapeBackward(() => this.forwardTrainPass(batch, Random.fromState(state)), g, vars);
  }

  override sampleAndDecodeEval(mu: Tensor2D, logvar: Tensor2D, rng: Random): ModelOutputs {
    const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', rng.seed());
    const theta = sampleTheta(mu, logvar, eps) as Tensor2D;
    return { mu, logvar, theta, wordLogits: this.mixtureLogits(theta, this.topicWords(null)) };
  }

  /** Topic-word distributions: softmax(BN(β)) per topic with the running statistics. */
  override topicWordDistribution(): { rows: number; cols: number; data: Float32Array } {
    const data = tf.tidy(() => this.topicWords(null).dataSync() as Float32Array);
    return { rows: this.config.numTopics, cols: this.config.vocabSize, data };
  }

  /** Each topic's `topn` most probable words under softmax(BN(β)) (the mixture decoder's topics). */
  override topics(vocabulary: readonly string[], topn = 10): string[][] {
    const d = this.topicWordDistribution();
    return Array.from({ length: d.rows }, (_, k) => {
      const row = d.data.subarray(k * d.cols, (k + 1) * d.cols);
      return Array.from(row.keys())
        .sort((x, y) => row[y] - row[x] || x - y)
        .slice(0, Math.min(topn, d.cols))
        .map((i) => vocabulary[i]);
    });
  }
}

export const neuralLdaFactory = {
  name: 'neurallda',
  description: 'NeuralLDA (Srivastava & Sutton 2017): bag of words alone in, mixture decoder θ·softmax(BN(β))',
  needsBow: true,
  create: (config: Omit<TopicModelConfig, 'kind'>, seed: number): NeuralLda => new NeuralLda({ ...config, kind: 'neurallda' }, seed),
} satisfies TopicModelFactory;
