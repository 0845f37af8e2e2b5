import { CsrBuilder, CsrMatrix } from '../data/csr-matrix.js';
import { ConfigError, DataError } from '../errors.js';
import { ENGLISH_STOPWORDS } from './stopwords.js';
import { tokenize, type TokenizerOptions } from './tokenizer.js';

export interface PreprocessOptions extends TokenizerOptions {
  /** Stopwords to drop: `'english'` (default), `false` for none, or your own list. */
  stopwords?: 'english' | false | readonly string[];
  /** Keep at most this many words, the most frequent (default 2000). */
  vocabularySize?: number;
  /** Drop words in fewer documents than this: a count (≥ 1) or a fraction (< 1). Default 1. */
  minDf?: number;
  /** Drop words in more documents than this fraction (default 1: keep all). */
  maxDf?: number;
  /** Documents with fewer in-vocabulary tokens than this are kept out (default 1). */
  minDocLength?: number;
  /** A fixed vocabulary: skips vocabulary building; out-of-vocabulary tokens are dropped. */
  vocabulary?: readonly string[];
  /** Input is already tokenized: split on whitespace only, no lowercasing or stopwords. */
  pretokenized?: boolean;
}

export interface PreprocessedCorpus {
  vocabulary: string[];
  /** Bag of words of the kept documents, rows aligned with `kept`. */
  bow: CsrMatrix;
  /** In-vocabulary tokens of each kept document, in text order (the coherence reference). */
  tokens: string[][];
  /** For each kept row, the index of its document in the input. */
  kept: Int32Array;
  /** How many input documents were left out (empty or shorter than `minDocLength`). */
  dropped: number;
  /** Things a user should know about the result (e.g. most "words" look like whole sentences). */
  warnings: string[];
}

/** Words longer than this look like untokenized sentences. */
export const LONG_WORD_CHARS = 30;

/**
 * The preprocessing a model was trained with, as saved in its manifest: everything
 * needed to turn new raw text into the same tokens (the vocabulary is saved beside it).
 */
export interface PreprocessingRecord {
  tokenizer: 'unicode-words' | 'whitespace';
  lowercase: boolean;
  minTokenLength: number;
  keepNumbers: boolean;
  /** `'english'` (TopicKD's list), `false`, or the list itself. */
  stopwords: 'english' | false | string[];
  vocabularySize: number;
  minDf: number;
  maxDf: number;
  minDocLength: number;
}

/**
 * What is wrong with a saved preprocessing record (from a model's manifest), or null: every
 * field typed and within the range a training run can write (a manifest that asks for
 * 10⁹-letter words would empty every bag of words without a word said).
 */
export function preprocessingRecordProblem(p: unknown): string | null {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return 'an object';
  const r = p as Record<string, unknown>;
  const int = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
  const allowed = ['tokenizer', 'lowercase', 'minTokenLength', 'keepNumbers', 'stopwords', 'vocabularySize', 'minDf', 'maxDf', 'minDocLength'];
  for (const k of Object.keys(r)) if (!allowed.includes(k)) return `an object with only ${allowed.join(', ')} (found "${k}")`;
  if (r.tokenizer !== 'unicode-words' && r.tokenizer !== 'whitespace') return '"tokenizer": "unicode-words" or "whitespace"';
  if (typeof r.lowercase !== 'boolean') return '"lowercase": true or false';
  if (!int(r.minTokenLength, 1, 100)) return '"minTokenLength": an integer from 1 to 100';
  if (typeof r.keepNumbers !== 'boolean') return '"keepNumbers": true or false';
  if (!(r.stopwords === 'english' || r.stopwords === false || (Array.isArray(r.stopwords) && r.stopwords.length <= 1_000_000 && r.stopwords.every((w) => typeof w === 'string')))) {
    return '"stopwords": "english", false, or a list of words';
  }
  if (!int(r.vocabularySize, 1, 1_000_000)) return '"vocabularySize": an integer from 1 to 1,000,000';
  if (!(typeof r.minDf === 'number' && Number.isFinite(r.minDf) && r.minDf > 0)) return '"minDf": a number > 0';
  if (!(typeof r.maxDf === 'number' && r.maxDf > 0 && r.maxDf <= 1)) return '"maxDf": a number in (0, 1]';
  if (!int(r.minDocLength, 0, 1_000_000)) return '"minDocLength": an integer from 0 to 1,000,000';
  return null;
}

/** Preprocessing options with every default filled in, as a record to save. */
export function preprocessingRecord(o: PreprocessOptions): PreprocessingRecord {
  return {
    tokenizer: o.pretokenized ? 'whitespace' : 'unicode-words',
    lowercase: o.lowercase ?? true,
    minTokenLength: o.minTokenLength ?? 2,
    keepNumbers: o.keepNumbers ?? false,
    stopwords: o.pretokenized ? false : o.stopwords === undefined || o.stopwords === 'english' ? 'english' : o.stopwords === false ? false : [...o.stopwords],
    vocabularySize: o.vocabularySize ?? 2000,
    minDf: o.minDf ?? 1,
    maxDf: o.maxDf ?? 1,
    minDocLength: o.minDocLength ?? 1,
  };
}

/** Options that repeat a saved preprocessing over a fixed vocabulary (for new text, evaluation, inference). */
export function preprocessOptionsOf(record: PreprocessingRecord, vocabulary: readonly string[]): PreprocessOptions {
  return {
    pretokenized: record.tokenizer === 'whitespace',
    lowercase: record.lowercase,
    minTokenLength: record.minTokenLength,
    keepNumbers: record.keepNumbers,
    stopwords: record.stopwords,
    minDocLength: record.minDocLength,
    vocabulary,
  };
}

export function validatePreprocessOptions(o: PreprocessOptions): void {
  const pos = (k: keyof PreprocessOptions, v: unknown, integer: boolean) => {
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw new ConfigError(`preprocessing option "${String(k)}" must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`, String(k));
    }
  };
  pos('vocabularySize', o.vocabularySize, true);
  pos('minDf', o.minDf, false);
  pos('maxDf', o.maxDf, false);
  pos('minDocLength', o.minDocLength, true);
  if (o.maxDf !== undefined && o.maxDf > 1) throw new ConfigError(`"maxDf" is a fraction of documents in (0, 1], got ${o.maxDf}`, 'maxDf');
}

/** Tokens of one document under `options` (before vocabulary filtering). */
export function documentTokens(text: string, options: PreprocessOptions, stop: Set<string> | null): string[] {
  if (options.pretokenized) return text.split(/\s+/).filter(Boolean);
  const toks = tokenize(text, options);
  return stop ? toks.filter((t) => !stop.has(t)) : toks;
}

export function stopwordSet(options: PreprocessOptions): Set<string> | null {
  if (options.pretokenized || options.stopwords === false) return null;
  const list = options.stopwords === undefined || options.stopwords === 'english' ? ENGLISH_STOPWORDS : options.stopwords;
  return new Set(list.map((w) => w.toLowerCase()));
}

/** Chooses the vocabulary from document frequencies (ties broken alphabetically, so it is deterministic). */
export function buildVocabulary(docs: readonly string[][], options: PreprocessOptions): string[] {
  const df = new Map<string, number>();
  const tf = new Map<string, number>();
  for (const d of docs) countTerms(d, df, tf);
  return buildVocabularyFromCounts(df, tf, docs.length, options);
}

/** Adds one document's tokens to document frequencies `df` and term frequencies `tf`. */
export function countTerms(tokens: readonly string[], df: Map<string, number>, tf: Map<string, number>): void {
  for (const w of new Set(tokens)) df.set(w, (df.get(w) ?? 0) + 1);
  for (const w of tokens) tf.set(w, (tf.get(w) ?? 0) + 1);
}

/** One document's bag of words over `index` (word → column); `length` counts its in-vocabulary tokens. */
export function wordCounts(tokens: Iterable<string>, index: Map<string, number>): { counts: Map<number, number>; length: number } {
  const counts = new Map<number, number>();
  let length = 0;
  for (const w of tokens) {
    const id = index.get(w);
    if (id === undefined) continue;
    counts.set(id, (counts.get(id) ?? 0) + 1);
    length++;
  }
  return { counts, length };
}

/** The vocabulary from document frequencies `df` and term frequencies `tf` over `n` documents. */
export function buildVocabularyFromCounts(df: Map<string, number>, tf: Map<string, number>, n: number, options: PreprocessOptions): string[] {
  const minDf = options.minDf ?? 1;
  const minCount = minDf < 1 ? Math.ceil(minDf * n) : minDf;
  const maxCount = (options.maxDf ?? 1) * n;
  const words = [...df.entries()].filter(([, c]) => c >= minCount && c <= maxCount).map(([w]) => w);
  words.sort((a, b) => tf.get(b)! - tf.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  return words.slice(0, options.vocabularySize ?? 2000).sort();
}

/**
 * Texts → vocabulary + sparse bag of words. Documents left empty (or shorter than
 * `minDocLength`) are counted in `dropped` and left out; `kept` maps every row
 * back to its input document so embeddings can never be misaligned.
 */
export function preprocess(texts: readonly string[], options: PreprocessOptions = {}): PreprocessedCorpus {
  validatePreprocessOptions(options);
  if (texts.length === 0) throw new DataError('the corpus is empty: give at least one document', 'EMPTY_CORPUS');
  const stop = stopwordSet(options);
  const docs = texts.map((t) => documentTokens(t, options, stop));
  const vocabulary = options.vocabulary ? [...options.vocabulary] : buildVocabulary(docs, options);
  if (vocabulary.length < 2) {
    throw new DataError(
      `the vocabulary has ${vocabulary.length} word${vocabulary.length === 1 ? '' : 's'}; a topic model needs at least 2 — ` +
        'add documents, lower minDf, or turn off stopword removal',
      'EMPTY_CORPUS',
    );
  }
  const index = new Map(vocabulary.map((w, i) => [w, i] as const));
  if (index.size !== vocabulary.length) throw new DataError('the vocabulary lists a word twice; give each word once');
  const minLen = options.minDocLength ?? 1;
  const builder = new CsrBuilder(vocabulary.length);
  const tokens: string[][] = [];
  const kept: number[] = [];
  for (let d = 0; d < docs.length; d++) {
    const inVocab = docs[d].filter((w) => index.has(w));
    if (inVocab.length < minLen || inVocab.length === 0) continue;
    builder.addRow(wordCounts(inVocab, index).counts);
    tokens.push(inVocab);
    kept.push(d);
  }
  if (kept.length === 0) {
    throw new DataError(
      `all ${texts.length} documents are empty after preprocessing (no in-vocabulary tokens); check the language, the stopword list and minDocLength`,
      'EMPTY_CORPUS',
    );
  }
  const warnings: string[] = [];
  let long = 0;
  for (const w of vocabulary) if ([...w].length > LONG_WORD_CHARS) long++;
  if (long > vocabulary.length / 2) {
    warnings.push(
      `${long} of the ${vocabulary.length} vocabulary words are longer than ${LONG_WORD_CHARS} characters: the text looks untokenized ` +
        '(a script written without spaces, or pretokenized input that is not split on spaces); tokenize it first or check the input format',
    );
  }
  return { vocabulary, bow: builder.build(), tokens, kept: Int32Array.from(kept), dropped: texts.length - kept.length, warnings };
}
