/** The paper's experiment in this process (`topickd experiment`), with `--tune` per K; its steps are experiment-steps.ts. */
import { join } from 'node:path';
import { checkSeed, type Dataset } from '@topickd/core';
import type { Progress } from '../run/progress.js';
import type { Runtime } from '../run/pipeline.js';
import type { RunConfig } from '../run/run-config.js';
import { tune } from '../tune/tune.js';
import type { ExperimentOptions, ExperimentResults } from './experiment-results.js';
import { experimentHeader, experimentSetup, runSeed, saveTeacher, seedFolder, trainTeacher, writeExperiment, type SeedPart, type TeacherOutcome } from './experiment-steps.js';

/** `experiment --tune`: the best α and T for K's teacher (saved in `teacherDir`), searched in this process. */
async function tuneOnTeacher(rt: Runtime, cfg: RunConfig, opt: ExperimentOptions, K: number, teacherDir: string, progress: Progress): Promise<{ alpha: number; temperature: number }> {
  const t = opt.tune!;
  const res = await tune(
    rt,
    cfg,
    { data: t.data, teacherDir, student: opt.student, space: t.space, trials: t.trials, seeds: t.seeds, epochs: t.epochs ?? cfg.epochs, out: join(opt.out, `K${K}-tune`), datasetName: opt.datasetName, reference: false },
    progress,
  );
  progress.log(`K=${K}: tuned α=${res.best.alpha}, T=${res.best.temperature} (mean NPMI ${res.best.npmi.toFixed(4)} over seeds ${res.seeds.join(', ')}); ${join(opt.out, `K${K}-tune`, 'tune.json')}`);
  return { alpha: res.best.alpha, temperature: res.best.temperature };
}

/**
 * The paper's experiment: for each K and seed, train the teacher (CombinedTM), the
 * student alone (ZeroShotTM), and the student distilled from that teacher; evaluate
 * all three on the training corpus; write results.json and results.md. Embeddings are
 * computed once (cached on disk) and shared by all models. The same steps run as jobs on
 * a queue (`runExperimentOnQueue`): a teacher per K, then one job per K and seed.
 */
export async function runExperiment(rt: Runtime, dataset: Dataset, cfg: RunConfig, opt: ExperimentOptions, progress: Progress): Promise<ExperimentResults> {
  checkSeed(opt.seeds, 'seeds');
  const t0 = performance.now();
  const tuned = new Map<number, { alpha: number; temperature: number }>();
  const setup = await experimentSetup(rt, dataset, cfg, { ...opt, hyper: (K) => { const t = tuned.get(K); return t ? { ...t, kdEpochs: opt.hyper(K).kdEpochs } : opt.hyper(K); } }, progress);
  const parts: SeedPart[] = [];
  const finish = () => writeExperiment(opt.out, experimentHeader(setup, rt.backend.name), parts, { totalSeconds: (performance.now() - t0) / 1000, report: opt.report !== false });
  for (const K of opt.topics) {
    let teacher: TeacherOutcome | undefined;
    for (const seed of opt.seeds) {
      let teacherFolder: string | undefined;
      if (!teacher || opt.teacherPer === 'seed') {
        teacher = await trainTeacher(setup, K, opt.teacherPer === 'seed' ? seed : (opt.teacherSeed ?? seed));
        if (opt.saveModels !== false || (opt.tune && !tuned.has(K))) {
          const dir = await saveTeacher(setup, K, teacher, seedFolder(K, seed));
          if (opt.tune && !tuned.has(K)) tuned.set(K, await tuneOnTeacher(rt, cfg, opt, K, dir, progress));
        }
      } else teacherFolder = seedFolder(K, opt.seeds[0]);
      parts.push(await runSeed(setup, K, seed, teacher, { teacherSavedIn: teacherFolder }));
      if (opt.teacherPer === 'seed') teacher.model.dispose();
      finish();
    }
    if (opt.teacherPer !== 'seed') teacher?.model.dispose();
  }
  return finish();
}
