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

/** Unicode-aware word tokenizer: NFKC, lowercase, letters/digits runs. */
export function tokenize(text: string, options: TokenizerOptions = {}): string[] {
  const lower = options.lowercase ?? true;
  const minLen = options.minTokenLength ?? 2;
  const keepNumbers = options.keepNumbers ?? false;
  let t = text.normalize('NFKC');
  if (lower) t = t.toLowerCase();
  const out: string[] = [];
  for (const m of t.matchAll(WORD)) {
    const w = m[0];
    if (!keepNumbers && HAS_DIGIT.test(w)) continue;
    let n = 0;
    for (const _ of w) n++;
    if (n < minLen) continue;
    out.push(w);
  }
  return out;
}
