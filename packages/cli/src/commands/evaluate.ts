import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_METRICS, ConfigError, DataError, ReferenceCorpus, evaluateTopics, type MetricName } from '@topickd/core';
import { loadCorpus, loadModel } from '@topickd/core/node';
import type { Command } from '../command.js';
import { resolveDataPath } from '../pipeline.js';

/** Tokenized reference texts: an OCTIS folder / corpus.tsv (first column) or a .txt with one tokenized document per line. */
export function referenceTexts(path: string): string[][] {
  const corpus = loadCorpus(path, { pretokenized: true });
  return corpus.documents.map((d) => d.split(/\s+/).filter(Boolean));
}

export async function readTopics(path: string, topn: number): Promise<string[][]> {
  if (existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'manifest.json'))) {
    const saved = await loadModel(path);
    const topics = saved.model.topics(saved.vocabulary, Math.max(topn, 25));
    saved.model.dispose();
    return topics;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new DataError(`${path}: expected a JSON array of arrays of words, or a model folder (${(e as Error).message})`);
  }
  if (!Array.isArray(raw) || raw.some((t) => !Array.isArray(t) || t.some((w) => typeof w !== 'string'))) {
    throw new DataError(`${path}: expected a JSON array of arrays of words, e.g. [["neural","network"],["gene","protein"]]`);
  }
  return raw as string[][];
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'topic coherence (NPMI, C_V, UMass, UCI — equal to gensim), diversity and inverted RBO',
  usage: 'topickd evaluate --corpus PATH --topics PATH [--metrics npmi,cv,umass,uci,td,irbo] [--topn 10] [--json]',
  example: 'topickd evaluate --corpus m10 --topics runs/m10-combined --json',
  ownFlags: ['topics'],
  flags: {
    corpus: { type: 'string', arg: 'PATH', description: 'reference corpus: OCTIS folder, corpus.tsv, or .txt with one tokenized document per line' },
    topics: { type: 'string', arg: 'PATH', description: 'JSON array of arrays of words, or a model folder' },
    metrics: { type: 'list', arg: 'M,M', description: `metrics (default all: ${ALL_METRICS.join(',')})` },
    topn: { type: 'integer', arg: 'N', description: 'words per topic for coherence (default 10)' },
    'skip-unknown': { type: 'boolean', description: 'drop topic words missing from the corpus instead of failing' },
  },
  async run({ flags, print, json }) {
    const corpusArg = flags.corpus as string | undefined;
    const topicsArg = flags.topics as string | undefined;
    if (!corpusArg) throw new ConfigError('give the reference corpus: --corpus PATH', 'corpus');
    if (!topicsArg) throw new ConfigError('give the topics: --topics FILE.json or a model folder', 'topics');
    const metrics = ((flags.metrics as string[] | undefined) ?? [...ALL_METRICS]) as MetricName[];
    for (const m of metrics) if (!ALL_METRICS.includes(m)) throw new ConfigError(`unknown metric "${m}"; choose from ${ALL_METRICS.join(', ')}`, 'metrics');
    const topn = (flags.topn as number | undefined) ?? 10;
    const t0 = performance.now();
    const ref = new ReferenceCorpus(referenceTexts(resolveDataPath(corpusArg)));
    const topics = await readTopics(topicsArg, topn);
    const result = evaluateTopics(ref, topics, metrics, { topn, skipUnknownWords: Boolean(flags.skipUnknown) });
    const seconds = (performance.now() - t0) / 1000;
    if (json) print(JSON.stringify({ ...result, topics: topics.length, topn, documents: ref.numDocs, seconds }));
    else {
      for (const [name, r] of Object.entries(result)) print(`${name.padEnd(6)} ${r!.mean.toFixed(4)}`);
      print(`(${topics.length} topics, top ${topn} words, ${ref.numDocs} reference documents, ${seconds.toFixed(2)} s)`);
    }
  },
};
