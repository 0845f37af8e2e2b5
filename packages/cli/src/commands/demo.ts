import { DISTILL_EPOCHS } from '@topickd/core';
import { join } from 'node:path';
import { gridReference, plural } from 'topickd/app';
import { RECIPE_FLAG, defineCommand } from '../command.js';
import { experimentSettingsOf, topicKDOf } from '../api-of.js';

const ROLE_LABEL = { teacher: 'teacher', student: 'student alone', distilled: 'distilled student', baseline: 'baseline' } as const;

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'the main job on the embedded defaults: train a teacher on M10, distill a student, print topics and coherence, write the report',
  example: 'topickd demo --epochs 100',
  flags: {
    epochs: { type: 'integer', arg: 'N', description: `epochs per model (default ${DISTILL_EPOCHS}, as experiment's)` },
    topics: { type: 'integer', arg: 'K', description: 'topics (default 20)' },
    seed: { type: 'integer', arg: 'S', description: 'seed (default 0)' },
    data: { path: 'input', type: 'string', arg: 'PATH', description: 'corpus (default m10, bundled)' },
    alpha: { type: 'number', arg: 'A', description: 'weight of the distillation terms in [0, 1] (default: from the recipe)' },
    temperature: { type: 'number', arg: 'T', description: 'softmax temperature of the soft labels, > 0 (default: from the recipe)' },
    recipe: RECIPE_FLAG,
    out: { path: 'output', type: 'string', arg: 'DIR', description: 'output folder (default runs/demo)' },
  },
  async run({ cfg, print, json, progress, logger }) {
    const out = cfg.out ?? join('runs', 'demo');
    const K = cfg.topics ?? 20;
    const epochs = cfg.epochs ?? DISTILL_EPOCHS;
    const data = cfg.data ?? 'm10';
    // an adapter over the API: the demo is tkd.experiment with one K and one seed
    const tkd = await topicKDOf(cfg, logger, progress);
    progress.log(`TopicKD demo: ${data === 'm10' ? 'M10 (bundled)' : data}, Universal Sentence Encoder, backend ${tkd.backend.name}; teacher CombinedTM → student ZeroShotTM, K=${K}, ${plural(epochs, 'epoch')} each`);
    const res = await tkd.experiment({ ...experimentSettingsOf(cfg), dataset: data, topics: [K], seeds: [cfg.seed ?? 0], out, epochs });
    if (json) {
      print(JSON.stringify(res));
      return;
    }
    for (const r of res.runs) {
      print(`\n== ${ROLE_LABEL[r.role]} (${r.model}, ${r.params.toLocaleString('en-US')} parameters, ${r.trainSeconds.toFixed(0)} s): NPMI ${r.npmi.toFixed(4)}  C_V ${r.cv.toFixed(4)}  TD ${r.td.toFixed(3)}`);
      r.topicWords.forEach((t, k) => print(`  ${String(k).padStart(2)}: ${t.join(' ')}`));
    }
    const t = res.runs.find((r) => r.role === 'teacher')!;
    const d = res.runs.find((r) => r.role === 'distilled')!;
    const s = res.runs.find((r) => r.role === 'student')!;
    print(`\nteacher ${t.params.toLocaleString('en-US')} params, NPMI ${t.npmi.toFixed(4)} | student alone ${s.params.toLocaleString('en-US')} params, NPMI ${s.npmi.toFixed(4)} | distilled student, NPMI ${d.npmi.toFixed(4)} (${(t.params / d.params).toFixed(1)}× fewer parameters than the teacher)`);
    const diff = d.npmi - s.npmi;
    const sign = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}`;
    print(`distilled − alone, this run (one seed, ${plural(epochs, 'epoch')}, α ${d.alpha?.toFixed(3)}, T ${d.temperature}, recipe ${d.recipe ?? 'given'}): ${sign(diff)}`);
    const grid = gridReference(data, K, d.recipe, epochs);
    if (grid) {
      print(`the committed grid (${grid.source}: ${grid.seeds} seeds, ${grid.epochs} epochs, same recipe): mean ${sign(grid.meanDifference)}, paired bootstrap 95% interval [${sign(grid.interval95[0])}, ${sign(grid.interval95[1])}]${grid.interval95[0] > 0 ? ' — the evidence' : ''}`);
    } else {
      print('no committed grid for this corpus, K, recipe and number of epochs: run `topickd experiment` with 5 seeds before reading one seed as a result');
    }
    print(`report: ${join(out, 'report.html')}   results: ${join(out, 'results.md')}   models: ${join(out, `K${K}-seed${cfg.seed ?? 0}`)}`);
  },
});
