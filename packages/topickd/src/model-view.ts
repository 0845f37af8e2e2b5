import { inferTheta, toRowArrays, type CsrMatrix, type EmbeddingRows, type Float32Matrix, type TopicModel } from '@topickd/core';

/**
 * What every trained or loaded model offers its user, in Node (`TrainedTopicModel`) and in a
 * browser (`BrowserTopicModel`): its kind, size and topics, and θ rows from a bag of words and
 * embeddings. Browser-safe (no Node import).
 */
export abstract class TopicModelView {
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

  /** The top `n` words of each topic. */
  topics(n = 10): string[][] {
    return this.model.topics(this.vocabulary, n);
  }

  /** θ rows (mean of `samples` draws each) for documents given as a bag of words and embeddings. */
  protected thetaRows(bow: CsrMatrix, embeddings: EmbeddingRows, options: { samples?: number; seed?: number }): number[][] {
    return toRowArrays(this.thetaMatrix(bow, embeddings, options));
  }

  /** θ as one matrix; `offset`: these documents are rows `offset`… of a larger input (a multiple of 512), drawn as there. */
  protected thetaMatrix(bow: CsrMatrix, embeddings: EmbeddingRows, options: { samples?: number; seed?: number; offset?: number }): Float32Matrix {
    return inferTheta(this.model, { bow, embeddings }, { samples: options.samples ?? 20, seed: options.seed ?? 0, offset: options.offset ?? 0 });
  }
}
