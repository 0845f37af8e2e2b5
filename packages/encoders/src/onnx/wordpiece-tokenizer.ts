import { EncoderUnavailableError } from '@topickd/core';

/** The parts of a Hugging Face `tokenizer.json` a BERT-style WordPiece tokenizer needs. */
interface TokenizerJson {
  normalizer?: { type?: string; lowercase?: boolean; strip_accents?: boolean | null; normalizers?: { type?: string; lowercase?: boolean }[] } | null;
  model?: { type?: string; vocab?: Record<string, number>; unk_token?: string; continuing_subword_prefix?: string; max_input_chars_per_word?: number };
  added_tokens?: { id: number; content: string }[];
  truncation?: { max_length?: number } | null;
}

export interface Encoding {
  ids: number[];
  attentionMask: number[];
}

const PUNCT = /[\p{P}\p{S}]/u;
const isCjk = (cp: number) =>
  (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);

/**
 * A BERT WordPiece tokenizer read from a Hugging Face `tokenizer.json` (what
 * sentence-transformers exports): BERT normalizer (clean text, CJK spacing, optional
 * lowercase and accent stripping), whitespace + punctuation pre-tokenizer, greedy
 * longest-match WordPiece with "##" continuations, and `[CLS] … [SEP]` around each text.
 */
export class WordPieceTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly unk: number;
  private readonly cls: number;
  private readonly sep: number;
  private readonly prefix: string;
  private readonly maxChars: number;
  private readonly lowercase: boolean;
  private readonly stripAccents: boolean;
  readonly maxLength: number | undefined;

  constructor(json: TokenizerJson, where = 'tokenizer.json') {
    const model = json.model;
    if (!model || model.type !== 'WordPiece' || !model.vocab) {
      throw new EncoderUnavailableError('onnx', `${where}: only WordPiece tokenizers (BERT, MiniLM, MPNet-style exports) are supported, found ${JSON.stringify(model?.type ?? null)}`);
    }
    this.vocab = new Map(Object.entries(model.vocab));
    for (const t of json.added_tokens ?? []) this.vocab.set(t.content, t.id);
    const need = (t: string) => {
      const id = this.vocab.get(t);
      if (id === undefined) throw new EncoderUnavailableError('onnx', `${where}: the vocabulary has no ${t} token`);
      return id;
    };
    this.unk = need(model.unk_token ?? '[UNK]');
    this.cls = need('[CLS]');
    this.sep = need('[SEP]');
    this.prefix = model.continuing_subword_prefix ?? '##';
    this.maxChars = model.max_input_chars_per_word ?? 100;
    const n = json.normalizer;
    const bert = n?.type === 'BertNormalizer' ? n : undefined;
    const seqLower = n?.normalizers?.some((x) => x.type === 'Lowercase') ?? false;
    this.lowercase = bert ? bert.lowercase !== false : seqLower;
    this.stripAccents = bert ? (bert.strip_accents ?? this.lowercase) === true : false;
    this.maxLength = json.truncation?.max_length;
  }

  private normalize(text: string): string {
    let out = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp === 0 || cp === 0xfffd || /\p{Cc}/u.test(ch)) {
        if (ch === '\t' || ch === '\n' || ch === '\r') out += ' ';
        continue;
      }
      out += isCjk(cp) ? ` ${ch} ` : /\s/u.test(ch) ? ' ' : ch;
    }
    if (this.lowercase) out = out.toLowerCase();
    if (this.stripAccents) out = out.normalize('NFD').replace(/\p{Mn}/gu, '');
    return out;
  }

  private preTokenize(text: string): string[] {
    const words: string[] = [];
    for (const chunk of text.split(/\s+/)) {
      let cur = '';
      for (const ch of chunk) {
        if (PUNCT.test(ch)) {
          if (cur) words.push(cur);
          words.push(ch);
          cur = '';
        } else cur += ch;
      }
      if (cur) words.push(cur);
    }
    return words;
  }

  private wordPiece(word: string): number[] {
    const chars = Array.from(word);
    if (chars.length > this.maxChars) return [this.unk];
    const ids: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (start < end) {
        const piece = (start > 0 ? this.prefix : '') + chars.slice(start, end).join('');
        const id = this.vocab.get(piece);
        if (id !== undefined) {
          found = id;
          break;
        }
        end--;
      }
      if (found === undefined) return [this.unk];
      ids.push(found);
      start = end;
    }
    return ids;
  }

  /** `[CLS] tokens [SEP]`, truncated to `maxLength` tokens in all. */
  encode(text: string, maxLength = this.maxLength ?? 512): Encoding {
    const body = this.preTokenize(this.normalize(text)).flatMap((w) => this.wordPiece(w));
    const ids = [this.cls, ...body.slice(0, Math.max(0, maxLength - 2)), this.sep];
    return { ids, attentionMask: ids.map(() => 1) };
  }
}
