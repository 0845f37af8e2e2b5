import { tf, type Tensor2D } from '../tfjs/tf.js';
import type { CsrMatrix } from '../data/csr-matrix.js';
import { ConfigError, DataError } from '../errors.js';
import { gatherRows, type EmbeddingRows, type Float32Matrix } from '../util/matrix.js';
import { Random } from '../util/random.js';
import { isNeuralTopicModel, isSelfTrainedTopicModel, type TopicModel } from '../contracts/topic-model.js';
import { sampleTheta } from './fused-ops.js';

export interface InferOptions {
  /** Samples of z averaged per document (default 20, as CTM). */
  samples?: number;
  /** Same seed ⇒ same θ. Default 0. */
  seed?: number;
  /** Documents per batch (default 512). */
  batchSize?: number;
  /**
   * Where these documents start in a larger corpus (a multiple of `batchSize`; default 0):
   * θ is then the same as those rows of θ of the whole corpus, so shards inferred apart
   * (by workers of a distributed run) merge into exactly the one-process result.
   */
  offset?: number;
}

export interface InferInputs {
  /** Needed by models that read the bag of words (CombinedTM); ZeroShotTM ignores it. */
  bow?: CsrMatrix;
  /** In memory, or rows read on demand (a corpus larger than memory). */
  embeddings: EmbeddingRows;
}

/**
 * Document-topic distributions θ (N×K): the mean over `samples` draws of softmax(z),
 * z ~ N(μ, σ²) from the inference network in inference mode (running batch-norm
 * statistics, no dropout), as CTM's `get_doc_topic_distribution`. All samples of a
 * batch run as one tensor computation.
 */
export function inferTheta(model: TopicModel, inputs: InferInputs, options: InferOptions = {}): Float32Matrix {
  const samples = options.samples ?? 20;
  if (!Number.isInteger(samples) || samples < 1 || samples > 10_000) {
    throw new ConfigError(`"samples" (draws of z averaged per document) must be an integer from 1 to 10,000, got ${samples}`, 'samples');
  }
  const batchSize = options.batchSize ?? 512;
  const { embeddings, bow } = inputs;
  const cfg = model.config;
  const offset = options.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset % batchSize !== 0) {
    throw new ConfigError(`the offset of a shard (${offset}) must be a multiple of the inference batch size ${batchSize}`, 'offset');
  }
  if (isSelfTrainedTopicModel(model)) {
    if (model.needsBow) {
      if (!bow) throw new DataError(`a "${cfg.kind}" model infers θ from the bag of words; pass the documents' bag of words`);
      if (bow.cols !== cfg.vocabSize) throw new DataError(`BoW has ${bow.cols} columns, the model's vocabulary ${cfg.vocabSize}`, 'VOCABULARY_MISMATCH');
    }
    return model.inferTheta({ bow, embeddings }, { seed: options.seed ?? 0, offset, samples });
  }
  if (!isNeuralTopicModel(model)) throw new DataError(`the "${cfg.kind}" model has no way to infer θ (its plugin implements neither a posterior network nor inferTheta)`);
  if (embeddings.cols !== cfg.embeddingDim) {
    throw new DataError(`embeddings have ${embeddings.cols} dimensions but the model was trained on ${cfg.embeddingDim}; use the model's encoder`, 'DIMENSION_MISMATCH');
  }
  if (model.needsBow) {
    if (!bow) throw new DataError(`a "${cfg.kind}" model reads the bag of words as well as the embeddings; use a ZeroShotTM to infer from embeddings alone`);
    if (bow.rows !== embeddings.rows) throw new DataError(`${bow.rows} BoW rows but ${embeddings.rows} embedding rows`, 'DIMENSION_MISMATCH');
    if (bow.cols !== cfg.vocabSize) throw new DataError(`BoW has ${bow.cols} columns, the model's vocabulary ${cfg.vocabSize}`, 'VOCABULARY_MISMATCH');
  }
  const N = embeddings.rows;
  const K = cfg.numTopics;
  const out = new Float32Array(N * K);
  const rng = new Random(options.seed ?? 0);
  for (let b = 0; b < offset / batchSize; b++) rng.seed(); // the draws of the batches before this shard
  for (let s = 0; s < N; s += batchSize) {
    const B = Math.min(batchSize, N - s);
    const rows = Int32Array.from({ length: B }, (_, i) => s + i);
    const theta = tf.tidy(() => {
      const e = tf.tensor2d(gatherRows(embeddings, rows), [B, embeddings.cols]);
      const x = model.needsBow ? tf.tensor2d(bow!.denseRows(rows), [B, cfg.vocabSize]) : (tf.zeros([B, 1]) as Tensor2D);
      const { mu, logvar } = model.posterior({ bow: x, embeddings: e });
      const eps = tf.randomNormal([samples, B, K], 0, 1, 'float32', rng.seed());
      return tf.mean(sampleTheta(mu, logvar, eps), 0).dataSync() as Float32Array;
    });
    out.set(theta, s * K);
  }
  return { rows: N, cols: K, data: out };
}
