import { UnknownWordError } from '../errors.js';
/**
 * Co-occurrence statistics of a reference corpus, computed the way gensim 4.2's
 * CoherenceModel does, built once and shared by every metric and topic set:
 *
 *  - Boolean sliding windows (c_npmi, c_uci: 10; c_v: 110). Each document is a list
 *    of tokens; a window of size w slides one token at a time inside a document,
 *    never across documents; a document shorter than w is one (virtual) window.
 *    N is the number of windows of all documents. A word or a pair counts once per
 *    window in which gensim's incremental window bookkeeping marks it present (see
 *    `wordIntervals`: a word repeated inside one window drops out early — gensim's
 *    quirk, reproduced so that the numbers are the same).
 *  - Boolean documents (u_mass): counts of documents, N = all documents.
 *
 * Counts are computed per word from its positions (intervals of window starts),
 * so evaluation costs grow with the occurrences of the evaluated words, not with
 * corpus size × window².
 */
export class ReferenceCorpus {
  readonly numDocs: number;
  readonly docLengths: Int32Array;
  private readonly wordIds = new Map<string, number>();
  /** For each word: docs it occurs in (ascending) and, per doc, its positions. */
  private readonly postings: { docs: number[]; positions: number[][] }[] = [];
  private readonly windowCache = new Map<number, WindowStats>();

  constructor(texts: readonly (readonly string[])[]) {
    this.numDocs = texts.length;
    this.docLengths = Int32Array.from(texts, (t) => t.length);
    texts.forEach((text, d) => {
      text.forEach((tok, pos) => {
        let id = this.wordIds.get(tok);
        if (id === undefined) {
          id = this.postings.length;
          this.wordIds.set(tok, id);
          this.postings.push({ docs: [], positions: [] });
        }
        const p = this.postings[id];
        if (p.docs[p.docs.length - 1] !== d) {
          p.docs.push(d);
          p.positions.push([pos]);
        } else p.positions[p.positions.length - 1].push(pos);
      });
    });
  }

  /** Size of the dictionary (distinct tokens), as gensim's Dictionary(texts). */
  get dictionarySize(): number {
    return this.postings.length;
  }

  has(word: string): boolean {
    return this.wordIds.has(word);
  }

  id(word: string): number {
    const id = this.wordIds.get(word);
    if (id === undefined) throw new UnknownWordError(word);
    return id;
  }

  /** Number of documents containing `a` (u_mass). */
  docCount(a: number): number {
    return this.postings[a].docs.length;
  }

  /** Number of documents containing both `a` and `b` (u_mass). */
  coDocCount(a: number, b: number): number {
    return intersectCount(this.postings[a].docs, this.postings[b].docs);
  }

  /** Sliding-window statistics for window size `w`, cached. */
  windows(w: number): WindowStats {
    let s = this.windowCache.get(w);
    if (!s) {
      s = new WindowStats(this, w);
      this.windowCache.set(w, s);
    }
    return s;
  }

  /** @internal */
  postingOf(a: number): { docs: number[]; positions: number[][] } {
    return this.postings[a];
  }
}

/** Boolean sliding-window counts for one window size. */
export class WindowStats {
  private readonly virtualDocs: Int32Array;
  /** Per word: for each doc it occurs in, merged intervals [start, end] of window starts containing it. */
  private readonly intervals = new Map<number, Int32Array[]>();
  private readonly counts = new Map<number, number>();
  private readonly pairCounts = new Map<string, number>();

  constructor(
    private readonly corpus: ReferenceCorpus,
    readonly windowSize: number,
  ) {
    this.virtualDocs = Int32Array.from(corpus.docLengths, (L) => (L >= windowSize ? L - windowSize + 1 : 1));
  }

  /** N: the number of (virtual) windows over all documents. */
  numWindows(): number {
    let n = 0;
    for (let d = 0; d < this.virtualDocs.length; d++) n += this.virtualDocs[d];
    return n;
  }

  private wordIntervals(a: number): Int32Array[] {
    let iv = this.intervals.get(a);
    if (iv) return iv;
    const w = this.windowSize;
    const { docs, positions } = this.corpus.postingOf(a);
    iv = docs.map((d, k) => {
      const nW = this.virtualDocs[d];
      if (this.corpus.docLengths[d] < w) return Int32Array.of(0, 0);
      const P = positions[k];
      // gensim's WordOccurrenceAccumulator slides its set of words incrementally: the
      // token leaving the window is unset even if it occurs again inside the window,
      // and the token entering is set. A word is therefore "present" from a set event
      // t (the first window if it occurs there; t = p − w + 1 for an occurrence p ≥ w)
      // up to and including the window starting at its first occurrence ≥ t.
      const events: number[] = [];
      if (P[0] <= w - 1) events.push(0);
      for (const p of P) if (p >= w) events.push(p - w + 1);
      const out: number[] = [];
      let q = 0;
      for (const t of events) {
        while (P[q] < t) q++;
        const e = Math.min(P[q], nW - 1);
        if (out.length && t <= out[out.length - 1] + 1) out[out.length - 1] = Math.max(out[out.length - 1], e);
        else out.push(t, e);
      }
      return Int32Array.from(out);
    });
    this.intervals.set(a, iv);
    return iv;
  }

  /** Windows containing word `a`. */
  count(a: number): number {
    let c = this.counts.get(a);
    if (c === undefined) {
      c = 0;
      for (const iv of this.wordIntervals(a)) for (let i = 0; i < iv.length; i += 2) c += iv[i + 1] - iv[i] + 1;
      this.counts.set(a, c);
    }
    return c;
  }

  /** Windows containing both `a` and `b` (a = b gives `count(a)`). */
  pairCount(a: number, b: number): number {
    if (a === b) return this.count(a);
    const key = a < b ? `${a},${b}` : `${b},${a}`;
    let c = this.pairCounts.get(key);
    if (c !== undefined) return c;
    c = 0;
    const pa = this.corpus.postingOf(a);
    const pb = this.corpus.postingOf(b);
    const ia = this.wordIntervals(a);
    const ib = this.wordIntervals(b);
    let i = 0;
    let j = 0;
    while (i < pa.docs.length && j < pb.docs.length) {
      if (pa.docs[i] < pb.docs[j]) i++;
      else if (pa.docs[i] > pb.docs[j]) j++;
      else {
        c += intervalOverlap(ia[i], ib[j]);
        i++;
        j++;
      }
    }
    this.pairCounts.set(key, c);
    return c;
  }
}

function intervalOverlap(x: Int32Array, y: Int32Array): number {
  let i = 0;
  let j = 0;
  let total = 0;
  while (i < x.length && j < y.length) {
    const lo = Math.max(x[i], y[j]);
    const hi = Math.min(x[i + 1], y[j + 1]);
    if (hi >= lo) total += hi - lo + 1;
    if (x[i + 1] < y[j + 1]) i += 2;
    else j += 2;
  }
  return total;
}

function intersectCount(a: number[], b: number[]): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else {
      n++;
      i++;
      j++;
    }
  }
  return n;
}
