/**
 * Choosing K: `topickd tune --data D --topics 10:100` (no teacher) and `tkd.tune({ data, topics })`.
 * Trains the model kind at every K of the range on every seed, scores each run by NPMI, C_V
 * and topic diversity on the corpus, and recommends one K by a stated rule. Writes tune.json
 * (`byK`, `recommendedK`) and report.html (each metric against K with the seeds' spread).
 */
import { join } from 'node:path';
import { checkSeed, ConfigError, MODEL_SIZE_LIMITS, ReferenceCorpus, DEFAULT_TRAIN } from '@topickd/core';
import { writeFileAtomic } from '@topickd/core/node';
import type { Progress } from '../run/progress.js';
import type { RunConfig } from '../run/run-config.js';
import { embedDataset, fitOn, kindNeedsEmbeddings, loadDataset, noEmbeddings, type Runtime } from '../run/pipeline.js';
import { evaluateModel } from '../experiment/experiment-results.js';
import { renderTopicsSearchPage } from './topics-search-page.js';

/** How `recommendedK` is chosen, as recorded in tune.json. */
export const TOPICS_RULE =
  'among the K whose mean topic diversity is at least 0.5 (fewer than half of the top-25 words repeated across topics; all K if none), the smallest K whose mean NPMI is within one standard error (over the seeds) of the best mean NPMI';
/** Below this mean topic diversity a K is not recommended (its topics repeat each other). */
export const MIN_TOPIC_DIVERSITY = 0.5;

export interface TopicsSearchRequest {
  /** The dataset as given (m10, 20ng or a path) and its short name. */
  data: string;
  datasetName: string;
  model: string;
  hidden?: number[];
  topics: number[];
  seeds?: number[];
  epochs?: number;
  out: string;
}

export interface TopicsSearchRun {
  K: number;
  seed: number;
  npmi: number;
  cv: number;
  td: number;
  seconds: number;
}

export interface TopicsSearchPoint {
  K: number;
  /** Means over the seeds. */
  npmi: number;
  cv: number;
  td: number;
  /** Standard error of the mean NPMI over the seeds (0 with one seed). */
  npmiSe: number;
  /** Each seed's values. */
  seeds: { seed: number; npmi: number; cv: number; td: number }[];
}

export interface TopicsSearchResults {
  search: 'topics';
  dataset: string;
  model: string;
  hidden?: number[];
  epochs: number;
  seeds: number[];
  rule: string;
  byK: TopicsSearchPoint[];
  recommendedK: number;
  runs: TopicsSearchRun[];
  seconds: number;
}

/** `--topics`: `LOW:HIGH[:STEP]` (step 10 by default) or a list `K,K,…`; every K from 2 to the size limit. */
export function parseTopicsRange(v: unknown, flag = 'topics'): number[] {
  const text = Array.isArray(v) ? v.join(',') : String(v ?? '').trim();
  const bad = (why: string) => new ConfigError(`--${flag} must be LOW:HIGH[:STEP] (e.g. 10:100:10) or a list K,K,… of topic counts, ${why}; got ${JSON.stringify(v)}`, flag);
  let ks: number[];
  if (text.includes(':')) {
    const parts = text.split(':').map((x) => Number(x.trim()));
    if (parts.length < 2 || parts.length > 3 || !parts.every((x) => Number.isInteger(x))) throw bad('with integers');
    const [lo, hi, step = 10] = parts;
    if (lo > hi || step <= 0) throw bad('with LOW ≤ HIGH and STEP > 0');
    ks = [];
    for (let k = lo; k <= hi; k += step) ks.push(k);
    if (ks.at(-1) !== hi) ks.push(hi);
  } else {
    ks = text.split(',').map((x) => Number(x.trim()));
    if (!ks.length || !ks.every((x) => Number.isInteger(x))) throw bad('with integers');
  }
  if (ks.some((k) => k < 2 || k > MODEL_SIZE_LIMITS.numTopics)) throw bad(`every K from 2 to ${MODEL_SIZE_LIMITS.numTopics}`);
  if (ks.length < 2) throw bad('at least two values of K to compare');
  if (ks.length > 50) throw bad('at most 50 values of K');
  return [...new Set(ks)].sort((a, b) => a - b);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function standardError(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
}

/** The per-K summary and the recommended K by TOPICS_RULE. */
export function summarizeTopicsRuns(runs: readonly TopicsSearchRun[]): { byK: TopicsSearchPoint[]; recommendedK: number } {
  const ks = [...new Set(runs.map((r) => r.K))].sort((a, b) => a - b);
  const byK = ks.map((K) => {
    const rs = runs.filter((r) => r.K === K).sort((a, b) => a.seed - b.seed);
    const npmis = rs.map((r) => r.npmi);
    return {
      K,
      npmi: mean(npmis),
      cv: mean(rs.map((r) => r.cv)),
      td: mean(rs.map((r) => r.td)),
      npmiSe: standardError(npmis),
      seeds: rs.map(({ seed, npmi, cv, td }) => ({ seed, npmi, cv, td })),
    };
  });
  const diverse = byK.filter((p) => p.td >= MIN_TOPIC_DIVERSITY);
  const eligible = diverse.length ? diverse : byK;
  const best = eligible.reduce((a, b) => (b.npmi > a.npmi ? b : a));
  const recommendedK = eligible.find((p) => p.npmi >= best.npmi - best.npmiSe)!.K;
  return { byK, recommendedK };
}

export async function searchTopics(rt: Runtime, cfg: RunConfig, request: TopicsSearchRequest, progress: Progress): Promise<TopicsSearchResults> {
  const started = Date.now();
  const seeds = request.seeds ?? [0, 1];
  if (!seeds.length) throw new ConfigError('give at least one seed', 'seeds');
  seeds.forEach((s) => checkSeed(s, 'seeds'));
  const epochs = cfg.epochs ?? DEFAULT_TRAIN.epochs;
  const dataset = loadDataset(cfg, request.data, rt.logger);
  const embeddings = kindNeedsEmbeddings(rt, request.model) ? (await embedDataset(rt, dataset, cfg.encoder, cfg, progress)).embeddings : noEmbeddings(dataset.bow.rows);
  const ref = new ReferenceCorpus(dataset.tokens);
  const runs: TopicsSearchRun[] = [];
  for (const K of request.topics) {
    for (const seed of seeds) {
      const label = `K=${K} seed=${seed}`;
      const { model, result } = await fitOn(rt, dataset, embeddings, { kind: request.model, topics: K, hidden: request.hidden }, { ...cfg, epochs }, progress, label, seed);
      try {
        const ev = evaluateModel(model, dataset.vocabulary, ref);
        runs.push({ K, seed, npmi: ev.npmi, cv: ev.cv, td: ev.td, seconds: result.seconds });
        progress.log(`${label}: NPMI ${ev.npmi.toFixed(4)}  C_V ${ev.cv.toFixed(4)}  TD ${ev.td.toFixed(3)}`);
      } finally {
        model.dispose();
      }
    }
  }
  const { byK, recommendedK } = summarizeTopicsRuns(runs);
  const res: TopicsSearchResults = {
    search: 'topics',
    dataset: request.datasetName,
    model: request.model,
    ...(request.hidden ? { hidden: request.hidden } : {}),
    epochs,
    seeds,
    rule: TOPICS_RULE,
    byK,
    recommendedK,
    runs,
    seconds: (Date.now() - started) / 1000,
  };
  writeFileAtomic(join(request.out, 'tune.json'), JSON.stringify(res, null, 1) + '\n');
  writeFileAtomic(join(request.out, 'report.html'), renderTopicsSearchPage(res));
  return res;
}
