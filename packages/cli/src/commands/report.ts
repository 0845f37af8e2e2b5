import { ConfigError, inferTheta, ReferenceCorpus, corpusToDataset } from '@topickd/core';
import { loadCorpus, loadModel, writeFileAtomic } from '@topickd/core/node';
import type { Command } from '../command.js';
import { createRuntime, embedDataset, resolveDataPath } from '../pipeline.js';
import { evaluateModel, reportModel } from '../experiment.js';
import { renderReport } from '../report.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 'write a self-contained HTML report: topics, coherence, intertopic map; teacher vs student',
  usage: 'topickd report --model DIR [--teacher DIR] --corpus PATH --out FILE.html',
  example: 'topickd report --model runs/demo/K20-seed0/distilled --teacher runs/demo/K20-seed0/teacher --corpus m10 --out report.html',
  ownFlags: ['model', 'teacher'],
  flags: {
    model: { type: 'string', arg: 'DIR', description: 'model folder' },
    teacher: { type: 'string', arg: 'DIR', description: 'teacher model folder, shown side by side' },
    corpus: { type: 'string', arg: 'PATH', description: 'the training corpus (reference for coherence, prevalence)' },
    out: { type: 'string', arg: 'FILE.html', description: 'report file' },
  },
  async run({ cfg, flags, print, progress, logger }) {
    const modelDir = flags.model as string | undefined;
    const corpusArg = flags.corpus as string | undefined;
    if (!modelDir) throw new ConfigError('give --model DIR', 'model');
    if (!corpusArg) throw new ConfigError('give --corpus PATH', 'corpus');
    if (!cfg.out) throw new ConfigError('give --out FILE.html', 'out');
    const rt = await createRuntime(cfg, logger);
    const dirs = [flags.teacher as string | undefined, modelDir].filter((d): d is string => Boolean(d));
    const models = [];
    const corpus = loadCorpus(resolveDataPath(corpusArg));
    for (const dir of dirs) {
      const saved = await loadModel(dir);
      const dataset = corpusToDataset(corpus, { vocabulary: saved.vocabulary });
      const ref = new ReferenceCorpus(dataset.tokens);
      const emb = await embedDataset(rt, dataset, saved.encoder.type ?? 'use', cfg, progress);
      const theta = inferTheta(saved.model, { bow: dataset.bow, embeddings: emb.embeddings });
      const role = dir === modelDir ? (flags.teacher ? 'student' : 'model') : 'teacher';
      models.push(reportModel(role, saved.model, saved.vocabulary, evaluateModel(saved.model, saved.vocabulary, ref), theta));
      saved.model.dispose();
    }
    writeFileAtomic(cfg.out, renderReport({ title: `TopicKD report — ${corpus.source}`, corpus: corpus.source, models }));
    print(`report written to ${cfg.out}`);
  },
};
