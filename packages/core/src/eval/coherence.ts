import { DataError, TopicKDError, UnknownWordError } from '../errors.js';

export { UnknownWordError } from '../errors.js';
import { ReferenceCorpus, type WindowStats } from './reference-corpus.js';

/** gensim's EPSILON in direct_confirmation_measure / indirect_confirmation_measure. */
const EPS = 1e-12;

export type CoherenceMeasure = 'c_npmi' | 'c_uci' | 'u_mass' | 'c_v';

/** Default window sizes, as gensim's CoherenceModel. */
export const DEFAULT_WINDOW: Record<CoherenceMeasure, number | null> = { c_npmi: 10, c_uci: 10, c_v: 110, u_mass: null };

export interface CoherenceOptions {
  /** Words per topic (default 10). */
  topn?: number;
  /** Override gensim's default window size. */
  windowSize?: number;
  /** Drop topic words missing from the reference corpus instead of failing. */
  skipUnknownWords?: boolean;
}

export interface MetricResult {
  mean: number;
  perTopic: number[];
}

function topicIds(ref: ReferenceCorpus, topics: readonly (readonly string[])[], o: CoherenceOptions): number[][] {
  const topn = o.topn ?? 10;
  return topics.map((t, k) => {
    const ids: number[] = [];
    for (const w of t.slice(0, topn)) {
      if (!ref.has(w)) {
        if (o.skipUnknownWords) continue;
        throw new UnknownWordError(w, k);
      }
      ids.push(ref.id(w));
    }
    return ids;
  });
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** NPMI (normalize) or PMI of a pair from window counts, exactly as gensim's log_ratio_measure. */
function logRatio(ws: WindowStats, n: number, a: number, b: number, normalize: boolean): number {
  const co = ws.pairCount(a, b);
  const pa = ws.count(a) / n;
  const pb = ws.count(b) / n;
  const numerator = Math.log((co / n + EPS) / (pa * pb));
  return normalize ? numerator / -Math.log(co / n + EPS) : numerator;
}

/** c_npmi / c_uci: mean over all ordered pairs (i ≠ j) of a topic's words (s_one_one). */
function directPairs(ref: ReferenceCorpus, ids: number[][], window: number, normalize: boolean): number[] {
  const ws = ref.windows(window);
  const n = ws.numWindows();
  return ids.map((t) => {
    const vals: number[] = [];
    for (let i = 0; i < t.length; i++) for (let j = 0; j < t.length; j++) if (i !== j) vals.push(logRatio(ws, n, t[i], t[j], normalize));
    return mean(vals);
  });
}

/** u_mass: s_one_pre segmentation, log conditional probability over documents. */
function uMass(ref: ReferenceCorpus, ids: number[][]): number[] {
  const n = ref.numDocs;
  return ids.map((t) => {
    const vals: number[] = [];
    for (let i = 1; i < t.length; i++) {
      for (let j = 0; j < i; j++) {
        const co = ref.coDocCount(t[i], t[j]);
        vals.push(Math.log((co / n + EPS) / (ref.docCount(t[j]) / n)));
      }
    }
    return mean(vals);
  });
}

/**
 * c_v: s_one_set segmentation (each word against the whole topic), indirect cosine
 * confirmation over NPMI context vectors (γ = 1), window 110, arithmetic mean.
 */
function cV(ref: ReferenceCorpus, ids: number[][], window: number): number[] {
  const ws = ref.windows(window);
  const n = ws.numWindows();
  return ids.map((t) => {
    const npmi = t.map((a) => t.map((b) => logRatio(ws, n, a < b ? a : b, a < b ? b : a, true)));
    const setVector = t.map((_, j) => t.reduce((s, _a, i) => s + npmi[i][j], 0));
    const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    const setNorm = norm(setVector);
    const sims = t.map((_, i) => {
      const v = npmi[i];
      const dot = v.reduce((s, x, j) => s + x * setVector[j], 0);
      return dot / (norm(v) * setNorm);
    });
    return mean(sims);
  });
}

/**
 * Topic coherence equal to gensim 4.2's `CoherenceModel(topics, texts,
 * dictionary=Dictionary(texts), coherence=measure, topn).get_coherence_per_topic()`.
 */
export function coherence(
  ref: ReferenceCorpus,
  topics: readonly (readonly string[])[],
  measure: CoherenceMeasure,
  options: CoherenceOptions = {},
): MetricResult {
  validateTopics(topics);
  const ids = topicIds(ref, topics, options);
  let perTopic: number[];
  switch (measure) {
    case 'c_npmi':
      perTopic = directPairs(ref, ids, options.windowSize ?? 10, true);
      break;
    case 'c_uci':
      perTopic = directPairs(ref, ids, options.windowSize ?? 10, false);
      break;
    case 'u_mass':
      perTopic = uMass(ref, ids);
      break;
    case 'c_v':
      perTopic = cV(ref, ids, options.windowSize ?? 110);
      break;
    default:
      throw new TopicKDError('CONFIG_INVALID', `unknown coherence measure "${String(measure)}"; use c_npmi, c_uci, u_mass or c_v`, { kind: 'usage' });
  }
  return { mean: mean(perTopic), perTopic };
}

/** Topic diversity: distinct words among the top `topk` of all topics / (topk · K). */
/**
 * Topic lists a metric can score: at least one topic, none empty, no word twice in a topic
 * (a repeated word would pair with itself: NPMI 1.0 for nothing). Throws a DataError naming the topic.
 */
export function validateTopics(topics: readonly (readonly string[])[]): void {
  if (topics.length === 0) throw new DataError('there are no topics to evaluate; give at least one topic (a list of words)');
  topics.forEach((t, k) => {
    if (!Array.isArray(t) || t.length === 0) throw new DataError(`topic ${k} is empty; every topic needs at least one word`);
    const seen = new Set<string>();
    for (const w of t) {
      if (typeof w !== 'string' || w === '') throw new DataError(`topic ${k} holds ${JSON.stringify(w)}, not a word`);
      if (seen.has(w)) throw new DataError(`topic ${k} lists "${w}" twice; give each word of a topic once`);
      seen.add(w);
    }
  });
}

/**
 * Topic diversity (Dieng et al. 2020): the share of unique words among the top `topk`
 * words of all topics. The denominator counts the words each topic has (at most `topk`),
 * so 10-word topics can reach 1.
 */
export function topicDiversity(topics: readonly (readonly string[])[], topk = 25): MetricResult {
  validateTopics(topics);
  const unique = new Set<string>();
  let total = 0;
  for (const t of topics) {
    const own = t.slice(0, topk);
    total += own.length;
    for (const w of own) unique.add(w);
  }
  const td = unique.size / total;
  const perTopic = topics.map((t, k) => {
    const others = new Set(topics.flatMap((u, j) => (j === k ? [] : u.slice(0, topk))));
    const own = t.slice(0, topk);
    return own.filter((w) => !others.has(w)).length / Math.max(1, own.length);
  });
  return { mean: td, perTopic };
}

/**
 * Rank-biased overlap, extrapolated (Webber et al. 2010, eq. 32), as the `rbo_ext`
 * the CTM library uses; handles lists of different lengths.
 */
export function rboExt(list1: readonly string[], list2: readonly string[], p = 0.9): number {
  const [S, L] = list1.length <= list2.length ? [list1, list2] : [list2, list1];
  const s = S.length;
  const l = L.length;
  if (s === 0) return 0;
  const overlap = (d: number) => {
    const a = new Set(list1.slice(0, d));
    const b = new Set(list2.slice(0, d));
    let inter = 0;
    for (const x of a) if (b.has(x)) inter++;
    return ((2 * inter) / (a.size + b.size)) * Math.min(d, list1.length, list2.length);
  };
  const xl = overlap(l);
  const xs = overlap(s);
  let sum1 = 0;
  for (let d = 1; d <= l; d++) sum1 += (Math.pow(p, d) * overlap(d)) / d;
  let sum2 = 0;
  for (let d = s + 1; d <= l; d++) sum2 += (Math.pow(p, d) * xs * (d - s)) / s / d;
  return ((1 - p) / p) * (sum1 + sum2) + Math.pow(p, l) * ((xl - xs) / l + xs / s);
}

/** Inverted RBO: 1 − mean RBO over all pairs of topics (top `topk` words), CTM's InvertedRBO. */
export function invertedRbo(topics: readonly (readonly string[])[], topk = 10, p = 0.9): MetricResult {
  const vals: number[] = [];
  const perTopicSum = new Array(topics.length).fill(0);
  for (let i = 0; i < topics.length; i++) {
    for (let j = i + 1; j < topics.length; j++) {
      const r = rboExt(topics[i].slice(0, topk), topics[j].slice(0, topk), p);
      vals.push(r);
      perTopicSum[i] += r;
      perTopicSum[j] += r;
    }
  }
  const perTopic = perTopicSum.map((s) => 1 - s / Math.max(1, topics.length - 1));
  return { mean: vals.length ? 1 - mean(vals) : 1, perTopic };
}

export type MetricName = 'npmi' | 'cv' | 'umass' | 'uci' | 'td' | 'irbo';
export const ALL_METRICS: readonly MetricName[] = ['npmi', 'cv', 'umass', 'uci', 'td', 'irbo'];

/** Evaluates a topic set with the named metrics; co-occurrence counts are shared through `ref`. */
export function evaluateTopics(
  ref: ReferenceCorpus,
  topics: readonly (readonly string[])[],
  metrics: readonly MetricName[] = ALL_METRICS,
  options: CoherenceOptions & { tdTopk?: number; rboWeight?: number } = {},
): Partial<Record<MetricName, MetricResult>> {
  const out: Partial<Record<MetricName, MetricResult>> = {};
  const measure: Record<string, CoherenceMeasure> = { npmi: 'c_npmi', cv: 'c_v', umass: 'u_mass', uci: 'c_uci' };
  for (const m of metrics) {
    if (measure[m]) out[m] = coherence(ref, topics, measure[m], { topn: options.topn, skipUnknownWords: options.skipUnknownWords });
    else if (m === 'td') out.td = topicDiversity(topics, options.tdTopk ?? 25);
    else if (m === 'irbo') out.irbo = invertedRbo(topics, options.topn ?? 10, options.rboWeight ?? 0.9);
    else throw new TopicKDError('CONFIG_INVALID', `unknown metric "${m}"; choose from ${ALL_METRICS.join(', ')}`, { kind: 'usage' });
  }
  return out;
}
