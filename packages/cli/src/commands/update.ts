import { loadCorpus, saveModel } from '@topickd/core/node';
import { defineCommand } from '../command.js';
import { claimOutputDir, count, createRuntime, loadModelWith, plural, resolveDataPath, saveTrainingTheta, trainingRecord, updateModel } from 'topickd/app';

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
    const rt = await createRuntime(cfg, logger);
    const saved = await loadModelWith(rt, dir);
    try {
      const corpus = loadCorpus(resolveDataPath(data, cfg.baseDir), { textField: cfg.textField });
      const up = await updateModel(rt, cfg, saved, saved.manifest.digest!, corpus, progress);
      try {
        const seed = cfg.seed ?? 0;
        await saveModel(out, {
          model: up.model,
          vocabulary: saved.vocabulary,
          encoder: saved.encoder,
          ...(saved.preprocessing ? { preprocessing: saved.preprocessing } : {}),
          training: { ...trainingRecord(up.dataset, up.result, seed, rt.backend.name), updatedFrom: dir },
          lineage: up.lineage,
        });
        saveTrainingTheta(out, up.model, up.dataset, up.embeddings, cfg);
        const result = {
          model: up.model.kind,
          out,
          lineage: up.lineage,
          documents: corpus.documents.length,
          documentsAdded: up.lineage.documentsAdded,
          unknownTokenShare: up.lineage.unknownTokenShare,
          epochs: up.result.epochs,
          finalLoss: up.result.finalLoss,
          seconds: up.result.seconds,
          topicWords: up.model.topics(saved.vocabulary, 10),
        };
        if (json) print(JSON.stringify(result));
        else {
          print(`updated ${up.model.kind} on ${plural(up.lineage.documentsAdded, 'document')} (${count(corpus.documents.length - up.lineage.documentsAdded)} without a known word left out; ${(100 * (up.lineage.unknownTokenShare ?? 0)).toFixed(1)}% of the new tokens are not in the model's vocabulary), ${up.result.epochs} epochs, final loss ${up.result.finalLoss.toFixed(4)}`);
          result.topicWords.forEach((t, k) => print(`  topic ${String(k).padStart(2)}: ${t.join(' ')}`));
          print(`saved to ${out} (lineage: parent ${up.lineage.parent.slice(0, 12)}…)`);
        }
      } finally {
        up.model.dispose();
      }
    } finally {
      saved.model.dispose();
    }
  },
});
