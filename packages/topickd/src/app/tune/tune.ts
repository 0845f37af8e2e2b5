/**
 * `topickd tune`: α and T of the distilled student for a corpus and a trained teacher, by
 * successive halving (tune-search.ts), objective the mean NPMI over the seeds. Trials run in
 * this thread, in worker threads (`jobs`), or as jobs on a queue (`queue`); each is one
 * distilled student trained from scratch, so all three give the same numbers. Writes
 * tune.json and a page with the trials' plot (report.html).
 */
import { join, resolve } from 'node:path';
import { checkRecipe, checkSeed, ConfigError, distillHyper, ReferenceCorpus, type Dataset, type Float32Matrix, type LossSpec, type TopicModel, DEFAULT_TRAIN } from '@topickd/core';
import { writeFileAtomic } from '@topickd/core/node';
import { Piscina } from 'piscina';
import { queueModule } from '../queue/queue-module.js';
import { encoderSpecOfModel, distillOn, embedDataset, fitOn, loadDatasetForModel, loadModelWith, type Runtime } from '../run/pipeline.js';
import { Progress } from '../run/progress.js';
import type { RunConfig } from '../run/run-config.js';
import { evaluateModel, hyperFor } from '../experiment/experiment-results.js';
import { chooseBest, successiveHalving, type HalvingResult, type SearchSpace, type TrialMetrics, type TuneResults } from './tune-search.js';
import { renderTunePage } from './tune-page.js';

export type { TuneResults } from './tune-search.js';
import { builtWorkerFile } from '../workers/worker-file.js';

/** Everything one trial needs, as JSON (a worker thread's or a queue job's input). */
export interface TuneTask {
  cfg: RunConfig;
  /** The dataset: a bundled name or an absolute path. */
  data: string;
  teacherDir: string;
  student: { model: string; hidden: number[] };
  /** null: the student alone (no distillation), the reference. */
  alpha: number | null;
  temperature: number | null;
  seed: number;
  epochs: number;
}

/** A trial's world: data, embeddings, teacher; built once per process or thread and reused. */
export interface TuneContext {
  rt: Runtime;
  cfg: RunConfig;
  dataset: Dataset;
  ref: ReferenceCorpus;
  studentEmbeddings: Float32Matrix;
  teacherEmbeddings: Float32Matrix;
  teacher: TopicModel;
  /** The distillation losses asked for (undefined: the defaults the teacher can serve). */
  losses: LossSpec[] | undefined;
}

export async function tuneContext(rt: Runtime, cfg: RunConfig, data: string, teacherDir: string, progress: Progress): Promise<TuneContext> {
  const saved = await loadModelWith(rt, teacherDir);
  const teacher = saved.model; // any kind can teach (one without a posterior network through the ce loss)
  const dataset = loadDatasetForModel(cfg, saved, data); // the teacher's vocabulary and tokenization, as distill
  const studentEmb = await embedDataset(rt, dataset, cfg.encoder, cfg, progress, 'student embeddings');
  let teacherEmbeddings = studentEmb.embeddings;
  if (saved.encoder.id !== studentEmb.encoderId) {
    const spec = cfg.teacherEncoder ?? encoderSpecOfModel(saved.encoder);
    if (spec === 'precomputed') throw new ConfigError(`the teacher was trained on precomputed embeddings (${saved.encoder.id}); give them with teacherEncoder precomputed:FILE`, 'teacherEncoder');
    teacherEmbeddings = (await embedDataset(rt, dataset, spec, cfg, progress, 'teacher embeddings')).embeddings;
  }
  return { rt, cfg, dataset, ref: new ReferenceCorpus(dataset.tokens), studentEmbeddings: studentEmb.embeddings, teacherEmbeddings, teacher, losses: cfg.losses };
}

/** Trains one student (distilled with α, T, or alone when α is null) for `epochs` and scores it. */
export async function runTuneTrial(ctx: TuneContext, task: Pick<TuneTask, 'student' | 'alpha' | 'temperature' | 'seed' | 'epochs'>, progress: Progress): Promise<TrialMetrics> {
  const { rt, dataset } = ctx;
  const cfg = { ...ctx.cfg, epochs: task.epochs };
  const K = ctx.teacher.numTopics;
  const label = task.alpha === null ? `student alone seed=${task.seed}` : `α=${task.alpha} T=${task.temperature} seed=${task.seed} (${task.epochs} epochs)`;
  let model: TopicModel;
  let seconds: number;
  if (task.alpha === null) {
    const trained = await fitOn(rt, dataset, ctx.studentEmbeddings, { kind: task.student.model, topics: K, hidden: task.student.hidden }, cfg, progress, label, task.seed);
    model = trained.model;
    seconds = trained.result.seconds;
  } else {
    const res = await distillOn(
      rt,
      dataset,
      { embeddings: ctx.studentEmbeddings, teacherEmbeddings: ctx.teacherEmbeddings },
      [ctx.teacher],
      { kind: task.student.model, topics: K, hidden: task.student.hidden },
      cfg,
      progress,
      label,
      task.seed,
      // the recipe's distillation phase for this trial's epochs (auto: the first half), as the run it tunes for will have
      { alpha: task.alpha, temperature: task.temperature!, kdEpochs: distillHyper({ alpha: task.alpha, temperature: task.temperature!, recipe: checkRecipe(ctx.cfg.recipe), kdEpochs: ctx.cfg.kdEpochs }, { topics: K, epochs: task.epochs }).kdEpochs, losses: ctx.losses },
    );
    model = res.model;
    seconds = res.result.seconds;
  }
  try {
    const ev = evaluateModel(model, dataset.vocabulary, ctx.ref);
    return { npmi: ev.npmi, cv: ev.cv, td: ev.td, seconds };
  } finally {
    model.dispose();
  }
}

/**
 * Contexts by (config, data, teacher): a worker thread or a queue worker builds each once and
 * runs trials in it. A long-lived worker keeps the two latest only (each holds data, embeddings
 * and a teacher); an older one is disposed once its running trials are done.
 */
export function tuneContexts(rt: Runtime | ((cfg: RunConfig) => Promise<Runtime>), progress: Progress) {
  interface Entry {
    ctx: Promise<TuneContext>;
    running: number;
    retired: boolean;
  }
  const contexts = new Map<string, Entry>();
  const dispose = (e: Entry) => void e.ctx.then((c) => c.teacher.dispose(), () => undefined);
  return {
    /** Runs `fn` in the task's context. */
    async run<T>(task: TuneTask, fn: (ctx: TuneContext) => Promise<T>): Promise<T> {
      const key = JSON.stringify([task.cfg, task.data, task.teacherDir]);
      let e = contexts.get(key);
      if (!e) {
        while (contexts.size >= 2) {
          const [oldKey, old] = contexts.entries().next().value!;
          contexts.delete(oldKey);
          old.retired = true;
          if (old.running === 0) dispose(old);
        }
        const ctx = (async () => tuneContext(typeof rt === 'function' ? await rt(task.cfg) : rt, task.cfg, task.data, task.teacherDir, progress))();
        ctx.catch(() => contexts.delete(key));
        contexts.set(key, (e = { ctx, running: 0, retired: false }));
      }
      e.running++;
      try {
        return await fn(await e.ctx);
      } finally {
        if (--e.running === 0 && e.retired) dispose(e);
      }
    },
    async close() {
      for (const e of contexts.values()) (await e.ctx.catch(() => undefined))?.teacher.dispose();
      contexts.clear();
    },
  };
}

/** The job kind of a trial on the queue. */
export const TUNE_TRIAL = 'tune-trial';

export interface TuneRequest {
  data: string;
  teacherDir: string;
  student?: { model: string; hidden: number[] };
  space: SearchSpace;
  trials?: number;
  seeds?: number[];
  /** Epochs of a full training (the last rung's). */
  epochs?: number;
  eta?: number;
  searchSeed?: number;
  out: string;
  /** Trials at once in worker threads (default 1: in this thread). */
  jobs?: number;
  /** redis://HOST:PORT: trials as jobs for `topickd worker` processes. */
  queue?: string;
  /** Also train, on every seed at full epochs, the student alone and the student distilled with the defaults: the recipe's α and T (default true). */
  reference?: boolean;
  /** The dataset's name, for the defaults (the recipe's α and T; the paper's table names m10 and 20ng). */
  datasetName: string;
}


const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Runs the search; writes OUT/tune.json and OUT/report.html; returns what tune.json holds. */
export async function tune(rt: Runtime, cfg: RunConfig, request: TuneRequest, progress: Progress): Promise<TuneResults> {
  const t0 = performance.now();
  const seeds = request.seeds ?? [0, 1];
  checkSeed(seeds, 'seeds');
  const epochs = request.epochs ?? cfg.epochs ?? DEFAULT_TRAIN.epochs;
  const trials = request.trials ?? 9;
  const eta = request.eta ?? 3;
  const searchSeed = request.searchSeed ?? 0;
  const jobs = request.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new ConfigError(`--jobs must be a positive integer, got ${jobs}`, 'jobs');
  if (jobs > 1 && request.queue) throw new ConfigError('--jobs and --queue exclude each other: with --queue the workers run the trials', 'jobs');
  if (jobs > 1 && rt.backend.workerThreads === false) throw new ConfigError('--jobs > 1 trains in worker threads, where the node backend does not load; use --backend wasm, or --queue with a worker per core', 'jobs');
  const base = resolve(cfg.baseDir ?? process.cwd());
  const taskCfg: RunConfig = { ...cfg, baseDir: base, cacheDir: resolve(base, cfg.cacheDir ?? '.topickd-cache') };
  const teacherDir = resolve(base, request.teacherDir);
  // here first: checks the teacher and the data, and fills the embedding cache every trial reads
  const ctx = await tuneContext(rt, taskCfg, request.data, teacherDir, progress);
  const K = ctx.teacher.numTopics;
  const student = request.student ?? { model: 'zeroshot', hidden: [100, 100] };
  rt.registry.modelFactory(student.model, 'student');
  const taskOf = (alpha: number | null, temperature: number | null, seed: number, e: number): TuneTask => ({ cfg: taskCfg, data: request.data, teacherDir, student, alpha, temperature, seed, epochs: e });

  let pool: Piscina | undefined;
  let done = 0;
  const runTasks = async (tasks: TuneTask[]): Promise<TrialMetrics[]> => {
    const tick = () => progress.log(`tune: ${++done} trainings done`);
    if (request.queue) {
      const { JobQueue } = await queueModule();
      const queue = await JobQueue.open(request.queue, { queueTimeoutSeconds: cfg.queueTimeout, log: (l) => progress.log(l) });
      try {
        const run = `tune-${Date.now().toString(36)}-${Math.random().toString(16).slice(2, 10)}`;
        return await queue.run<TrialMetrics>(
          tasks.map((data, i) => ({ name: TUNE_TRIAL, id: `${run}-${i}`, data })),
          { onProgress: (d) => d > 0 && tick() },
        );
      } finally {
        await queue.close();
      }
    }
    if (jobs > 1) {
      const filename = builtWorkerFile('tune-worker');
      if (!filename) throw new ConfigError('the tune worker file is not built (pnpm build); run with --jobs 1', 'jobs');
      pool ??= new Piscina({ filename, minThreads: 0, maxThreads: jobs, idleTimeout: 60_000 });
      return Promise.all(tasks.map((t) => (pool!.run(t) as Promise<TrialMetrics>).then((r) => (tick(), r))));
    }
    const out: TrialMetrics[] = [];
    for (const t of tasks) {
      out.push(await runTuneTrial(ctx, t, progress));
      tick();
    }
    return out;
  };

  let result: HalvingResult;
  let reference: TuneResults['reference'];
  try {
    result = await successiveHalving(
      request.space,
      { trials, epochs, eta, seeds, searchSeed },
      (reqs) => runTasks(reqs.map((q) => taskOf(q.candidate.alpha, q.candidate.temperature, q.seed, q.epochs))),
      (r, rungs, leader) => progress.log(`tune: rung ${r + 1}/${rungs.length} (${rungs[r].candidates} candidates × ${seeds.length} seeds × ${rungs[r].epochs} epochs): best α=${leader.alpha} T=${leader.temperature}, mean NPMI ${leader.npmi.toFixed(4)}`),
    );
    if (request.reference !== false) {
      const { alpha, temperature, recipe } = hyperFor({ recipe: cfg.recipe }, ctx.dataset, request.datasetName)(K);
      const d = { alpha, temperature, recipe };
      const ref = await runTasks([...seeds.map((s) => taskOf(null, null, s, epochs)), ...seeds.map((s) => taskOf(d.alpha, d.temperature, s, epochs))]);
      const alone = ref.slice(0, seeds.length);
      const defaults = ref.slice(seeds.length);
      const last = result.trials.filter((t) => t.rung === result.rungs.length - 1 && t.alpha === result.best.alpha && t.temperature === result.best.temperature);
      reference = {
        alone: { npmi: mean(alone.map((m) => m.npmi)), cv: mean(alone.map((m) => m.cv)), td: mean(alone.map((m) => m.td)), perSeed: alone.map((m) => m.npmi) },
        defaults: { ...d, npmi: mean(defaults.map((m) => m.npmi)), cv: mean(defaults.map((m) => m.cv)), td: mean(defaults.map((m) => m.td)), perSeed: defaults.map((m) => m.npmi) },
        bestPerSeed: last.map((t) => t.npmi),
      };
    }
  } finally {
    await pool?.destroy();
    ctx.teacher.dispose();
  }
  const res: TuneResults = {
    dataset: request.datasetName,
    teacher: teacherDir,
    K,
    student,
    space: request.space,
    search: { method: 'successive halving over a scrambled Halton sequence', eta, searchSeed, rungs: result.rungs },
    seeds,
    best: chooseBest(result.best, reference?.defaults),
    searchBest: result.best,
    trials: result.trials,
    ...(reference ? { reference } : {}),
    jobs,
    ...(request.queue ? { queue: (await queueModule()).maskRedisUrl(request.queue) } : {}),
    seconds: (performance.now() - t0) / 1000,
  };
  writeFileAtomic(join(request.out, 'tune.json'), JSON.stringify(res, null, 1) + '\n');
  writeFileAtomic(join(request.out, 'report.html'), renderTunePage(res));
  return res;
}
