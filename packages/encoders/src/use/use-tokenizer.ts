/**
 * The Universal Sentence Encoder (lite) tokenizer: SentencePiece-style unigram
 * segmentation by Viterbi over a vocabulary of (piece, score) pairs, after NFKC and
 * with "▁" marking word starts — the algorithm of the tfjs-models USE tokenizer,
 * reimplemented. Unknown characters become id 0; consecutive unknowns merge.
 */
const SEPARATOR = '\u2581';
const RESERVED_SYMBOLS = 6;

type Piece = [string, number];

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Set when a vocabulary piece ends here. */
  score?: number;
  id?: number;
  length: number;
}

/** Splits a string into code points (so surrogate pairs are one symbol). */
function chars(s: string): string[] {
  return Array.from(s);
}

export class UseTokenizer {
  private readonly root: TrieNode = { children: new Map(), length: 0 };
  private readonly pieceLengths: Int32Array;

  constructor(vocabulary: readonly Piece[]) {
    this.pieceLengths = Int32Array.from(vocabulary, ([p]) => chars(p).length);
    for (let i = RESERVED_SYMBOLS; i < vocabulary.length; i++) {
      const [piece, score] = vocabulary[i];
      let node = this.root;
      for (const c of chars(piece)) {
        let next = node.children.get(c);
        if (!next) {
          next = { children: new Map(), length: node.length + 1 };
          node.children.set(c, next);
        }
        node = next;
      }
      node.score = score;
      node.id = i;
    }
  }

  /**
   * The ids of a text's first `maxPieces` pieces; a long text is tokenized from a generous prefix
   * only (a piece covers ≥ 1 character, so 16 characters per piece is plenty).
   */
  encodePrefix(text: string, maxPieces: number): number[] {
    return this.encode(text.length > maxPieces * 16 ? text.slice(0, maxPieces * 16) : text).slice(0, maxPieces);
  }

  encode(text: string): number[] {
    const normalized = text.normalize('NFKC');
    if (normalized.length === 0) return [];
    const symbols = chars(SEPARATOR + normalized.replace(/ /g, SEPARATOR));
    const n = symbols.length;
    const best = new Float64Array(n + 1);
    const bestId = new Int32Array(n + 1);
    const bestLen = new Int32Array(n + 1);
    const reached = new Uint8Array(n + 1);
    reached[0] = 1;
    // forward Viterbi: for each start, every vocabulary piece that matches there
    for (let i = 0; i < n; i++) {
      if (!reached[i]) continue;
      let node = this.root.children.get(symbols[i]);
      let matched = false;
      for (let j = i; j < n && node; j++) {
        if (node.id !== undefined) {
          matched = true;
          relax(j + 1, best[i] + node.score!, node.id, node.length);
        }
        node = node.children.get(symbols[j + 1]);
      }
      if (!matched) relax(i + 1, best[i], 0, 1); // unknown symbol: id 0, score 0
    }
    function relax(end: number, score: number, id: number, len: number) {
      if (!reached[end] || score >= best[end]) {
        reached[end] = 1;
        best[end] = score;
        bestId[end] = id;
        bestLen[end] = len;
      }
    }
    const ids: number[] = [];
    for (let end = n; end > 0; end -= bestLen[end]) ids.push(bestId[end]);
    ids.reverse();
    const merged: number[] = [];
    for (let i = 0; i < ids.length; i++) if (!(ids[i] === 0 && i > 0 && ids[i - 1] === 0)) merged.push(ids[i]);
    return merged;
  }
}
