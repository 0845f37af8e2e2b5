import { defineCommand } from '../command.js';
import { topicKDOf } from '../api-of.js';
import { claimOutputDir } from 'topickd/app';

export const reduceCommand = defineCommand({
  name: 'reduce',
  summary: "merge a model's closest topics (Jensen–Shannon distance of their word distributions) into fewer; the new model's θ is the merged one, for new documents too",
  example: 'topickd reduce --model runs/20ng-combined --topics 10 --out runs/20ng-combined-k10',
  ownFlags: ['model'],
  flags: {
    model: { required: true, path: 'input', type: 'string', arg: 'DIR', description: 'the trained model folder (required; it is not changed); any kind, a reduced one too' },
    topics: { required: true, type: 'integer', arg: 'K', description: 'topics to keep, from 2 to one fewer than the model has (required)' },
    out: { required: true, path: 'output', type: 'string', arg: 'DIR', description: 'the reduced model folder to write (required)' },
  },
  async run({ cfg, flags, print, json, logger }) {
    const { model: dir, topics: K2, out } = flags;
    claimOutputDir(out, { model: dir }, cfg.baseDir);
    // an adapter over the API: tkd.load, tkd.reduce, save — as a program would write it
    const tkd = await topicKDOf(cfg, logger);
    const model = await tkd.load(dir);
    try {
      const reduced = await tkd.reduce(model, { topics: K2 });
      try {
        await reduced.save(out);
        const record = reduced.training.reduced as { from: number; groups: number[][]; distances: number[]; weights: string };
        const topicWords = reduced.topics(10);
        const result = { model: reduced.kind, base: (reduced.model as { base?: { kind: string } }).base?.kind ?? model.kind, from: record.from, topics: K2, groups: record.groups, distances: record.distances, weights: record.weights, topicWords, out };
        if (json) print(JSON.stringify(result));
        else {
          print(`${record.from} topics of ${dir} merged into ${K2} (closest first, Jensen–Shannon distance ${record.distances[0].toFixed(3)} … ${record.distances.at(-1)!.toFixed(3)}; topics weighted by ${record.weights === 'training θ' ? 'their share of the training documents' : 'equal weights (no theta.npy beside the model)'})`);
          topicWords.forEach((t, k) => print(`  topic ${String(k).padStart(2)} (from ${record.groups[k].join(' + ')}): ${t.join(' ')}`));
          print(`saved to ${out}`);
        }
      } finally {
        reduced.dispose();
      }
    } finally {
      model.dispose();
    }
  },
});
