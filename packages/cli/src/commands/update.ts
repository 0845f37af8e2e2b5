import { defineCommand } from '../command.js';
import { topicKDOf } from '../api-of.js';
import { claimOutputDir, count, plural } from 'topickd/app';

export const updateCommand = defineCommand({
  name: 'update',
  summary: "continue training a model on new documents (its vocabulary, a fresh optimizer); the new model records its lineage",
  example: 'topickd update --model runs/m10-combined --data new-titles.jsonl --epochs 20 --out runs/m10-combined-2',
  ownFlags: ['model'],
  flags: {
    model: { required: true, path: 'input', type: 'string', arg: 'DIR', description: 'the trained model folder to update (required; it is not changed)' },
    data: { required: true, path: 'input', type: 'string', arg: 'PATH', description: 'the new documents: .txt, .jsonl or an OCTIS folder (required)' },
    epochs: { type: 'integer', arg: 'N', description: 'epochs over the new documents (default 20)' },
    seed: { type: 'integer', arg: 'S', description: 'seed of the batches and samples (default 0)' },
    'batch-size': { type: 'integer', arg: 'N', description: 'documents per batch (default 64)' },
    'learning-rate': { type: 'number', arg: 'LR', description: "Adam's learning rate (default 0.002)" },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
    encoder: { type: 'string', arg: 'NAME', description: "the encoder of the new documents (default: the model's own; precomputed:FILE.npy for its precomputed kind)" },
    out: { required: true, path: 'output', type: 'string', arg: 'DIR', description: 'the updated model folder to write (required)' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const { model: dir, data, out } = flags;
    claimOutputDir(out, { model: dir, data }, cfg.baseDir);
    // an adapter over the API: tkd.load, tkd.update, save
    const tkd = await topicKDOf(cfg, logger, progress);
    const model = await tkd.load(dir);
    try {
      const updated = await tkd.update(model, data, { epochs: cfg.epochs, seed: cfg.seed, batchSize: cfg.batchSize, learningRate: cfg.learningRate, textField: cfg.textField, samples: cfg.samples });
      try {
        await updated.save(out);
        const lineage = updated.lineage!;
        const run = updated.run!;
        const documents = lineage.documentsAdded + run.droppedDocuments;
        const result = {
          model: updated.kind,
          out,
          lineage,
          documents,
          documentsAdded: lineage.documentsAdded,
          unknownTokenShare: lineage.unknownTokenShare,
          epochs: run.epochs,
          finalLoss: run.finalLoss,
          seconds: run.seconds,
          topicWords: updated.topics(10),
        };
        if (json) print(JSON.stringify(result));
        else {
          print(`updated ${updated.kind} on ${plural(lineage.documentsAdded, 'document')} (${count(documents - lineage.documentsAdded)} without a known word left out; ${(100 * (lineage.unknownTokenShare ?? 0)).toFixed(1)}% of the new tokens are not in the model's vocabulary), ${run.epochs} epochs, final loss ${run.finalLoss.toFixed(4)}`);
          result.topicWords.forEach((t, k) => print(`  topic ${String(k).padStart(2)}: ${t.join(' ')}`));
          print(`saved to ${out} (lineage: parent ${lineage.parent.slice(0, 12)}…)`);
        }
      } finally {
        updated.dispose();
      }
    } finally {
      model.dispose();
    }
  },
});
