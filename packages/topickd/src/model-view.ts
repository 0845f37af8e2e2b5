import { ConfigError, inferTheta, TopicKDError, type CsrMatrix, type EmbeddingRows, type Float32Matrix, type TopicModel } from '@topickd/core';

/**
 * What every trained or loaded model offers its user, in Node (`TrainedTopicModel`) and in a
 * browser (`BrowserTopicModel`): its kind, size and topics, and θ rows from a bag of words and
 * embeddings. Browser-safe (no Node import).
 */
export abstract class TopicModelView {
  private disposed = false;

  constructor(
    /** The network. */
    readonly model: TopicModel,
    readonly vocabulary: string[],
  ) {}

  get kind(): string {
    return this.model.kind;
  }
  get numTopics(): number {
    return this.model.numTopics;
  }
  get params(): number {
    return this.model.paramCount();
  }

  /** The top `n` words of each topic (1 ≤ n ≤ the vocabulary's size). */
  topics(n = 10): string[][] {
    this.checkLive('topics');
    if (!Number.isInteger(n) || n < 1 || n > this.vocabulary.length) {
      throw new ConfigError(`topics(n): n must be an integer from 1 to the vocabulary's ${this.vocabulary.length} words, got ${n}`, 'n');
    }
    return this.model.topics(this.vocabulary, n);
  }

  /** Frees the model's tensors; any later use is a typed error. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }

  /** A TopicKDError for any use after dispose(), instead of a failure deep inside tfjs. */
  protected checkLive(what: string): void {
    if (this.disposed) throw new TopicKDError('MODEL_DISPOSED', `${what}: this model was disposed (dispose() frees its tensors); load or train it again`);
  }

  /** θ as one matrix; `offset`: these documents are rows `offset`… of a larger input (a multiple of 512), drawn as there. */
  protected thetaMatrix(bow: CsrMatrix, embeddings: EmbeddingRows, options: { samples?: number; seed?: number; offset?: number }): Float32Matrix {
    this.checkLive('transform');
    return inferTheta(this.model, { bow, embeddings }, { samples: options.samples ?? 20, seed: options.seed ?? 0, offset: options.offset ?? 0 });
  }
}
