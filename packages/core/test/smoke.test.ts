import { describe, it, expect } from 'vitest';
import { tf, ContextualTopicModel, resolveModelConfig, Random, vaeLoss } from '@topickd/core';

describe('smoke', () => {
  it('computes a gradient on cpu', async () => {
    await tf.setBackend('cpu');
    const m = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 3, vocabSize: 5, embeddingDim: 4 }), 1);
    const bow = tf.ones([2, 5]) as tf.Tensor2D;
    const embeddings = tf.ones([2, 4]) as tf.Tensor2D;
    const { value, grads } = tf.variableGrads(() => tf.sum(vaeLoss(bow, m.forwardTrain({ bow, embeddings }, new Random(1)).forward, m.prior())) as tf.Scalar, m.trainableVariables());
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(Object.keys(grads).length).toBe(m.trainableVariables().length);
  });
});
