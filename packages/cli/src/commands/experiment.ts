import { ConfigError, DISTILL_EPOCHS, TopicKDError } from '@topickd/core';
import { writeFileAtomic } from '@topickd/core/node';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { readFileSync, existsSync } from 'node:fs';
import { mergeReportData, renderReport, type ReportData } from 'topickd/app';
import type { ExperimentResults } from 'topickd/app';
import { QUEUE_TIMEOUT_FLAG, queueOf, RECIPE_FLAG, TRAIN_FLAGS, defineCommand } from '../command.js';
import { experimentSettingsOf, topicKDOf } from '../api-of.js';
import { claimOutputDir, createRuntime, embedDataset, loadDataset } from 'topickd/app';
import { checkExperimentRequest, resultsTable, withComparisons } from 'topickd/app';

function pick<T>(o: Record<string, T>, keys: string[]): Record<string, T> {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}

/** `LOW:HIGH` (or one number) as a range. */
export function parseRange(v: unknown, fallback: [number, number], flag: string): [number, number] {
  if (v === undefined) return fallback;
  const parts = String(v).split(':').map((x) => Number(x.trim()));
  const range = (parts.length === 1 ? [parts[0], parts[0]] : parts) as [number, number];
  if (range.length !== 2 || !range.every(Number.isFinite) || range[0] > range[1]) throw new ConfigError(`--${flag} must be LOW:HIGH with LOW ≤ HIGH (e.g. 0.1:0.9), got ${JSON.stringify(v)}`, flag);
  return range;
}

function teacherPer(v: unknown): 'K' | 'seed' {
  if (v === undefined || v === 'K' || v === 'k') return 'K';
  if (v === 'seed') return 'seed';
  throw new ConfigError(`--teacher-per must be K or seed, got ${JSON.stringify(v)}`, 'teacher-per');
}

export const experimentCommand = defineCommand({
  name: 'experiment',
  summary: "the paper's experiment: teacher, student alone and distilled student per K and seed",
  example: 'topickd experiment --dataset m10 --topics 20,50 --seeds 0,1,2 --out runs/m10',
  ownFlags: ['topics'],
  flags: {
    dataset: { path: 'input', type: 'string', arg: 'NAME|PATH', description: 'm10, 20ng (bundled) or a corpus path (required)' },
    topics: { type: 'numbers', arg: 'K,K', description: 'numbers of topics (default 20,50)' },
    seeds: { type: 'numbers', arg: 'S,S', description: 'seeds (default 0,1,2)' },
    alpha: { type: 'number', arg: 'A', description: 'KD weight for every K (default: from the recipe)' },
    temperature: { type: 'number', arg: 'T', description: 'temperature for every K (default: from the recipe)' },
    recipe: RECIPE_FLAG,
    epochs: { type: 'integer', arg: 'N', description: `epochs per model (default ${DISTILL_EPOCHS}: the budget the default recipe is validated at)` },
    losses: { type: 'list', arg: 'L,L', description: 'distillation losses (default w2,ce)' },
    'ce-logits': TRAIN_FLAGS['ce-logits'],
    encoder: { type: 'string', arg: 'NAME', description: 'student encoder (default use)' },
    'teacher-encoder': { type: 'string', arg: 'NAME', description: 'teacher encoder (default: the student encoder)' },
    'teacher-hidden': { type: 'numbers', arg: 'H,H', description: 'teacher hidden layers (default 100,100)' },
    'student-hidden': { type: 'numbers', arg: 'H,H', description: 'student hidden layers (default 100,100)' },
    out: { required: true, path: 'output', type: 'string', arg: 'DIR', description: 'folder for results.json, results.md, report.html and the models (required)' },
    'no-models': { type: 'boolean', description: 'do not save the trained models' },
    jobs: { type: 'integer', arg: 'N', description: 'run the Ks in N parallel processes (default: one per core, at most one per K)' },
    tune: { type: 'boolean', description: 'tune α and T per K on its teacher before the grid (as `topickd tune`, in this process; searches in OUT/K<K>-tune/); excludes --alpha/--temperature' },
    'tune-trials': { type: 'integer', arg: 'N', description: 'with --tune: candidates of the first rung (default 9)' },
    'tune-seeds': { type: 'numbers', arg: 'S,S', description: 'with --tune: seeds each candidate is scored on (default 0,1)' },
    'tune-alpha': { type: 'string', arg: 'LOW:HIGH', description: 'with --tune: the range of α (default 0.1:0.9)' },
    'tune-temperature': { type: 'string', arg: 'LOW:HIGH', description: 'with --tune: the range of T (default 1:5)' },
    queue: { type: 'string', arg: 'URL', description: 'redis://HOST:PORT: run the grid as a flow of jobs (a teacher per K, then a job per K and seed) that `topickd worker` processes run; --out, the data and the cache must be in a folder every worker shares' },
    'queue-timeout': QUEUE_TIMEOUT_FLAG,
    'teacher-per': { type: 'string', arg: 'K|seed', description: 'train the teacher once per K (default) or once per K and seed' },
    'teacher-seed': { type: 'integer', arg: 'S', description: 'with --teacher-per K: the seed of the shared teacher (default: the first seed); lets a later run add seeds to an earlier grid' },
    'kd-epochs': { type: 'integer', arg: 'N', description: 'distil for the first N epochs, then train on the VAE loss alone (default: from the recipe — auto: the first half; paper, or both --alpha and --temperature given: all)' },
    baselines: { type: 'list', arg: 'M,M', description: 'baseline model kinds trained beside the student per K and seed (lda, prodlda, neurallda, etm, bertopic, or a plugin kind; their settings: config modelOptions); results get role "baseline" rows and comparisons' },
    ...pick(TRAIN_FLAGS, ['text-field', 'batch-size', 'learning-rate', 'dropout', 'validation-fraction', 'patience', 'vocabulary-size', 'min-df', 'max-df', 'model-dir', 'plugins']),
  },
  async run({ cfg, flags, argv, print, json, progress, logger }) {
    const datasetArg = flags.dataset ?? cfg.data;
    if (!datasetArg) throw new ConfigError('give --dataset m10, 20ng or a corpus path', 'dataset');
    const queue = await queueOf(flags.queue);
    // the request's checks (tkd.experiment's own), before a process per K is spawned
    const { topics, seeds } = checkExperimentRequest({ dataset: datasetArg, topics: flags.topics, seeds: flags.seeds, teacherPer: teacherPer(flags.teacherPer), teacherSeed: flags.teacherSeed, tune: flags.tune, alpha: cfg.alpha, temperature: cfg.temperature, queue: queue?.url });
    if (queue && flags.jobs !== undefined) throw new ConfigError('--jobs and --queue exclude each other: with --queue the workers run the jobs', 'jobs');
    const jobs = Math.min(topics.length, flags.jobs ?? availableParallelism());
    const teacherEncoder = flags.teacherEncoder ?? cfg.teacherEncoder;
    if (jobs > 1 && !queue) {
      // embed once here (into the cache) so the parallel runs do not both compute it
      const warm = { ...cfg, teacherEncoder };
      claimOutputDir(flags.out, { dataset: datasetArg }, cfg.baseDir);
      const rt0 = await createRuntime(warm, logger);
      const ds0 = loadDataset(warm, datasetArg);
      await embedDataset(rt0, ds0, warm.encoder, warm, progress, 'student embeddings');
      if (warm.teacherEncoder) await embedDataset(rt0, ds0, warm.teacherEncoder, warm, progress, 'teacher embeddings');
      const res = await runInParallel(argv, topics, jobs, flags.out, Boolean(flags.quiet), progress.log.bind(progress));
      if (json) print(JSON.stringify(res));
      else print(resultsTable(res));
      return;
    }
    // an adapter over the API: flags → tkd.experiment's request
    const tkd = await topicKDOf(cfg, logger, progress);
    const res = await tkd.experiment({
      dataset: datasetArg,
      topics,
      seeds,
      out: flags.out,
      ...experimentSettingsOf(cfg),
      teacher: { model: cfg.teacher?.model ?? 'combined', hidden: flags.teacherHidden ?? cfg.teacher?.hidden ?? [100, 100] },
      student: { model: cfg.student?.model ?? 'zeroshot', hidden: flags.studentHidden ?? cfg.student?.hidden ?? [100, 100] },
      teacherEncoder: typeof teacherEncoder === 'string' ? teacherEncoder : undefined,
      teacherPer: teacherPer(flags.teacherPer),
      teacherSeed: flags.teacherSeed,
      baselines: flags.baselines,
      saveModels: !flags.noModels,
      tune: flags.tune ? { alpha: parseRange(flags.tuneAlpha, [0.1, 0.9], 'tune-alpha'), temperature: parseRange(flags.tuneTemperature, [1, 5], 'tune-temperature'), trials: flags.tuneTrials, seeds: flags.tuneSeeds } : undefined,
      queue: queue?.url,
    });
    if (json) print(JSON.stringify(res));
    else print(resultsTable(res));
  },
});

/** Drops `--name value` / `--name=value` pairs from an argument list. */
function withoutFlags(argv: readonly string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') ? a.slice(2).split('=')[0] : '';
    if (names.includes(name)) {
      if (!a.includes('=') && i + 1 < argv.length && !argv[i + 1].startsWith('--')) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/**
 * Runs one child `topickd experiment` per K (at most `jobs` at once; on a 2-core machine
 * two trainings run side by side), then merges their results into OUT/results.{json,md}.
 */
async function runInParallel(argv: readonly string[], topics: number[], jobs: number, out: string, quiet: boolean, log: (m: string) => void): Promise<ExperimentResults> {
  const t0 = performance.now();
  const base = withoutFlags(argv, ['topics', 'out', 'jobs', 'json', 'quiet']);
  const queue = [...topics];
  const parts: ExperimentResults[] = [];
  const runOne = (K: number) =>
    new Promise<void>((resolve, reject) => {
      const dir = join(out, `K${K}`);
      const child = spawn(process.execPath, [process.argv[1], 'experiment', ...base, '--topics', String(K), '--out', dir, '--jobs', '1'], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
      });
      let buf = '';
      child.stderr.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const l of lines) if (!quiet || /error|warning/.test(l)) log(`[K=${K}] ${l}`);
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code !== 0) return reject(new TopicKDError('PLUGIN_FAILED', `the experiment for K=${K} failed (exit ${code}); see the lines marked [K=${K}] above`));
        parts.push(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ExperimentResults);
        resolve();
      });
    });
  const workers = Array.from({ length: jobs }, async () => {
    while (queue.length) await runOne(queue.shift()!);
  });
  await Promise.all(workers);
  parts.sort((a, b) => topics.indexOf(a.runs[0]?.K) - topics.indexOf(b.runs[0]?.K));
  const merged: ExperimentResults = {
    ...parts[0],
    runs: parts.flatMap((p) => p.runs),
    totalSeconds: (performance.now() - t0) / 1000,
    embeddingSeconds: Math.max(...parts.map((p) => p.embeddingSeconds)),
  };
  (merged as ExperimentResults & { parallelJobs: number }).parallelJobs = jobs;
  Object.assign(merged, withComparisons(merged)); // the comparisons over every K
  writeFileAtomic(join(out, 'results.json'), JSON.stringify(merged, null, 1) + '\n');
  writeFileAtomic(join(out, 'results.md'), resultsTable(merged) + `\nRun as ${jobs} parallel processes (one per K); total time is wall-clock time.\n`);
  // one report with every K: the children's report data merged
  const reports = topics.map((K) => join(out, `K${K}`, 'report.json')).filter((f) => existsSync(f));
  if (reports.length) {
    const parts = reports.map((f) => JSON.parse(readFileSync(f, 'utf8')) as ReportData);
    const data = mergeReportData(parts[0].title, parts);
    writeFileAtomic(join(out, 'report.json'), JSON.stringify(data) + '\n');
    writeFileAtomic(join(out, 'report.html'), renderReport(data));
  }
  return merged;
}
