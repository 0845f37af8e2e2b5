import { ConfigError } from '@topickd/core';
import { defineCommand } from '../command.js';
import { loadCorpus } from '@topickd/core/node';
import { requireLabelData, resolveDataPath } from 'topickd/app';
import { topicKDOf } from '../api-of.js';

export const topicsCommand = defineCommand({
  name: 'topics',
  summary: 'print the top words of each topic of a trained model',
  example: 'topickd topics --model runs/student --top 10',
  ownFlags: ['model'],
  flags: {
    model: { required: true, path: 'input', type: 'string', arg: 'DIR', description: 'a trained model folder (required)' },
    top: { type: 'integer', arg: 'N', description: 'words per topic (default 10)' },
    labels: { type: 'boolean', description: "a short label per topic from --data's own 1–3-word phrases, ranked by the encoder's similarity to the topic and kept apart (MMR); --json adds labels" },
    data: { path: 'input', type: 'string', arg: 'PATH', description: 'with --labels: the documents the labels come from (the training corpus or one like it)' },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const dir = flags.model;
    const top = flags.top ?? 10;
    if (!(top > 0)) throw new ConfigError(`--top must be a positive integer, got ${top}`, 'top');
    const labelData = flags.labels ? requireLabelData(cfg) : undefined; // before anything is loaded
    // an adapter over the API: tkd.load, model.topics, model.labels
    const tkd = await topicKDOf(cfg, logger, progress);
    const model = await tkd.load(dir);
    try {
      if (top > model.vocabulary.length) throw new ConfigError(`--top ${top} is more than the model's ${model.vocabulary.length} words`, 'top');
      const topicWords = model.topics(top);
      const labels = labelData !== undefined ? await model.labels(loadCorpus(resolveDataPath(labelData, cfg.baseDir), { textField: cfg.textField })) : undefined;
      if (json) print(JSON.stringify({ model: dir, kind: model.kind, topics: topicWords.length, topicWords, ...(labels ? { labels } : {}) }));
      else topicWords.forEach((t, k) => print(`topic ${String(k).padStart(String(topicWords.length - 1).length)}${labels ? ` [${labels[k]}]` : ''}: ${t.join(' ')}`));
    } finally {
      model.dispose();
    }
  },
});
