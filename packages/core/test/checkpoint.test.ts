import { describe, it, expect, beforeAll } from 'vitest';
import { ContextualTopicModel, resolveModelConfig, trainModel, serializeCheckpoint, parseCheckpoint, AbortError, ModelFileError, type TrainerState } from '@topickd/core';
import { WasmBackend } from '@topickd/backend-wasm';
import { plantedCorpus } from './planted-corpus.js';

const c = plantedCorpus({ topics: 3, wordsPerTopic: 8, docs: 300, docLength: 20, dim: 8, seed: 11 });
const inputs = { bow: c.bow, embeddings: c.embeddings };
const cfg = resolveModelConfig({ kind: 'combined', numTopics: 3, vocabSize: c.vocabulary.length, embeddingDim: 8, hiddenSizes: [16] });
const meta = { config: cfg, vocabulary: c.vocabulary, encoder: { id: 'test', dim: 8 }, options: {} };
const weights = (m: ContextualTopicModel) => [...m.params.values()].flatMap((v) => Array.from(v.dataSync()));

describe('checkpoints', () => {
  beforeAll(async () => {
    await new WasmBackend().activate();
  });

  it('an interrupted and resumed run ends with the same weights (≤ 1e-6) as an uninterrupted one', async () => {
    const full = new ContextualTopicModel(cfg, 1);
    await trainModel(full, inputs, { epochs: 5, seed: 3, validationFraction: 0.2 });

    const first = new ContextualTopicModel(cfg, 1);
    const ac = new AbortController();
    let saved: Uint8Array | undefined;
    const err = await trainModel(first, inputs, {
      epochs: 5,
      seed: 3,
      validationFraction: 0.2,
      signal: ac.signal,
      checkpointEvery: 2,
      onCheckpoint: async (state: TrainerState) => {
        saved = await serializeCheckpoint(meta, state);
        ac.abort(); // the process "dies" right after the checkpoint
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(AbortError);
    const { state, meta: m } = await parseCheckpoint(saved!, 'mem');
    expect(state.epoch).toBe(2);
    expect(m.vocabulary).toEqual(c.vocabulary);

    const resumed = new ContextualTopicModel(cfg, 99); // different init: everything comes from the checkpoint
    const res = await trainModel(resumed, inputs, { epochs: 5, seed: 3, validationFraction: 0.2, resume: state });
    expect(res.lossHistory.length).toBe(5);
    const a = weights(full);
    const b = weights(resumed);
    let maxDiff = 0;
    a.forEach((x, i) => (maxDiff = Math.max(maxDiff, Math.abs(x - b[i]))));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    full.dispose();
    first.dispose();
    resumed.dispose();
  });

  it('a damaged checkpoint is refused', async () => {
    const m = new ContextualTopicModel(cfg, 1);
    let bytes: Uint8Array | undefined;
    await trainModel(m, inputs, { epochs: 2, checkpointEvery: 1, onCheckpoint: async (s) => void (bytes = await serializeCheckpoint(meta, s)) });
    const corrupt = bytes!.slice();
    corrupt[corrupt.length - 3] ^= 0xff;
    await expect(parseCheckpoint(corrupt, 'ck')).rejects.toThrow(/checksum mismatch/);
    await expect(parseCheckpoint(bytes!.slice(0, bytes!.length - 8), 'ck')).rejects.toThrow(/truncated/);
    await expect(parseCheckpoint(new TextEncoder().encode('hello world!'), 'ck')).rejects.toBeInstanceOf(ModelFileError);
    m.dispose();
  });
});
