/**
 * The search of `topickd tune`: α and T of the distilled student by successive halving
 * (Jamieson & Talwalkar 2016; one bracket of Hyperband) over points of a scrambled Halton
 * sequence — random search that covers the box evenly. Rung r trains n/η^r candidates
 * for E/η^(R−1−r) epochs on every seed; the best 1/η by mean NPMI over the seeds go on.
 * Each rung trains from scratch (no resumed students): trials are independent jobs that
 * any worker can run, and a trial's result depends only on its settings.
 *
 * No library from npm fits: the JavaScript TPE/Bayesian packages found (e.g. `hyperparameters`)
 * are early versions with a single maintainer; this is the documented fallback.
 */
import { ConfigError } from '@topickd/core';

export interface SearchSpace {
  alpha: [number, number];
  temperature: [number, number];
}

export interface HalvingPlan {
  /** Candidates in the first rung. */
  trials: number;
  /** Epochs of the last rung (a full training). */
  epochs: number;
  /** Keep the best 1/eta of each rung (default 3). */
  eta?: number;
  seeds: number[];
  /** Seed of the candidate points (default 0). */
  searchSeed?: number;
}

export interface Candidate {
  alpha: number;
  temperature: number;
}

export interface TrialMetrics {
  npmi: number;
  cv: number;
  td: number;
  seconds: number;
}

/** One trained student: a candidate on one seed for a rung's epochs. */
export interface TuneTrial extends Candidate, TrialMetrics {
  seed: number;
  epochs: number;
  rung: number;
}

export interface Rung {
  epochs: number;
  candidates: number;
}

export interface HalvingResult {
  best: Candidate & { npmi: number; cv: number; td: number };
  trials: TuneTrial[];
  rungs: Rung[];
}

/** The rungs: candidates and epochs of each (at least 1 epoch, at least one candidate). */
export function halvingRungs(trials: number, epochs: number, eta = 3): Rung[] {
  if (!Number.isInteger(trials) || trials < 1) throw new ConfigError(`--trials must be a positive integer, got ${trials}`, 'trials');
  if (!Number.isInteger(epochs) || epochs < 1) throw new ConfigError(`--epochs must be a positive integer, got ${epochs}`, 'epochs');
  if (!(eta >= 2)) throw new ConfigError(`the halving factor must be at least 2, got ${eta}`, 'eta');
  const R = Math.floor(Math.log(trials) / Math.log(eta) + 1e-9) + 1;
  return Array.from({ length: R }, (_, r) => ({ candidates: Math.max(1, Math.floor(trials / eta ** r)), epochs: Math.max(1, Math.round(epochs / eta ** (R - 1 - r))) }));
}

/** Radical inverse of i in `base`, the Halton sequence's coordinate. */
function radicalInverse(i: number, base: number): number {
  let f = 1;
  let r = 0;
  for (let n = i; n > 0; n = Math.floor(n / base)) {
    f /= base;
    r += f * (n % base);
  }
  return r;
}

/** `n` points of the Halton sequence (bases 2, 3), shifted by a seeded offset (Cranley–Patterson rotation), in the box. */
export function haltonCandidates(n: number, space: SearchSpace, seed = 0): Candidate[] {
  for (const [name, [lo, hi]] of Object.entries(space)) {
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new ConfigError(`the ${name} range must be LOW:HIGH with LOW ≤ HIGH, got ${lo}:${hi}`, name);
  }
  // the rotation: two numbers in [0, 1) from the seed (a 32-bit mix)
  const mix = (x: number) => {
    let h = (x ^ 0x9e3779b9) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
  };
  const [u0, u1] = [mix(2 * seed + 1), mix(2 * seed + 2)];
  const round = (x: number) => Number(x.toPrecision(4));
  return Array.from({ length: n }, (_, i) => {
    const a = (radicalInverse(i + 1, 2) + u0) % 1;
    const t = (radicalInverse(i + 1, 3) + u1) % 1;
    return { alpha: round(space.alpha[0] + a * (space.alpha[1] - space.alpha[0])), temperature: round(space.temperature[0] + t * (space.temperature[1] - space.temperature[0])) };
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Runs successive halving: `evaluate` trains and scores a rung's candidates on every seed
 * (in any order, in parallel if it can) and returns one result per (candidate, seed), in the
 * order asked. Ties keep the earlier candidate.
 */
export async function successiveHalving(
  space: SearchSpace,
  plan: HalvingPlan,
  evaluate: (requests: { candidate: Candidate; seed: number; epochs: number; rung: number }[]) => Promise<TrialMetrics[]>,
  onRung?: (rung: number, rungs: Rung[], leader: Candidate & { npmi: number }) => void,
): Promise<HalvingResult> {
  if (!plan.seeds.length) throw new ConfigError('give at least one seed', 'seeds');
  const eta = plan.eta ?? 3;
  const rungs = halvingRungs(plan.trials, plan.epochs, eta);
  let candidates = haltonCandidates(plan.trials, space, plan.searchSeed ?? 0);
  const trials: TuneTrial[] = [];
  let scored: (Candidate & { npmi: number; cv: number; td: number })[] = [];
  for (const [r, rung] of rungs.entries()) {
    candidates = candidates.slice(0, rung.candidates);
    const requests = candidates.flatMap((candidate) => plan.seeds.map((seed) => ({ candidate, seed, epochs: rung.epochs, rung: r })));
    const results = await evaluate(requests);
    requests.forEach((q, i) => trials.push({ ...q.candidate, seed: q.seed, epochs: q.epochs, rung: r, ...results[i] }));
    scored = candidates.map((c, ci) => {
      const mine = results.slice(ci * plan.seeds.length, (ci + 1) * plan.seeds.length);
      return { ...c, npmi: mean(mine.map((m) => m.npmi)), cv: mean(mine.map((m) => m.cv)), td: mean(mine.map((m) => m.td)) };
    });
    // stable: the sort keeps the earlier of equal candidates first
    scored = scored.map((s, i) => ({ s, i })).sort((a, b) => b.s.npmi - a.s.npmi || a.i - b.i).map((x) => x.s);
    candidates = scored.map(({ alpha, temperature }) => ({ alpha, temperature }));
    onRung?.(r, rungs, scored[0]);
  }
  return { best: scored[0], trials, rungs };
}

/** What `topickd tune` finds and writes to tune.json. */
export interface TuneResults {
  dataset: string;
  teacher: string;
  K: number;
  student: { model: string; hidden: number[] };
  space: SearchSpace;
  search: { method: string; eta: number; searchSeed: number; rungs: Rung[] };
  seeds: number[];
  /**
   * What to use: the search's winner, or the defaults where they scored higher on the same
   * seeds at full epochs (`from`); without the reference runs, the search's winner.
   */
  best: Candidate & { npmi: number; cv?: number; td?: number; from: 'search' | 'defaults' };
  /** The search's winner (the last rung's candidate), whatever the defaults scored. */
  searchBest: Candidate & { npmi: number; cv?: number; td?: number };
  trials: TuneTrial[];
  /** On the same seeds at full epochs: the student alone and distilled with the defaults (mean and per seed). */
  reference?: {
    alone: { npmi: number; cv: number; td: number; perSeed: number[] };
    defaults: Candidate & { npmi: number; cv: number; td: number; perSeed: number[] };
    /** The search winner's full-epoch NPMI per seed (the last rung). */
    bestPerSeed: number[];
  };
  jobs: number;
  queue?: string;
  seconds: number;
}

/**
 * The α and T to use: the search's winner, unless the defaults, trained on the same seeds for
 * the same (full) epochs, scored a higher mean NPMI. Successive halving picks its winner on
 * short trainings; the reference runs give the defaults the full budget, so both are compared
 * on equal terms and tuning never hands back less than the defaults it measured.
 */
export function chooseBest(
  searchBest: Candidate & { npmi: number; cv?: number; td?: number },
  defaults?: Candidate & { npmi: number; cv?: number; td?: number },
): TuneResults['best'] {
  if (defaults && defaults.npmi > searchBest.npmi) return { alpha: defaults.alpha, temperature: defaults.temperature, npmi: defaults.npmi, cv: defaults.cv, td: defaults.td, from: 'defaults' };
  return { ...searchBest, from: 'search' };
}
