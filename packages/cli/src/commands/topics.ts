import { ConfigError } from '@topickd/core';
import { defineCommand } from '../command.js';
import { createRuntime, labelsOfData, loadModelWith } from 'topickd/app';

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
    const rt = await createRuntime(cfg, logger);
    const saved = await loadModelWith(rt, dir);
    try {
      if (top > saved.vocabulary.length) throw new ConfigError(`--top ${top} is more than the model's ${saved.vocabulary.length} words`, 'top');
      const topicWords = saved.model.topics(saved.vocabulary, top);
      const labels = flags.labels ? await labelsOfData(rt, cfg, saved, dir, progress) : undefined;
      if (json) print(JSON.stringify({ model: dir, kind: saved.model.kind, topics: topicWords.length, topicWords, ...(labels ? { labels } : {}) }));
      else topicWords.forEach((t, k) => print(`topic ${String(k).padStart(String(topicWords.length - 1).length)}${labels ? ` [${labels[k]}]` : ''}: ${t.join(' ')}`));
    } finally {
      saved.model.dispose();
    }
  },
});
