import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxEncoder, WordPieceTokenizer } from '@topickd/encoders';
import { EncoderUnavailableError, Random } from '@topickd/core';
import { tinyGatherModel } from './tiny-onnx.js';

const vocabList = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'the', 'cat', 'sat', '##s', 'dog', ',', 'on', 'mat', 'cafe', 'un', '##believ', '##able'];
const vocab = Object.fromEntries(vocabList.map((t, i) => [t, i]));
const tokenizerJson = {
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  truncation: null,
};
const D = 6;
const table = new Random(4).uniformArray(vocabList.length * D, -1, 1);

function modelDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'topickd-onnx-'));
  writeFileSync(join(dir, 'model.onnx'), tinyGatherModel(table, vocabList.length, D));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  return dir;
}

describe('WordPiece tokenizer from tokenizer.json', () => {
  it('lowercases, strips accents, splits punctuation, greedy longest-match with ## continuations', () => {
    const t = new WordPieceTokenizer(tokenizerJson);
    expect(t.encode('The cats, Café!').ids).toEqual([2, 4, 5, 7, 9, 12, 1, 3]);
    expect(t.encode('unbelievable dog').ids).toEqual([2, 13, 14, 15, 8, 3]);
    expect(t.encode('the cat sat on the mat', 4).ids).toEqual([2, 4, 5, 3]);
  });
});

describe('onnx encoder', () => {
  it('mean-pools the model output over the attention mask (checked by hand), batch-independent', async () => {
    const enc = new OnnxEncoder({ modelDir: modelDir(), normalize: false });
    const texts = ['the cat sat', 'dog', 'the cats, on the mat'];
    const m = await enc.embed(texts, { batchSize: 2 });
    expect(enc.dim).toBe(D);
    const tok = new WordPieceTokenizer(tokenizerJson);
    texts.forEach((t, i) => {
      const ids = tok.encode(t).ids;
      for (let d = 0; d < D; d++) {
        const want = ids.reduce((s, id) => s + table[id * D + d], 0) / ids.length;
        expect(Math.abs(m.data[i * D + d] - want)).toBeLessThan(1e-6);
      }
    });
    const one = await enc.embed(texts, { batchSize: 1 });
    expect(Array.from(one.data)).toEqual(Array.from(m.data));
    const norm = new OnnxEncoder({ modelDir: modelDir() });
    const n = await norm.embed(['the cat sat']);
    expect(Math.hypot(...Array.from(n.data))).toBeCloseTo(1, 5);
    expect(norm.id).toMatch(/^onnx:topickd-onnx-\w+@[0-9a-f]{12}$/);
  });

  it('a folder without the expected files is a typed error saying which files', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'topickd-onnx-empty-'));
    mkdirSync(empty, { recursive: true });
    const err = await new OnnxEncoder({ modelDir: empty }).load().catch((e) => e);
    expect(err).toBeInstanceOf(EncoderUnavailableError);
    expect(err.message).toMatch(/model\.onnx is missing; the folder must hold model\.onnx and tokenizer\.json/);
  });
});
