import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preprocess, encodeNpy, CpuBackend, ContextualTopicModel, resolveModelConfig, trainModel, Random, DataError, type Float32Matrix } from '@topickd/core';
import { preprocessFile, openEmbeddingRows } from '@topickd/core/node';

const dir = mkdtempSync(join(tmpdir(), 'topickd-stream-'));
const m10 = fileURLToPath(new URL('../../../datasets/m10/corpus.tsv', import.meta.url));
const texts = readFileSync(m10, 'utf8').split('\n').filter(Boolean).slice(0, 1500).map((l) => l.split('\t')[0]);

describe('streamed corpora and embeddings', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });

  it('preprocessFile (two streamed passes) gives the vocabulary, bag of words and kept rows of preprocess', async () => {
    const txt = join(dir, 'corpus.txt');
    // a blank line and a stopword-only line are dropped and counted, as in memory
    const lines = [...texts.slice(0, 700), '', 'the of and', ...texts.slice(700)];
    writeFileSync(txt, '\uFEFF' + lines.join('\r\n') + '\r\n');
    const mem = preprocess(lines, { vocabularySize: 800, minDf: 2 });
    const progress: number[] = [];
    const st = await preprocessFile(txt, { vocabularySize: 800, minDf: 2, onProgress: (p) => progress.push(p) });
    expect(st.vocabulary).toEqual(mem.vocabulary);
    expect(Array.from(st.kept)).toEqual(Array.from(mem.kept));
    expect(st.dropped).toBe(mem.dropped);
    expect(st.dropped).toBeGreaterThanOrEqual(2);
    expect(st.documents).toBe(lines.length);
    expect(Array.from(st.bow.indptr)).toEqual(Array.from(mem.bow.indptr));
    expect(Array.from(st.bow.indices)).toEqual(Array.from(mem.bow.indices));
    expect(Array.from(st.bow.values)).toEqual(Array.from(mem.bow.values));
    // JSONL with a custom field
    const jl = join(dir, 'corpus.jsonl');
    writeFileSync(jl, texts.map((t) => JSON.stringify({ body: t })).join('\n') + '\n');
    const sj = await preprocessFile(jl, { format: 'jsonl', textField: 'body', vocabulary: mem.vocabulary });
    expect(sj.vocabulary).toEqual(mem.vocabulary);
    expect(sj.documents).toBe(texts.length);
    await expect(preprocessFile(jl, { format: 'jsonl', textField: 'nope' })).rejects.toThrow(/field "nope" is missing/);
    await expect(preprocessFile(join(dir, 'missing.txt'))).rejects.toBeInstanceOf(DataError);
  });

  it('openEmbeddingRows reads rows on demand from .npy and raw float32, and refuses a truncated file', () => {
    const r = new Random(2);
    const m: Float32Matrix = { rows: 50, cols: 7, data: r.uniformArray(350, -1, 1) };
    writeFileSync(join(dir, 'e.npy'), encodeNpy(m));
    writeFileSync(join(dir, 'e.f32'), Buffer.from(m.data.buffer));
    for (const f of [openEmbeddingRows(join(dir, 'e.npy')), openEmbeddingRows(join(dir, 'e.f32'), { cols: 7 })]) {
      expect([f.rows, f.cols]).toEqual([50, 7]);
      const idx = [3, 4, 5, 49, 0, 17];
      const out = new Float32Array(idx.length * 7);
      f.readRows(idx, out);
      idx.forEach((row, i) => expect(Array.from(out.subarray(i * 7, i * 7 + 7))).toEqual(Array.from(m.data.subarray(row * 7, row * 7 + 7))));
      const sel = f.select(Int32Array.from([10, 20, 30]));
      const o2 = new Float32Array(7);
      sel.readRows([2], o2);
      expect(Array.from(o2)).toEqual(Array.from(m.data.subarray(30 * 7, 31 * 7)));
      expect(() => f.readRows([50], new Float32Array(7))).toThrow(/outside the 50 rows/);
      f.close();
    }
    writeFileSync(join(dir, 'bad.npy'), encodeNpy(m).subarray(0, 300));
    expect(() => openEmbeddingRows(join(dir, 'bad.npy'))).toThrow(/truncated/);
  });

  it('training on streamed embedding rows gives the same weights as on the same rows in memory', async () => {
    const st = preprocess(texts.slice(0, 300), { vocabularySize: 300 });
    const E = 16;
    const emb: Float32Matrix = { rows: st.bow.rows, cols: E, data: new Random(3).uniformArray(st.bow.rows * E, -0.1, 0.1) };
    writeFileSync(join(dir, 'train.npy'), encodeNpy(emb));
    const train = async (embeddings: Parameters<typeof trainModel>[1]['embeddings']) => {
      const model = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 5, vocabSize: st.vocabulary.length, embeddingDim: E, hiddenSizes: [20] }), 1);
      await trainModel(model, { bow: st.bow, embeddings }, { epochs: 2, seed: 4 });
      const w = model.trainableVariables().map((v) => Array.from(v.dataSync()));
      model.dispose();
      return w;
    };
    const file = openEmbeddingRows(join(dir, 'train.npy'));
    const streamed = await train(file);
    file.close();
    expect(streamed).toEqual(await train(emb));
  });
});
