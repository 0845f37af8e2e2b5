import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_METRICS, DataError, type MetricName } from '@topickd/core';
import { readTextChecked } from '@topickd/core/node';
import { defineCommand } from '../command.js';
import { topicKDOf } from '../api-of.js';
import { plural } from 'topickd/app';

export function isModelDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'manifest.json'));
}

export function readTopicsFile(path: string): string[][] {
  let raw: unknown;
  try {
    raw = JSON.parse(readTextChecked(path, 'topics file'));
  } catch (e) {
    throw new DataError(`${path}: expected a JSON array of arrays of words, or a model folder (${(e as Error).message})`);
  }
  if (!Array.isArray(raw) || raw.some((t) => !Array.isArray(t) || t.some((w) => typeof w !== 'string'))) {
    throw new DataError(`${path}: expected a JSON array of arrays of words, e.g. [["neural","network"],["gene","protein"]]`);
  }
  return raw as string[][];
}

export const evaluateCommand = defineCommand({
  name: 'evaluate',
  summary: 'topic coherence (NPMI, C_V, UMass, UCI — equal to gensim), diversity and inverted RBO',
  example: 'topickd evaluate --corpus m10 --topics runs/m10-combined --json',
  ownFlags: ['topics'],
  flags: {
    corpus: { required: true, path: 'input', type: 'string', arg: 'PATH', description: 'reference corpus: OCTIS folder, .tsv, .jsonl or .txt (raw text is preprocessed as the model\'s training corpus was; required)' },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
    topics: { required: true, path: 'input', type: 'string', arg: 'PATH', description: 'a model folder, or a JSON array of arrays of words (required)' },
    metrics: { type: 'list', arg: 'M,M', description: `metrics (default all: ${ALL_METRICS.join(',')})` },
    topn: { type: 'integer', arg: 'N', description: 'words per topic for coherence (default 10)' },
    'skip-unknown': { type: 'boolean', description: 'drop topic words missing from the corpus instead of failing' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    // an adapter over the API: a model folder or a topic list → tkd.evaluateTopics
    const tkd = await topicKDOf(cfg, logger, progress);
    const t0 = performance.now();
    const model = isModelDir(flags.topics) ? await tkd.load(flags.topics) : undefined;
    let res;
    try {
      res = await tkd.evaluateTopics(model ?? readTopicsFile(flags.topics), flags.corpus, { metrics: flags.metrics as MetricName[] | undefined, topn: flags.topn, skipUnknownWords: Boolean(flags.skipUnknown), textField: cfg.textField });
    } finally {
      model?.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    if (json) print(JSON.stringify({ ...res.scores, topics: res.topics, topn: res.topn, documents: res.documents, preprocessing: res.preprocessing, seconds }));
    else {
      for (const [name, r] of Object.entries(res.scores)) print(`${name.padEnd(6)} ${r!.mean.toFixed(4)}`);
      print(`(${plural(res.topics, 'topic')}, top ${res.topn} words, ${plural(res.documents, 'reference document')}, ${seconds.toFixed(2)} s)`);
    }
  },
});
