import { saveModel } from '@topickd/core/node';
import { defineCommand } from '../command.js';
import { claimOutputDir, createRuntime, loadModelWith, readTrainingTheta, reduceTopics, writeTrainingTheta } from 'topickd/app';

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
    const rt = await createRuntime(cfg, logger);
    const saved = await loadModelWith(rt, dir);
    try {
      const reduced = reduceTopics(saved, saved.manifest.digest!, K2, readTrainingTheta(dir, saved.model.numTopics));
      await saveModel(out, {
        model: reduced.model,
        vocabulary: saved.vocabulary,
        encoder: saved.encoder,
        ...(saved.preprocessing ? { preprocessing: saved.preprocessing } : {}),
        training: { ...saved.training, reduced: reduced.record },
      });
      if (reduced.trainingTheta) writeTrainingTheta(out, reduced.trainingTheta);
      const topicWords = reduced.model.topics(saved.vocabulary, 10);
      const result = { model: reduced.model.kind, base: reduced.model.base.kind, from: reduced.record.from, topics: K2, groups: reduced.record.groups, distances: reduced.record.distances, weights: reduced.record.weights, topicWords, out };
      if (json) print(JSON.stringify(result));
      else {
        print(`${reduced.record.from} topics of ${dir} merged into ${K2} (closest first, Jensen–Shannon distance ${reduced.record.distances[0].toFixed(3)} … ${reduced.record.distances.at(-1)!.toFixed(3)}; topics weighted by ${reduced.record.weights === 'training θ' ? 'their share of the training documents' : 'equal weights (no theta.npy beside the model)'})`);
        topicWords.forEach((t, k) => print(`  topic ${String(k).padStart(2)} (from ${reduced.record.groups[k].join(' + ')}): ${t.join(' ')}`));
        print(`saved to ${out}`);
      }
    } finally {
      saved.model.dispose();
    }
  },
});
