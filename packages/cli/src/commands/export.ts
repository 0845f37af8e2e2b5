import { cpSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError } from '@topickd/core';
import { loadModel, saveModel, writeFileAtomic } from '@topickd/core/node';
import { USE_PACKAGE } from '@topickd/encoders';
import type { Command } from '../command.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a bundle a web page can load: model manifest + weights + vocabulary + encoder files',
  usage: 'topickd export --model DIR --out DIR [--no-encoder]',
  example: 'topickd export --model runs/demo/K20-seed0/distilled --out web-bundle',
  ownFlags: ['model'],
  flags: {
    model: { type: 'string', arg: 'DIR', description: 'model folder' },
    out: { type: 'string', arg: 'DIR', description: 'bundle folder to write' },
    'no-encoder': { type: 'boolean', description: 'do not copy the encoder files (the page loads them from elsewhere)' },
  },
  async run({ cfg, flags, print, json }) {
    const modelDir = flags.model as string | undefined;
    if (!modelDir) throw new ConfigError('give --model DIR', 'model');
    if (!cfg.out) throw new ConfigError('give --out DIR', 'out');
    const saved = await loadModel(modelDir);
    await saveModel(join(cfg.out, 'model'), saved);
    let encoderFiles: string | null = null;
    if (!flags.noEncoder && saved.encoder.type === 'use') {
      const dir = join(dirname(createRequire(import.meta.url).resolve(`${USE_PACKAGE}/package.json`)), 'dist');
      const target = join(cfg.out, 'encoder', 'use');
      for (const f of readdirSync(dir)) if (f === 'model.json' || f === 'vocab.json' || f.startsWith('group1-shard')) cpSync(join(dir, f), join(target, f));
      encoderFiles = 'encoder/use';
    }
    const bundle = {
      format: 'topickd-bundle',
      formatVersion: 1,
      model: 'model',
      encoder: { ...saved.encoder, files: encoderFiles },
      kind: saved.model.kind,
      topics: saved.model.numTopics,
      params: saved.model.paramCount(),
      topicWords: saved.model.topics(saved.vocabulary, 10),
    };
    writeFileAtomic(join(cfg.out, 'bundle.json'), JSON.stringify(bundle, null, 1) + '\n');
    saved.model.dispose();
    if (json) print(JSON.stringify({ out: cfg.out, ...bundle }));
    else print(`bundle written to ${cfg.out}${encoderFiles ? ' (with the USE encoder files)' : ''}`);
  },
};
