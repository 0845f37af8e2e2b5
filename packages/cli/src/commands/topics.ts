import { ConfigError } from '@topickd/core';
import type { Command } from '../command.js';
import { createRuntime, loadModelWith } from 'topickd/app';

export const topicsCommand: Command = {
  name: 'topics',
  summary: 'print the top words of each topic of a trained model',
  usage: 'topickd topics --model DIR [--top N] [--json]',
  example: 'topickd topics --model runs/student --top 10',
  ownFlags: ['model'],
  flags: {
    model: { path: 'input', type: 'string', arg: 'DIR', description: 'a trained model folder (required)' },
    top: { type: 'integer', arg: 'N', description: 'words per topic (default 10)' },
  },
  async run({ cfg, flags, print, json, logger }) {
    const dir = flags.model as string | undefined;
    if (!dir) throw new ConfigError('give the model folder: --model DIR', 'model');
    const top = (flags.top as number | undefined) ?? 10;
    if (!(top > 0)) throw new ConfigError(`--top must be a positive integer, got ${top}`, 'top');
    const rt = await createRuntime(cfg, logger);
    const saved = await loadModelWith(rt, dir);
    try {
      if (top > saved.vocabulary.length) throw new ConfigError(`--top ${top} is more than the model's ${saved.vocabulary.length} words`, 'top');
      const topicWords = saved.model.topics(saved.vocabulary, top);
      if (json) print(JSON.stringify({ model: dir, kind: saved.model.kind, topics: topicWords.length, topicWords }));
      else topicWords.forEach((t, k) => print(`topic ${String(k).padStart(String(topicWords.length - 1).length)}: ${t.join(' ')}`));
    } finally {
      saved.model.dispose();
    }
  },
};
