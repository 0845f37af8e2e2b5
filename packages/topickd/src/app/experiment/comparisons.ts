import { cpus, platform, arch, totalmem } from 'node:os';
import { Random } from '@topickd/core';

/** What an experiment row needs for a comparison. */
interface Row {
  K: number;
  seed: number;
  role: string;
  model: string;
  npmi: number;
}

/** Distilled student vs another model, at one K, over the seeds both have. */
export interface Comparison {
  K: number;
  /** `distilled − student`, `distilled − teacher`, `distilled − baseline:NAME`. */
  pair: string;
  seeds: number[];
  /** Per-seed NPMI differences (distilled minus the other), in the order of `seeds`. */
  differences: number[];
  meanDifference: number;
  /** Paired bootstrap 95% interval of the mean difference (seeds resampled with replacement). */
  interval95: [number, number];
  /** Whether the interval excludes 0 ("no significant difference" otherwise). */
  significant: boolean;
  resamples: number;
}

/** Percentile of sorted values (linear interpolation, as numpy's default). */
function percentile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Paired bootstrap of the mean of per-seed differences: `resamples` times, draw as many
 * seeds as there are with replacement and average their differences; the 2.5th and 97.5th
 * percentiles of those means are the 95% interval. Seeded, so the interval is reproducible.
 * With few seeds the interval is coarse (3 seeds: at most 10 distinct means); it says how
 * sure a ranking is, not more.
 */
export function pairedBootstrap(differences: readonly number[], resamples = 10_000, seed = 0): [number, number] {
  const n = differences.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  const rng = new Random(seed);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += differences[Math.min(n - 1, Math.floor(rng.next() * n))];
    means[b] = s / n;
  }
  means.sort();
  return [percentile(means, 0.025), percentile(means, 0.975)];
}

/**
 * For every K: the distilled student against the student alone, the teacher and every
 * baseline, per seed, with a paired bootstrap interval of the mean NPMI difference.
 */
export function comparisonsOf(runs: readonly Row[], resamples = 10_000): Comparison[] {
  const out: Comparison[] = [];
  for (const K of [...new Set(runs.map((r) => r.K))]) {
    const distilled = new Map(runs.filter((r) => r.K === K && r.role === 'distilled').map((r) => [r.seed, r.npmi] as const));
    if (!distilled.size) continue;
    const others = new Map<string, Map<number, number>>();
    for (const r of runs.filter((x) => x.K === K && x.role !== 'distilled')) {
      const pair = r.role === 'baseline' ? `distilled − baseline:${r.model}` : `distilled − ${r.role}`;
      if (!others.has(pair)) others.set(pair, new Map());
      others.get(pair)!.set(r.seed, r.npmi);
    }
    for (const [pair, bySeed] of others) {
      const seeds = [...distilled.keys()].filter((s) => bySeed.has(s)).sort((a, b) => a - b);
      if (!seeds.length) continue;
      const differences = seeds.map((s) => distilled.get(s)! - bySeed.get(s)!);
      const interval95 = pairedBootstrap(differences, resamples);
      out.push({
        K,
        pair,
        seeds,
        differences,
        meanDifference: differences.reduce((a, b) => a + b, 0) / differences.length,
        interval95,
        significant: !(interval95[0] <= 0 && interval95[1] >= 0),
        resamples,
      });
    }
  }
  return out;
}

/** The machine a result was measured on (relaxed-SIMD rounding differs between CPUs). */
export interface MachineRecord {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machineRecord(): MachineRecord {
  const c = cpus();
  return { cpu: c[0]?.model ?? 'unknown', cores: c.length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${platform()} ${arch()}` };
}

/** The comparisons as a Markdown table (for results.md). */
export function comparisonsTable(comparisons: readonly Comparison[]): string {
  if (!comparisons.length) return '';
  const f = (x: number) => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(4);
  const lines = [
    '',
    'Mean NPMI difference of the distilled student, paired by seed, with a paired bootstrap 95% interval',
    `(${comparisons[0].resamples.toLocaleString('en-US')} resamples of the seeds; "no significant difference" where it contains 0):`,
    '',
    '| K | pair | per seed | mean | 95% interval | |',
    '| ---: | --- | --- | ---: | --- | --- |',
  ];
  for (const c of comparisons) {
    lines.push(`| ${c.K} | ${c.pair} | ${c.differences.map(f).join(', ')} | ${f(c.meanDifference)} | [${f(c.interval95[0])}, ${f(c.interval95[1])}] | ${c.significant ? (c.meanDifference > 0 ? 'distilled higher' : 'distilled lower') : 'no significant difference'} |`);
  }
  return lines.join('\n') + '\n';
}
