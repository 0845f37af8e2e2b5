import { describe, it, expect, beforeAll } from 'vitest';
import { tf, ContextualTopicModel, resolveModelConfig, trainModel, distill, ConfigError, DataError, TopicKDError, type DistillationLoss } from '@topickd/core';
import { WassersteinLoss, CrossEntropyLoss } from '@topickd/losses';
import { WasmBackend } from '@topickd/backend-wasm';
import { plantedCorpus } from './planted-corpus.js';

const c = plantedCorpus({ topics: 3, wordsPerTopic: 8, docs: 256, docLength: 20, dim: 8, seed: 7 });
const inputs = { bow: c.bow, embeddings: c.embeddings };
const V = c.vocabulary.length;
const zeroshot = (seed = 1, hidden = [16]) => new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 3, vocabSize: V, embeddingDim: 8, hiddenSizes: hidden }), seed);

describe('distiller', () => {
  let teacher: ContextualTopicModel;
  beforeAll(async () => {
    await new WasmBackend().activate();
    teacher = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: 3, vocabSize: V, embeddingDim: 8 }), 0);
    await trainModel(teacher, inputs, { epochs: 10 });
  });
  const losses = () => [
    { loss: new WassersteinLoss() as DistillationLoss, weight: 1 },
    { loss: new CrossEntropyLoss() as DistillationLoss, weight: 1 },
  ];

  it('α = 0 is plain training: the same weights as trainModel with the same seed', async () => {
    const a = zeroshot();
    const b = zeroshot();
    await trainModel(a, inputs, { epochs: 3, seed: 4 });
    await distill(teacher, b, { student: inputs, teacherEmbeddings: inputs.embeddings }, losses(), { epochs: 3, seed: 4, alpha: 0, temperature: 2 });
    expect(Array.from(b.beta().data)).toEqual(Array.from(a.beta().data));
    a.dispose();
    b.dispose();
  });

  it('distillation pulls the student posterior towards the teacher (W2 falls) and leaves the teacher untouched', async () => {
    const teacherBefore = Array.from(teacher.beta().data);
    const w2 = new WassersteinLoss();
    const meanW2 = (s: ContextualTopicModel) =>
      tf.tidy(() => {
        const batch = { bow: tf.tensor2d(c.bow.denseRows(Int32Array.from({ length: 256 }, (_, i) => i)), [256, V]), embeddings: tf.tensor2d(c.embeddings.data, [256, 8]) };
        const t = teacher.posterior(batch);
        const st = s.posterior(batch);
        return tf.mean(w2.compute({ ...t, theta: t.mu, wordLogits: t.mu }, { ...st, theta: st.mu, wordLogits: st.mu })).dataSync()[0];
      });
    const alone = zeroshot(2);
    await trainModel(alone, inputs, { epochs: 8, seed: 2 });
    const kd = zeroshot(2);
    await distill(teacher, kd, { student: inputs, teacherEmbeddings: inputs.embeddings }, losses(), { epochs: 8, seed: 2, alpha: 0.9, temperature: 2 });
    expect(meanW2(kd)).toBeLessThan(meanW2(alone));
    expect(Array.from(teacher.beta().data)).toEqual(teacherBefore);
    alone.dispose();
    kd.dispose();
  });

  it('does not leak tensors across distillation epochs', async () => {
    const s = zeroshot(3);
    const counts: number[] = [];
    await distill(teacher, s, { student: inputs, teacherEmbeddings: inputs.embeddings }, losses(), {
      epochs: 4,
      alpha: 0.5,
      temperature: 2,
      onEvent: (e) => e.type === 'epoch' && counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts).size).toBe(1);
    s.dispose();
  });

  it('a loss plugin with the wrong shape or NaN is a typed error naming the plugin', async () => {
    const bad: DistillationLoss = { name: 'bad-shape', compute: () => tf.zeros([2]) as tf.Tensor1D };
    const nan: DistillationLoss = { name: 'nan-loss', compute: (_t, s) => tf.mul(tf.sum(s.mu, 1), NaN) as tf.Tensor1D };
    const s = zeroshot();
    const e1 = await distill(teacher, s, { student: inputs, teacherEmbeddings: inputs.embeddings }, [{ loss: bad, weight: 1 }], { epochs: 1, alpha: 0.5, temperature: 1 }).catch((e) => e);
    expect(e1).toBeInstanceOf(TopicKDError);
    expect(e1.code).toBe('PLUGIN_FAILED');
    expect(e1.message).toMatch(/"bad-shape" returned shape \[2\]/);
    const e2 = await distill(teacher, s, { student: inputs, teacherEmbeddings: inputs.embeddings }, [{ loss: nan, weight: 1 }], { epochs: 1, alpha: 0.5, temperature: 1 }).catch((e) => e);
    expect(e2.code).toBe('PLUGIN_FAILED');
    expect(e2.message).toMatch(/"nan-loss" returned NaN or Inf/);
    s.dispose();
  });

  it('a loss plugin whose value is finite but whose gradient is not stops training before the update, naming the plugin', async () => {
    // √x at 0: value 0, gradient +∞ (a common plugin bug: a square root without an epsilon)
    const sqrtAtZero: DistillationLoss = { name: 'sqrt-at-zero', compute: (_t, st) => tf.sum(tf.sqrt(tf.mul(st.mu, 0)), 1) as tf.Tensor1D };
    const s = zeroshot();
    const before = s.trainableVariables().map((v) => Array.from(v.dataSync()));
    const err = await distill(teacher, s, { student: inputs, teacherEmbeddings: inputs.embeddings }, [{ loss: new WassersteinLoss(), weight: 1 }, { loss: sqrtAtZero, weight: 1 }], {
      epochs: 1,
      alpha: 0.5,
      temperature: 1,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(TopicKDError);
    expect(err.code).toBe('PLUGIN_FAILED');
    expect(err.message).toMatch(/"sqrt-at-zero" has a non-finite gradient .* student's mu; training stopped before the update/);
    expect(err.message).not.toMatch(/w2/);
    // not one weight moved: the first step stopped before Adam
    s.trainableVariables().forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(before[i]));
    s.dispose();
  });

  it('validates α, T and the teacher', async () => {
    const s = zeroshot();
    const run = (o: { alpha: number; temperature: number }, student = s) => distill(teacher, student, { student: inputs, teacherEmbeddings: inputs.embeddings }, losses(), { epochs: 1, ...o });
    await expect(run({ alpha: 1.5, temperature: 1 })).rejects.toBeInstanceOf(ConfigError);
    await expect(run({ alpha: -0.1, temperature: 1 })).rejects.toThrow(/"alpha" must be in \[0, 1\]/);
    await expect(run({ alpha: 0.5, temperature: 0 })).rejects.toThrow(/"temperature" must be > 0/);
    const wrongK = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 4, vocabSize: V, embeddingDim: 8 }), 0);
    await expect(run({ alpha: 0.5, temperature: 1 }, wrongK)).rejects.toThrow(/K = 3 topics, the student 4/);
    const wrongV = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 3, vocabSize: V + 1, embeddingDim: 8 }), 0);
    await expect(run({ alpha: 0.5, temperature: 1 }, wrongV)).rejects.toBeInstanceOf(DataError);
    s.dispose();
    wrongK.dispose();
    wrongV.dispose();
  });
});
