export interface TokenizerOptions {
  /** Lowercase tokens (default true). */
  lowercase?: boolean;
  /** Shortest token kept, in code points (default 2). */
  minTokenLength?: number;
  /** Keep tokens that contain digits (default false: "2021", "mp3" are dropped). */
  keepNumbers?: boolean;
}

// A word: letters (any script) with combining marks, optionally joined by apostrophes
// or hyphens ("don't", "state-of-the-art" -> "state", "of", ...). Digits only when asked.
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const HAS_DIGIT = /\p{N}/u;

// Scripts written without spaces between words: a run of letters is a whole sentence
// there, so it is split into words by the platform's dictionary-based word segmenter.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
let segmenter: Intl.Segmenter | undefined;

function* words(text: string): Generator<string> {
  for (const m of text.matchAll(WORD)) {
    const w = m[0];
    if (!UNSPACED.test(w)) {
      yield w;
      continue;
    }
    segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
    for (const seg of segmenter.segment(w)) if (seg.isWordLike) yield seg.segment;
  }
}

/**
 * Unicode-aware word tokenizer: NFKC, lowercase, runs of letters/digits; Chinese, Japanese,
 * Thai, Lao, Khmer and Burmese runs split into words with `Intl.Segmenter`.
 */
export function tokenize(text: string, options: TokenizerOptions = {}): string[] {
  const lower = options.lowercase ?? true;
  const minLen = options.minTokenLength ?? 2;
  const keepNumbers = options.keepNumbers ?? false;
  let t = text.normalize('NFKC');
  if (lower) t = t.toLowerCase();
  const out: string[] = [];
  for (const w of words(t)) {
    if (!keepNumbers && HAS_DIGIT.test(w)) continue;
    let n = 0;
    for (const _ of w) n++;
    if (n < minLen) continue;
    out.push(w);
  }
  return out;
}
