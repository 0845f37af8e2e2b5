/**
 * `experiment --queue`: the paper's grid as a BullMQ flow that any number of `topickd worker`
 * processes run. The root job (results) waits for one teacher job per K (per K and seed with
 * `teacherPer: 'seed'`); each teacher job, once its teacher is trained and saved, adds one job
 * per seed it teaches (student alone, baselines, distilled student) as its children, so a
 * teacher always runs before its students and the seeds run in parallel. Every job runs the
 * same steps as a local run (experiment-steps.ts), so the results are the same.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { TopicKDError } from '@topickd/core';
import { writeFileAtomic } from '@topickd/core/node';
import { queueModule } from './queue-module.js';
import type { ChildOutcomes, FlowSpec, JobInfo, StagedJobHandler } from '@topickd/queue';
import { loadDataset, loadModelWith, type Runtime } from '../run/pipeline.js';
import { Progress } from '../run/progress.js';
import type { RunConfig } from '../run/run-config.js';
import type { Evaluation } from '../report/report.js';
import type { ExperimentOptions, ExperimentResults } from '../experiment/experiment-results.js';
import { experimentHeader, experimentSetup, runSeed, saveTeacher, seedFolder, trainTeacher, writeExperiment, type ExperimentHeader, type ExperimentSetup, type SeedPart } from '../experiment/experiment-steps.js';

export const EXPERIMENT_RESULTS = 'experiment-results';
export const EXPERIMENT_TEACHER = 'experiment-teacher';
export const EXPERIMENT_SEED = 'experiment-seed';

/** ExperimentOptions as JSON: α and T per K instead of a function. */
export type QueuedExperimentOptions = Omit<ExperimentOptions, 'hyper'> & { hyperByK: Record<string, ReturnType<ExperimentOptions['hyper']>> };

/** What every job of a queued experiment carries: enough for any worker to rebuild the run's setup from the shared folder. */
interface ExperimentJobBase {
  run: string;
  cfg: RunConfig;
  /** The dataset: a bundled name or an absolute path. */
  data: string;
  options: QueuedExperimentOptions;
}

interface TeacherJob extends ExperimentJobBase {
  K: number;
  teacherSeed: number;
  /** The seeds this teacher teaches (every seed, or one with a teacher per seed). */
  seeds: number[];
}

interface SeedJob extends ExperimentJobBase {
  K: number;
  seed: number;
  teacherDir: string;
  teacher: { seconds: number; finalLoss: number; ev: Evaluation; seed: number };
  teacherSavedIn?: string;
}

interface ResultsJob extends ExperimentJobBase {
  startedAt: number;
  header: ExperimentHeader;
}

/** Where the jobs of a run keep their parts and (without saved models) the teachers. */
const workDir = (out: string) => join(out, '.queue');
const partFile = (out: string, K: number, seed: number) => join(workDir(out), `${seedFolder(K, seed)}.json`);

const optionsOf = (o: QueuedExperimentOptions): ExperimentOptions => ({ ...o, hyper: (K) => o.hyperByK[String(K)] });

/**
 * The job handlers of a queued experiment, for `topickd worker`: each rebuilds the run's setup
 * (data and embeddings from the shared cache; once per run and worker) and runs its step.
 */
export function experimentJobHandlers(rt: Runtime, progress: Progress = new Progress({ quiet: true })): { handlers: Record<string, StagedJobHandler>; close(): void } {
  const setups = new Map<string, Promise<ExperimentSetup>>();
  const setupOf = (job: ExperimentJobBase): Promise<ExperimentSetup> => {
    let s = setups.get(job.run);
    if (!s) {
      // a long-lived worker keeps the setups of the two latest runs only (data and embeddings are large)
      while (setups.size >= 2) setups.delete(setups.keys().next().value!);
      const opt = optionsOf(job.options);
      s = experimentSetup(rt, loadDataset(job.cfg, job.data), job.cfg, opt, progress);
      s.catch(() => setups.delete(job.run));
      setups.set(job.run, s);
    }
    return s;
  };
  /** A job's result once its children finished: its state, and the children that failed every attempt (the results job reports them). */
  const afterChildren: StagedJobHandler['finish'] = async (_data, _job, children: ChildOutcomes) => ({
    ...(children.state as object),
    failedChildren: Object.entries(children.failures).map(([id, error]) => ({ id, error })),
  });
  return {
    handlers: {
      [EXPERIMENT_TEACHER]: {
        async run(raw) {
          const job = raw as TeacherJob;
          const s = await setupOf(job);
          const { K, seeds } = job;
          const teacher = await trainTeacher(s, K, job.teacherSeed);
          try {
            const saved = s.opt.saveModels !== false;
            const folder = saved ? seedFolder(K, seeds[0]) : join('.queue', `K${K}-teacher-seed${job.teacherSeed}`);
            const teacherDir = await saveTeacher(s, K, teacher, folder);
            const { model: _model, theta: _theta, ...record } = teacher;
            const children = seeds.map((seed) => ({
              name: EXPERIMENT_SEED,
              id: `${job.run}-seed-K${K}-s${seed}`,
              data: {
                run: job.run,
                cfg: job.cfg,
                data: job.data,
                options: job.options,
                K,
                seed,
                teacherDir,
                teacher: record,
                ...(saved && seed !== seeds[0] ? { teacherSavedIn: folder } : {}),
              } satisfies SeedJob,
            }));
            return { children, state: { K, teacherSeed: job.teacherSeed, items: s.dataset.bow.rows } };
          } finally {
            teacher.model.dispose();
          }
        },
        finish: afterChildren,
      },
      [EXPERIMENT_SEED]: {
        async run(raw) {
          const job = raw as SeedJob;
          const s = await setupOf(job);
          const saved = await loadModelWith(rt, job.teacherDir);
          try {
            const part = await runSeed(s, job.K, job.seed, { ...job.teacher, model: saved.model }, { teacherSavedIn: job.teacherSavedIn });
            mkdirSync(workDir(s.opt.out), { recursive: true });
            writeFileAtomic(partFile(s.opt.out, job.K, job.seed), JSON.stringify(part) + '\n');
            return { state: { K: job.K, seed: job.seed, items: s.dataset.bow.rows, backend: rt.backend.name } };
          } finally {
            saved.model.dispose();
          }
        },
        finish: afterChildren,
      },
      [EXPERIMENT_RESULTS]: {
        async run() {
          return {};
        },
        async finish(raw, _job: JobInfo, children) {
          const job = raw as ResultsJob;
          const opt = optionsOf(job.options);
          const parts: SeedPart[] = [];
          for (const K of opt.topics) for (const seed of opt.seeds) if (existsSync(partFile(opt.out, K, seed))) parts.push(JSON.parse(readFileSync(partFile(opt.out, K, seed), 'utf8')) as SeedPart);
          // failed teacher jobs (children of this one) and failed seed jobs (children of the teachers)
          const failures = [
            ...Object.entries(children.failures).map(([id, error]) => ({ id, error })),
            ...Object.values(children.results).flatMap((r) => (r as { failedChildren?: { id: string; error: string }[] } | null)?.failedChildren ?? []),
          ];
          const res = writeExperiment(opt.out, job.header, parts, {
            totalSeconds: (Date.now() - job.startedAt) / 1000,
            report: opt.report !== false,
            extra: { queue: { run: job.run }, ...(failures.length ? { failedJobs: failures } : {}) },
          });
          rmSync(workDir(opt.out), { recursive: true, force: true });
          setups.delete(job.run);
          return { runs: res.runs.length, failed: failures.length };
        },
      },
    },
    close: () => setups.clear(),
  };
}

/**
 * Runs the experiment as a flow on the queue at `url` and waits for it; the workers must see
 * the same folders (the output, the embedding cache, the data). The embeddings are computed
 * here first (into the cache the workers read). Writes and returns the same results.json as
 * `runExperiment` (its runs in the same order, with the same figures).
 */
export async function runExperimentOnQueue(url: string, rt: Runtime, dataset: ReturnType<typeof loadDataset>, dataArg: string, cfg: RunConfig, opt: ExperimentOptions, progress: Progress): Promise<ExperimentResults> {
  const startedAt = Date.now();
  const out = resolve(opt.out);
  // every path a worker reads is absolute: workers run elsewhere
  const jobCfg: RunConfig = { ...cfg, baseDir: resolve(cfg.baseDir ?? process.cwd()), cacheDir: resolve(cfg.baseDir ?? process.cwd(), cfg.cacheDir ?? '.topickd-cache') };
  const setup = await experimentSetup(rt, dataset, jobCfg, { ...opt, out }, progress);
  const run = `exp-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const options: QueuedExperimentOptions = { ...opt, out, hyperByK: Object.fromEntries(opt.topics.map((K) => [String(K), opt.hyper(K)])) };
  delete (options as Partial<ExperimentOptions>).hyper;
  const base: ExperimentJobBase = { run, cfg: jobCfg, data: dataArg, options };
  rmSync(workDir(out), { recursive: true, force: true });
  const teachers: FlowSpec[] = [];
  for (const K of opt.topics) {
    if (opt.teacherPer === 'seed') for (const seed of opt.seeds) teachers.push({ name: EXPERIMENT_TEACHER, id: `${run}-teacher-K${K}-s${seed}`, data: { ...base, K, teacherSeed: seed, seeds: [seed] } satisfies TeacherJob });
    else teachers.push({ name: EXPERIMENT_TEACHER, id: `${run}-teacher-K${K}`, data: { ...base, K, teacherSeed: opt.teacherSeed ?? opt.seeds[0], seeds: opt.seeds } satisfies TeacherJob });
  }
  const root: FlowSpec = { name: EXPERIMENT_RESULTS, id: `${run}-results`, data: { ...base, startedAt, header: experimentHeader(setup, rt.backend.name) } satisfies ResultsJob, children: teachers };
  const { JobQueue } = await queueModule();
  const queue = await JobQueue.open(url, { queueTimeoutSeconds: cfg.queueTimeout, log: (l) => progress.log(l) });
  try {
    const total = teachers.length + opt.topics.length * opt.seeds.length;
    progress.log(`experiment ${run}: ${total} jobs on ${queue.shown} (${teachers.length} teacher${teachers.length === 1 ? '' : 's'}, then a job per K and seed); start workers with: topickd worker --queue ${queue.shown}`);
    let last = -1;
    await queue.runFlow(root, run, {
      expectedJobs: total + 1,
      onProgress: (done, all) => {
        if (done !== last) progress.log(`experiment ${run}: ${done}/${all} jobs done`);
        last = done;
      },
    });
  } finally {
    await queue.close();
  }
  const file = join(out, 'results.json');
  if (!existsSync(file)) throw new TopicKDError('IO', `the queued experiment finished but ${file} is missing: do the workers share this folder?`);
  return JSON.parse(readFileSync(file, 'utf8')) as ExperimentResults;
}
