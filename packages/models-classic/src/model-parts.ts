import { logMatrix, tf, topWordsPerRow, type Float32Matrix, type RunningStat, type TopicModelConfig } from '@topickd/core';

let counter = 0;

/** A tfjs variable name no other variable of the process has (`prefix.<time><n>`). */
export function uniqueVariableName(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}${(counter++).toString(36)}`;
}

/** The number of values in a model's parameters (all of them: a self-trained model's state is its size). */
export function countValues(params: Map<string, tf.Variable>): number {
  let n = 0;
  for (const v of params.values()) n += v.size;
  return n;
}

/**
 * What LDA and BERTopic share: topics given as non-negative word weights per topic (λ,
 * c-TF-IDF), normalised into distributions; β is their log; the parameters are the state.
 */
export abstract class WeightedTopicsModel {
  abstract readonly config: TopicModelConfig;
  readonly params = new Map<string, tf.Variable>();
  readonly running = new Map<string, RunningStat>();

  /** K×V non-negative weights, topic-major. */
  protected abstract topicWeights(): Float32Array;

  paramCount(): number {
    return countValues(this.params);
  }

  /** Each topic's weights normalised to sum 1 (a topic with no weight: uniform). */
  topicWordDistribution(): Float32Matrix {
    const { numTopics: K, vocabSize: V } = this.config;
    const w = this.topicWeights();
    const data = new Float32Array(K * V);
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let t = 0; t < V; t++) s += w[k * V + t];
      for (let t = 0; t < V; t++) data[k * V + t] = s > 0 ? w[k * V + t] / s : 1 / V;
    }
    return { rows: K, cols: V, data };
  }

  /** The log of the topic-word distributions: softmax of a row is that topic's distribution. */
  beta(): Float32Matrix {
    return logMatrix(this.topicWordDistribution());
  }

  /** Each topic's `topn` words of highest weight. */
  topics(vocabulary: readonly string[], topn = 10): string[][] {
    return topWordsPerRow(this.topicWordDistribution(), vocabulary, topn);
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}
