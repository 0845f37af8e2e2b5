import { ConfigError, DEFAULT_TRAIN, DISTILL_EPOCHS } from '@topickd/core';
import { resolve } from 'node:path';
import { parseTopicsRange } from 'topickd/app';
import { QUEUE_TIMEOUT_FLAG, TRAIN_FLAGS, defineCommand } from '../command.js';
import { topicKDOf } from '../api-of.js';
import { parseRange } from './experiment.js';

const f4 = (x: number) => x.toFixed(4);

export const tuneCommand = defineCommand({
  name: 'tune',
  summary: 'search α and T of the distilled student for a corpus and a trained teacher (successive halving; objective: mean NPMI over the seeds) — or, with --topics and no teacher, choose the number of topics K',
  example: 'topickd tune --data 20ng --teacher runs/20ng/K20-seed0/teacher --trials 9 --seeds 0,1 --jobs 2 --out runs/20ng-tune',
  ownFlags: ['alpha', 'temperature', 'student', 'hidden', 'topics', 'model'],
  flags: {
    topics: { type: 'string', arg: 'LOW:HIGH[:STEP] | K,K', description: 'choose K instead (no --teacher): train --model at every K of the range (step 10 by default) on every seed, score NPMI, C_V and TD, recommend one K (tune.json: byK, recommendedK)' },
    model: { type: 'string', arg: 'KIND', description: 'with --topics: the model kind whose K is chosen (default combined)' },
    data: { required: true, path: 'input', type: 'string', arg: 'PATH', description: 'the corpus the teacher was trained on: m10, 20ng or a path (required)' },
    teacher: { path: 'input', type: 'string', arg: 'DIR', description: 'the trained teacher model folder (required)' },
    student: { type: 'string', arg: 'KIND', description: 'student kind (default zeroshot)' },
    hidden: { type: 'numbers', arg: 'H,H', description: "student hidden layers (default 100,100)" },
    alpha: { type: 'string', arg: 'LOW:HIGH', description: 'range of α, the weight of the distillation terms (default 0.1:0.9)' },
    temperature: { type: 'string', arg: 'LOW:HIGH', description: 'range of T (default 1:5)' },
    trials: { type: 'integer', arg: 'N', description: 'candidates of the first rung; the best 1/3 go on each rung (default 9)' },
    seeds: { type: 'numbers', arg: 'S,S', description: 'seeds every candidate is trained with; the objective is the mean NPMI over them (default 0,1)' },
    epochs: { type: 'integer', arg: 'N', description: `epochs of the last rung, a full training (default ${DISTILL_EPOCHS}, as distill's; with --topics ${DEFAULT_TRAIN.epochs}, as fit's); earlier rungs train 1/3, 1/9, … of it` },
    'search-seed': { type: 'integer', arg: 'S', description: 'seed of the candidate points (default 0)' },
    'no-reference': { type: 'boolean', description: 'skip the reference runs (the student alone and with the default α, T on every seed)' },
    jobs: { type: 'integer', arg: 'N', description: 'trainings at once, in worker threads (default 1)' },
    queue: { type: 'string', arg: 'URL', description: 'redis://HOST:PORT: trainings as jobs for `topickd worker` processes (the data, the teacher and the cache in a shared folder)' },
    'queue-timeout': QUEUE_TIMEOUT_FLAG,
    out: { required: true, path: 'output', type: 'string', arg: 'DIR', description: 'folder for tune.json and report.html (required)' },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
    plugins: { type: 'list', arg: 'MOD,MOD', description: 'third-party plugin modules to load' },
    'ce-logits': TRAIN_FLAGS['ce-logits'],
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const data = flags.data;
    const teacherDir = flags.teacher;
    if (flags.topics !== undefined) {
      if (teacherDir) throw new ConfigError('--topics chooses K and takes no --teacher (the α/T search takes the teacher, whose K is fixed); give one of them', 'topics');
      for (const f of ['alpha', 'temperature', 'trials', 'student', 'searchSeed', 'noReference', 'jobs', 'queue'] as const) {
        if (flags[f] !== undefined && flags[f] !== false) throw new ConfigError(`--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} belongs to the α/T search; the K search (--topics) trains one model kind at every K`, f);
      }
      // an adapter over the API: flags → tkd.tune's request (choosing K)
      const tkd = await topicKDOf(cfg, logger, progress);
      const res = await tkd.tune({ data, topics: parseTopicsRange(flags.topics), model: flags.model ?? cfg.model ?? 'combined', hidden: flags.hidden ?? cfg.hidden, seeds: flags.seeds, epochs: cfg.epochs, textField: cfg.textField, out: flags.out });
      const out = tkd.path(flags.out);
      if (json) print(JSON.stringify(res));
      else {
        for (const p of res.byK) print(`K=${String(p.K).padStart(3)}  NPMI ${f4(p.npmi)}  C_V ${f4(p.cv)}  TD ${p.td.toFixed(3)}  (s.e. of NPMI ${f4(p.npmiSe)})${p.K === res.recommendedK ? '  ← recommended' : ''}`);
        print(`recommended K = ${res.recommendedK} (${res.rule})`);
        print(`wrote ${resolve(out, 'tune.json')} and report.html`);
      }
      return;
    }
    if (!teacherDir) throw new ConfigError('give the teacher model folder: --teacher DIR (the α/T search), or --topics LOW:HIGH to choose K', 'teacher');
    const space = { alpha: parseRange(flags.alpha, [0.1, 0.9], 'alpha'), temperature: parseRange(flags.temperature, [1, 5], 'temperature') };
    // an adapter over the API: flags → tkd.tune's request (the α/T search)
    const tkd = await topicKDOf(cfg, logger, progress);
    const res = await tkd.tune({
      data,
      teacher: teacherDir,
      student: { model: flags.student ?? cfg.student?.model ?? 'zeroshot', hidden: flags.hidden ?? cfg.student?.hidden ?? [100, 100] },
      alpha: space.alpha,
      temperature: space.temperature,
      trials: flags.trials,
      seeds: flags.seeds,
      epochs: cfg.epochs,
      searchSeed: flags.searchSeed,
      reference: !flags.noReference,
      jobs: flags.jobs,
      queue: flags.queue,
      queueTimeout: cfg.queueTimeout,
      textField: cfg.textField,
      out: flags.out,
    });
    const out = tkd.path(flags.out);
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
});
