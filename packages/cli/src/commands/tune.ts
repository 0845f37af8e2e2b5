import { ConfigError } from '@topickd/core';
import { basename, resolve } from 'node:path';
import { claimOutputDir, createRuntime, datasetNameOf, isBundledDataset, tune } from 'topickd/app';
import { QUEUE_TIMEOUT_FLAG, queueOf, TRAIN_FLAGS, type Command } from '../command.js';
import { parseRange } from './experiment.js';

const f4 = (x: number) => x.toFixed(4);

export const tuneCommand: Command = {
  name: 'tune',
  summary: 'search α and T of the distilled student for a corpus and a trained teacher (successive halving; objective: mean NPMI over the seeds)',
  usage:
    'topickd tune --data D --teacher DIR [--student zeroshot] [--hidden 100,100] [--alpha 0.1:0.9] [--temperature 1:5] [--trials N] [--seeds 0,1] [--epochs N] [--jobs N | --queue URL] --out DIR [--json]',
  example: 'topickd tune --data 20ng --teacher runs/20ng/K20-seed0/teacher --trials 9 --seeds 0,1 --jobs 2 --out runs/20ng-tune',
  ownFlags: ['alpha', 'temperature', 'student', 'hidden'],
  flags: {
    data: { path: 'input', type: 'string', arg: 'PATH', description: 'the corpus the teacher was trained on: m10, 20ng or a path (required)' },
    teacher: { path: 'input', type: 'string', arg: 'DIR', description: 'the trained teacher model folder (required)' },
    student: { type: 'string', arg: 'KIND', description: 'student kind (default zeroshot)' },
    hidden: { type: 'numbers', arg: 'H,H', description: "student hidden layers (default 100,100)" },
    alpha: { type: 'string', arg: 'LOW:HIGH', description: 'range of α, the weight of the distillation terms (default 0.1:0.9)' },
    temperature: { type: 'string', arg: 'LOW:HIGH', description: 'range of T (default 1:5)' },
    trials: { type: 'integer', arg: 'N', description: 'candidates of the first rung; the best 1/3 go on each rung (default 9)' },
    seeds: { type: 'numbers', arg: 'S,S', description: 'seeds every candidate is trained with; the objective is the mean NPMI over them (default 0,1)' },
    epochs: { type: 'integer', arg: 'N', description: "epochs of the last rung, a full training (default 100); earlier rungs train 1/3, 1/9, … of it" },
    'search-seed': { type: 'integer', arg: 'S', description: 'seed of the candidate points (default 0)' },
    'no-reference': { type: 'boolean', description: 'skip the reference runs (the student alone and with the default α, T on every seed)' },
    jobs: { type: 'integer', arg: 'N', description: 'trainings at once, in worker threads (default 1)' },
    queue: { type: 'string', arg: 'URL', description: 'redis://HOST:PORT: trainings as jobs for `topickd worker` processes (the data, the teacher and the cache in a shared folder)' },
    'queue-timeout': QUEUE_TIMEOUT_FLAG,
    out: { path: 'output', type: 'string', arg: 'DIR', description: 'folder for tune.json and report.html (required)' },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
    plugins: { type: 'list', arg: 'MOD,MOD', description: 'third-party plugin modules to load' },
    'ce-logits': TRAIN_FLAGS['ce-logits'],
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const data = (flags.data as string | undefined) ?? cfg.data;
    if (!data) throw new ConfigError('give the corpus: --data m10, 20ng or a path', 'data');
    const teacherDir = flags.teacher as string | undefined;
    if (!teacherDir) throw new ConfigError('give the teacher model folder: --teacher DIR', 'teacher');
    if (!cfg.out) throw new ConfigError('give the output folder: --out DIR', 'out');
    const space = { alpha: parseRange(flags.alpha, [0.1, 0.9], 'alpha'), temperature: parseRange(flags.temperature, [1, 5], 'temperature') };
    if (space.alpha[0] < 0 || space.alpha[1] > 1) throw new ConfigError(`--alpha must lie in [0, 1], got ${space.alpha.join(':')}`, 'alpha');
    if (!(space.temperature[0] > 0)) throw new ConfigError(`--temperature must be > 0, got ${space.temperature.join(':')}`, 'temperature');
    const bundled = isBundledDataset(data);
    const out = resolve(cfg.baseDir ?? process.cwd(), cfg.out);
    claimOutputDir(out, { data, teacher: teacherDir }, cfg.baseDir);
    const rt = await createRuntime(cfg, logger);
    const res = await tune(
      rt,
      cfg,
      {
        data: bundled ? data.toLowerCase() : resolve(cfg.baseDir ?? process.cwd(), data),
        datasetName: datasetNameOf(data),
        teacherDir,
        student: { model: (flags.student as string | undefined) ?? cfg.student?.model ?? 'zeroshot', hidden: (flags.hidden as number[] | undefined) ?? cfg.student?.hidden ?? [100, 100] },
        space,
        trials: flags.trials as number | undefined,
        seeds: flags.seeds as number[] | undefined,
        epochs: cfg.epochs,
        searchSeed: flags.searchSeed as number | undefined,
        reference: !flags.noReference,
        jobs: flags.jobs as number | undefined,
        queue: (await queueOf(flags.queue))?.url,
        out,
      },
      progress,
    );
    if (json) print(JSON.stringify(res));
    else {
      print(`best α=${res.best.alpha}, T=${res.best.temperature}: mean NPMI ${f4(res.best.npmi)} over seeds ${res.seeds.join(', ')} (${res.trials.length} trainings, ${(res.seconds / 60).toFixed(1)} min)`);
      if (res.best.from === 'defaults') print(`  = the defaults: the search's best, α=${res.searchBest.alpha}, T=${res.searchBest.temperature}, scored ${f4(res.searchBest.npmi)} at full epochs`);
      if (res.reference) {
        print(`  defaults α=${res.reference.defaults.alpha}, T=${res.reference.defaults.temperature}: ${f4(res.reference.defaults.npmi)}`);
        print(`  student alone: ${f4(res.reference.alone.npmi)}`);
      }
      print(`wrote ${resolve(out, 'tune.json')} and report.html`);
    }
  },
};
