/**
 * Scores a model's topics, or a list of topics, against reference texts: the one implementation
 * of `topickd evaluate` and `tkd.evaluate` / `tkd.evaluateTopics`.
 */
import { ALL_METRICS, ConfigError, documentTokens, evaluateTopics, preprocessingRecord, ReferenceCorpus, stopwordSet, validateTopics, type Corpus, type MetricName, type MetricResult, type SavedModel } from '@topickd/core';
import { datasetForModel } from './pipeline.js';

/** Scores by metric: mean and per topic. */
export type EvaluationResult = Partial<Record<MetricName, MetricResult>>;

/** A topic list's scores and what they were measured against. */
export interface TopicsEvaluation {
  scores: EvaluationResult;
  /** Number of topics scored. */
  topics: number;
  /** Words per topic the coherence measures read. */
  topn: number;
  /** Documents of the reference, after preprocessing. */
  documents: number;
  /** How the reference was tokenized: as the model's training corpus was (`model`), with TopicKD's defaults and no vocabulary limit (`default`: a topic list against raw text), or as given (`pretokenized`). */
  preprocessing: 'model' | 'default' | 'pretokenized';
}

export interface EvaluateOptions {
  /** Words per topic for coherence (default 10). */
  topn?: number;
  /** Metrics (default all). */
  metrics?: readonly MetricName[];
  /** Drop topic words the reference lacks (true) or fail naming them (false). */
  skipUnknownWords: boolean;
  /** Told once, when the reference is tokenized with defaults (a topic list on raw text, or a model that records no preprocessing). */
  log?: (line: string) => void;
}

/** What is scored: a model (its topics, and its preprocessing for the reference) or a bare topic list. */
export type TopicsSource = { model: Pick<SavedModel, 'preprocessing' | 'vocabulary'> & { topics(n: number): string[][] } } | { topics: readonly (readonly string[])[] };

export function evaluateTopicsOf(source: TopicsSource, corpus: Corpus, options: EvaluateOptions): TopicsEvaluation {
  const metrics = options.metrics ?? [...ALL_METRICS];
  for (const m of metrics) if (!ALL_METRICS.includes(m)) throw new ConfigError(`unknown metric "${m}"; choose from ${ALL_METRICS.join(', ')}`, 'metrics');
  const topn = options.topn ?? 10;
  if (!Number.isInteger(topn) || topn <= 0) throw new ConfigError(`\`topn\` must be a positive integer, got ${topn}`, 'topn');
  let topics: readonly (readonly string[])[];
  let tokens: string[][];
  let preprocessing: TopicsEvaluation['preprocessing'];
  if ('model' in source) {
    topics = source.model.topics(Math.max(topn, 25));
    // the corpus tokenized as the model's training corpus was, over its vocabulary: the same
    // reference `fit`, `experiment` and `report` score against
    tokens = datasetForModel(corpus, source.model).tokens;
    preprocessing = 'model';
    if (!source.model.preprocessing) options.log?.('the model records no preprocessing (saved by an earlier version): using the defaults');
  } else {
    topics = source.topics;
    // a topic list has no preprocessing of its own: a tokenized corpus (OCTIS) as it is, raw
    // text with the default tokenizer and stopwords, every word kept (no vocabulary limit)
    const tokenizer = { pretokenized: corpus.pretokenized };
    const stop = stopwordSet(tokenizer);
    tokens = corpus.documents.map((d) => documentTokens(d, tokenizer, stop));
    preprocessing = corpus.pretokenized ? 'pretokenized' : 'default';
    if (!corpus.pretokenized) {
      const d = preprocessingRecord({});
      options.log?.(`a topic list has no preprocessing of its own: ${corpus.source} is tokenized with the defaults (Unicode words of ≥ ${d.minTokenLength} letters, lowercased, English stopwords removed, no vocabulary limit)`);
    }
  }
  validateTopics(topics);
  if (topics.some((t) => t.length < topn)) {
    throw new ConfigError(`\`topn\` ${topn} is more words than a topic has (${Math.min(...topics.map((t) => t.length))}); lower \`topn\``, 'topn');
  }
  const ref = new ReferenceCorpus(tokens);
  const scores = evaluateTopics(ref, topics, [...metrics], { topn, skipUnknownWords: options.skipUnknownWords });
  return { scores, topics: topics.length, topn, documents: ref.numDocs, preprocessing };
}
