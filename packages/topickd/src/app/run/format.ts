/** Small formatting helpers for what the CLI prints. */

/** "1 document", "2 documents", "16,401 documents". */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : pluralWord}`;
}

/** A count with thousands separators: 1257448 → "1,257,448". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** "m ± sd" over several values; just "m" for one (a single run has no spread to show). */
export function formatMeanStd(xs: readonly number[], digits: number): string {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return m.toFixed(digits);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
  return `${m.toFixed(digits)} ± ${sd.toFixed(digits)}`;
}
