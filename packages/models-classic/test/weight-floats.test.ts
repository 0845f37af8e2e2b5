/**
 * Each model kind's `weightFloats(config)` — what the loader compares with a weights file before
 * it builds anything — equals the float32 values a saved model of that config holds.
 */
import { describe, it, expect } from 'vitest';
import { BUILTIN_MODEL_FACTORIES, resolveModelConfig, serializeModel, type TopicModelFactory } from '@topickd/core';
import { berTopicFactory, etmFactory, ldaFactory, neuralLdaFactory, prodLdaFactory } from '../src/index.js';

const kinds: TopicModelFactory[] = [...BUILTIN_MODEL_FACTORIES, prodLdaFactory, neuralLdaFactory, ldaFactory, berTopicFactory, etmFactory];

describe('weightFloats', () => {
  for (const f of kinds) {
    it(`${f.name}: the size a saved model has, for several shapes`, async () => {
      for (const [K, V, E, hidden] of [[3, 20, 8, [5]], [4, 31, 6, [7, 3]], [2, 12, 0, []]] as const) {
        if (E === 0 && f.needsEmbeddings !== false && f.name === 'bertopic') continue;
        // ETM's word embeddings are part of its weights: a saved ETM has its wordDim
        const options = f.name === 'etm' ? { wordDim: 5 } : undefined;
        const config = resolveModelConfig({ kind: f.name, numTopics: K, vocabSize: V, embeddingDim: f.name === 'bertopic' || f.name === 'combined' || f.name === 'zeroshot' ? Math.max(E, 4) : E, hiddenSizes: [...hidden], options });
        const { kind: _k, ...dims } = config;
        const model = f.create(dims, 0);
        const { manifest } = await serializeModel({ model, vocabulary: Array.from({ length: V }, (_, i) => `w${i}`), encoder: { id: 'test', dim: config.embeddingDim, type: 'use' }, training: {} });
        model.dispose();
        expect(f.weightFloats!(dims)).toBe(manifest.weights.bytes / 4);
      }
    });
  }
});
