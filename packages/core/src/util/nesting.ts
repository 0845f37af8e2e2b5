/**
 * The deepest nesting of brackets ([ and {) in JSON or YAML text, outside quoted strings:
 * checked before a parser (or a validator walking the result) recurses into it, so a file of
 * 100,000 nested brackets is refused with a message instead of exhausting the call stack.
 * Counts in one pass, without recursion; stops counting once `stopAt` is passed.
 */
export function nestingDepth(text: string, stopAt = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return max;
}

/** How deep a TopicKD file (config, manifest, checkpoint header, JSONL record) may nest. */
export const MAX_NESTING = 64;
