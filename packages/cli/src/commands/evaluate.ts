import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_METRICS, validateTopics, ConfigError, DataError, ReferenceCorpus, documentTokens, evaluateTopics, preprocessingRecord, stopwordSet, type Corpus, type MetricName } from '@topickd/core';
import { loadCorpus, readTextChecked } from '@topickd/core/node';
import { defineCommand } from '../command.js';
import { createRuntime, datasetForModel, resolveDataPath, loadModelWith } from 'topickd/app';
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

/**
 * The reference texts for a topic list that comes without a model: a tokenized corpus
 * (OCTIS) as it is; raw text with TopicKD's default tokenizer and stopwords, every word
 * kept (no vocabulary limit).
 */
function defaultReference(corpus: Corpus): string[][] {
  const options = { pretokenized: corpus.pretokenized };
  const stop = stopwordSet(options);
  return corpus.documents.map((d) => documentTokens(d, options, stop));
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
    const { corpus: corpusArg, topics: topicsArg } = flags;
    const metrics = (flags.metrics ?? [...ALL_METRICS]) as MetricName[];
    for (const m of metrics) if (!ALL_METRICS.includes(m)) throw new ConfigError(`unknown metric "${m}"; choose from ${ALL_METRICS.join(', ')}`, 'metrics');
    const topn = flags.topn ?? 10;
    if (!(topn > 0)) throw new ConfigError(`--topn must be a positive integer, got ${topn}`, 'topn');
    const t0 = performance.now();
    const corpus = loadCorpus(resolveDataPath(corpusArg, cfg.baseDir), { textField: cfg.textField });
    let topics: string[][];
    let tokens: string[][];
    let preprocessing: 'model' | 'default' | 'pretokenized';
    if (isModelDir(topicsArg)) {
      const rt = await createRuntime(cfg, logger);
      const saved = await loadModelWith(rt, topicsArg);
      try {
        topics = saved.model.topics(saved.vocabulary, Math.max(topn, 25));
        // the corpus tokenized as the model's training corpus was, over its vocabulary:
        // the same reference `fit`, `experiment` and `report` score against
        tokens = datasetForModel(corpus, saved).tokens;
        preprocessing = 'model';
        if (!saved.preprocessing) progress.log(`${topicsArg} records no preprocessing (saved by an earlier version): using the defaults`);
      } finally {
        saved.model.dispose();
      }
    } else {
      topics = readTopicsFile(topicsArg);
      tokens = defaultReference(corpus);
      preprocessing = corpus.pretokenized ? 'pretokenized' : 'default';
      if (!corpus.pretokenized) {
        const d = preprocessingRecord({});
        progress.log(`a topic list has no preprocessing of its own: ${corpusArg} is tokenized with the defaults (Unicode words of ≥ ${d.minTokenLength} letters, lowercased, English stopwords removed, no vocabulary limit)`);
      }
    }
    validateTopics(topics);
    if (topics.some((t) => t.length < topn)) {
      throw new ConfigError(`--topn ${topn} is more words than a topic has (${Math.min(...topics.map((t) => t.length))}); lower --topn`, 'topn');
    }
    const ref = new ReferenceCorpus(tokens);
    const result = evaluateTopics(ref, topics, metrics, { topn, skipUnknownWords: Boolean(flags.skipUnknown) });
    const seconds = (performance.now() - t0) / 1000;
    if (json) print(JSON.stringify({ ...result, topics: topics.length, topn, documents: ref.numDocs, preprocessing, seconds }));
    else {
      for (const [name, r] of Object.entries(result)) print(`${name.padEnd(6)} ${r!.mean.toFixed(4)}`);
      print(`(${plural(topics.length, 'topic')}, top ${topn} words, ${plural(ref.numDocs, 'reference document')}, ${seconds.toFixed(2)} s)`);
    }
  },
});
