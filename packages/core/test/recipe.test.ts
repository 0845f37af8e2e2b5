/**
 * The distillation recipes: where α and T come from when a run does not give them. The
 * auto rule is checked against its closed form, the paper's table against the paper's values.
 */
import { describe, it, expect } from 'vitest';
import { AUTO_TEMPERATURE, ConfigError, ContextualTopicModel, autoAlpha, distillHyper, lossReads, meanDocumentLength, paperHyper, resolveModelConfig, supportedLosses, type TopicModel } from '../src/index.js';

describe('distillation recipes', () => {
  it('auto: T 4 and α = n̄ / (n̄ + 7.5), within [0.1, 0.9]', () => {
    for (const n of [2, 5.91, 10, 32.24, 49.88]) {
      const h = distillHyper({}, { meanDocumentLength: n, topics: 20 });
      expect(h).toEqual({ alpha: Math.min(0.9, Math.max(0.1, n / (n + 7.5))), temperature: AUTO_TEMPERATURE, recipe: 'auto', meanDocumentLength: n });
    }
    // short texts pull less towards the teacher than long ones
    expect(autoAlpha(5.91)).toBeLessThan(autoAlpha(49.88));
    expect(autoAlpha(0.5)).toBe(0.1);
    expect(autoAlpha(500)).toBe(0.9);
    expect(() => autoAlpha(0)).toThrow(ConfigError);
    expect(() => autoAlpha(Number.NaN)).toThrow(/mean document length/);
  });

  it('paper: the table of Adhya & Sanyal (2023) per dataset and K', () => {
    expect(paperHyper('20ng', 20)).toEqual({ alpha: 0.1, temperature: 3 });
    expect(paperHyper('20NG', 50)).toEqual({ alpha: 0.9, temperature: 3 });
    expect(paperHyper('m10', 20)).toEqual({ alpha: 0.8, temperature: 4 });
    expect(paperHyper('m10', 50)).toEqual({ alpha: 0.8, temperature: 1 });
    expect(distillHyper({ recipe: 'paper' }, { dataset: '20ng', topics: 20, meanDocumentLength: 50 })).toEqual({ alpha: 0.1, temperature: 3, recipe: 'paper' });
  });

  it('what is given wins; the rest comes from the recipe', () => {
    expect(distillHyper({ alpha: 0.3, temperature: 2 }, { meanDocumentLength: 6, topics: 20 })).toEqual({ alpha: 0.3, temperature: 2, recipe: 'given' });
    expect(distillHyper({ alpha: 0.3 }, { meanDocumentLength: 6, topics: 20 })).toEqual({ alpha: 0.3, temperature: 4, recipe: 'auto' });
    const t = distillHyper({ temperature: 2 }, { meanDocumentLength: 6, topics: 20 });
    expect(t.temperature).toBe(2);
    expect(t.alpha).toBeCloseTo(6 / 13.5, 15);
    expect(distillHyper({ temperature: 2, recipe: 'paper' }, { dataset: 'm10', topics: 50 })).toEqual({ alpha: 0.8, temperature: 2, recipe: 'paper' });
    expect(() => distillHyper({ recipe: 'best' as never }, { topics: 20 })).toThrow(/"recipe" must be one of auto, paper/);
  });

  it('the distillation phase: auto distils for the first half of a run of ≤ 50 epochs (rounded up), every epoch of a longer one; paper, and α with T given, for all; kdEpochs given wins', () => {
    expect(distillHyper({}, { meanDocumentLength: 6, topics: 20, epochs: 30 }).kdEpochs).toBe(15);
    expect(distillHyper({}, { meanDocumentLength: 6, topics: 20, epochs: 31 }).kdEpochs).toBe(16);
    expect(distillHyper({}, { meanDocumentLength: 6, topics: 20, epochs: 50 }).kdEpochs).toBe(25);
    expect(distillHyper({}, { meanDocumentLength: 6, topics: 20, epochs: 51 }).kdEpochs).toBeUndefined();
    expect(distillHyper({ alpha: 0.5 }, { topics: 20, epochs: 40 }).kdEpochs).toBe(20);
    expect(distillHyper({ alpha: 0.5, temperature: 2, recipe: 'auto' }, { topics: 20, epochs: 30 }).kdEpochs).toBe(15);
    expect(distillHyper({ alpha: 0.5 }, { topics: 20, epochs: 100 }).kdEpochs).toBeUndefined();
    expect(distillHyper({ alpha: 0.5, temperature: 2 }, { topics: 20, epochs: 100 }).kdEpochs).toBeUndefined();
    expect(distillHyper({ recipe: 'paper' }, { dataset: 'm10', topics: 20, epochs: 100 }).kdEpochs).toBeUndefined();
    expect(distillHyper({ kdEpochs: 7 }, { meanDocumentLength: 6, topics: 20, epochs: 100 }).kdEpochs).toBe(7);
    expect(distillHyper({ recipe: 'paper', kdEpochs: 7 }, { topics: 20, epochs: 100 }).kdEpochs).toBe(7);
  });

  it('mean document length of a bag of words', () => {
    // 3 documents with 2, 5 and 1 tokens
    expect(meanDocumentLength({ rows: 3, values: new Float32Array([1, 1, 3, 2, 1]) })).toBeCloseTo(8 / 3, 12);
    expect(meanDocumentLength({ rows: 0, values: new Float32Array(0) })).toBe(0);
  });
});

describe('which losses a teacher can serve', () => {
  const loss = (name: string, reads?: ('posterior' | 'words' | 'theta')[]) => ({ loss: { name, reads, compute: () => { throw new Error('not run'); } }, weight: 1 });
  const neural = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 2, vocabSize: 4, embeddingDim: 3 }), 0);
  const wordsOnly = { kind: 'lda' } as unknown as TopicModel; // no posterior network
  it('a neural teacher serves every loss; one without a posterior only those that read words', () => {
    const all = [loss('w2', ['posterior']), loss('ce', ['words']), loss('plugin')];
    expect(supportedLosses([neural], all).map((l) => l.loss.name)).toEqual(['w2', 'ce', 'plugin']);
    expect(() => supportedLosses([wordsOnly], all)).toThrow(/loss "w2" reads the teacher's posterior .* a "lda" teacher does not have/);
    // the defaults: the losses it cannot serve are left out
    expect(supportedLosses([wordsOnly], all, true).map((l) => l.loss.name)).toEqual(['ce']);
    expect(() => supportedLosses([wordsOnly], [loss('w2', ['posterior'])], true)).toThrow(/none of the distillation losses \(w2\)/);
    // with several teachers, a neural one provides the posterior
    expect(supportedLosses([wordsOnly, neural], all).map((l) => l.loss.name)).toEqual(['w2', 'ce', 'plugin']);
    expect(lossReads({ name: 'x', compute: () => { throw new Error(); } })).toEqual(['posterior', 'words', 'theta']);
    neural.dispose();
  });
});
