/**
 * What a model offers its user, validated the same way in Node and the browser: samples
 * and topics(n) within range, and a typed error for a model used after dispose().
 */
import { describe, it, expect } from 'vitest';
import { ConfigError, ContextualTopicModel, CsrMatrix, resolveModelConfig, toRowArrays, type TopicKDError } from '@topickd/core';
import { TopicModelView } from '../src/model-view.js';

class View extends TopicModelView {
  theta(samples?: number): number[][] {
    const bow = CsrMatrix.fromRows([new Map([[0, 1], [2, 2], [5, 1]])], 6);
    return toRowArrays(this.thetaMatrix(bow, { rows: 1, cols: 4, data: new Float32Array([0.1, -0.2, 0.3, 0.4]) }, { samples }));
  }
}

const vocabulary = ['gene', 'protein', 'market', 'stock', 'neural', 'network'];
const view = () => new View(new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 3, vocabSize: 6, embeddingDim: 4, hiddenSizes: [5] }), 0), vocabulary);

describe('TopicModelView', () => {
  it('θ rows sum to 1; samples outside 1..10,000 are refused (0 samples would give rows of zeros)', () => {
    const v = view();
    const [row] = v.theta(3);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    for (const bad of [0, -1, 1.5, 10_001]) expect(() => v.theta(bad)).toThrow(/"samples" .* must be an integer from 1 to 10,000/);
    v.dispose();
  });

  it('topics(n) takes 1 ≤ n ≤ V (−1 used to return V − 1 words)', () => {
    const v = view();
    expect(v.topics(2).map((t) => t.length)).toEqual([2, 2, 2]);
    expect(v.topics(6)[0]).toHaveLength(6);
    for (const bad of [-1, 0, 7, 2.5]) expect(() => v.topics(bad)).toThrow(ConfigError);
    v.dispose();
  });

  it('a disposed model says so (MODEL_DISPOSED) instead of failing inside tfjs; dispose twice is harmless', () => {
    const v = view();
    v.dispose();
    v.dispose();
    for (const use of [() => v.topics(3), () => v.theta(2)]) {
      try {
        use();
        expect.unreachable();
      } catch (e) {
        expect((e as TopicKDError).code).toBe('MODEL_DISPOSED');
        expect((e as Error).message).toMatch(/was disposed/);
      }
    }
  });
});
