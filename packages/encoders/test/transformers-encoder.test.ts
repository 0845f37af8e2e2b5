import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransformersEncoder, WordPieceTokenizer } from '@topickd/encoders';
import { EncoderUnavailableError, Random } from '@topickd/core';
import { tinyGatherModel } from './tiny-onnx.js';

const vocabList = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'the', 'cat', 'sat', '##s', 'dog', ',', 'on', 'mat'];
const vocab = Object.fromEntries(vocabList.map((t, i) => [t, i]));
const D = 6;
const table = new Random(9).uniformArray(vocabList.length * D, -1, 1);
const tokenizerJson = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map((t) => ({ id: vocab[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
    pair: [],
    special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
  },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
};

function modelFolder(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'topickd-tf-')), 'tiny-bert');
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), tinyGatherModel(table, vocabList.length, D));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 128, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]' }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: D, vocab_size: vocabList.length, architectures: ['BertModel'] }));
  return dir;
}

describe('transformers encoder (local folder, no downloads)', () => {
  it('mean-pools the model output, equal to a hand computation', async () => {
    const enc = new TransformersEncoder({ modelDir: modelFolder(), normalize: false });
    const texts = ['the cat sat', 'the cats, on the mat'];
    const m = await enc.embed(texts);
    expect(enc.dim).toBe(D);
    const tok = new WordPieceTokenizer(tokenizerJson as never);
    texts.forEach((t, i) => {
      const ids = tok.encode(t).ids;
      for (let d = 0; d < D; d++) {
        const want = ids.reduce((s, id) => s + table[id * D + d], 0) / ids.length;
        expect(Math.abs(m.data[i * D + d] - want)).toBeLessThan(1e-5);
      }
    });
  });

  it('a missing folder or file is a typed error listing the expected files', async () => {
    const err = await new TransformersEncoder({ modelDir: '/nonexistent/model' }).load().catch((e) => e);
    expect(err).toBeInstanceOf(EncoderUnavailableError);
    expect(err.message).toMatch(/does not exist; it must hold config\.json, tokenizer\.json, tokenizer_config\.json, onnx\/model\.onnx/);
    const empty = mkdtempSync(join(tmpdir(), 'topickd-tf-empty-'));
    const err2 = await new TransformersEncoder({ modelDir: empty }).load().catch((e) => e);
    expect(err2.message).toMatch(/lacks config\.json, tokenizer\.json, tokenizer_config\.json, onnx\/model\.onnx/);
  });
});
