/**
 * The interactive HTML report of several saved models on one corpus (teacher first, each student
 * aligned with it): the one implementation of `topickd report` and `tkd.report`.
 */
import { basename, isAbsolute, join, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { ConfigError, inferTheta, ReferenceCorpus, type EncoderSpec, type Float32Matrix } from '@topickd/core';
import { loadCorpus, prepareOutputFile, readTextChecked, writeFileAtomic } from '@topickd/core/node';
import { encoderSpecOfModel, datasetForModel, embedDataset, resolveDataPath, loadModelWith, noEmbeddings, type Runtime } from '../run/pipeline.js';
import type { Progress } from '../run/progress.js';
import type { RunConfig } from '../run/run-config.js';
import { plural } from '../run/format.js';
import { evaluateModel, modelReport, termFrequency } from '../experiment/experiment-results.js';
import { renderReport, ReportDocuments, type ReportModelData } from './report.js';
import { modelLabels } from './model-labels.js';
import { binDocuments, documentGrouping, groupingValues, topicsOverTimeOf } from './topics-over-time.js';
import { topicsOverTimeSection, TOPICS_OVER_TIME_STYLE } from './topics-over-time-page.js';
import { topicsSearchSection, TOPICS_SEARCH_STYLE } from '../tune/topics-search-page.js';
import type { TopicsSearchResults } from '../tune/topics-search.js';

export interface ReportRequest {
  /** Model folders; each student is aligned with the teacher. */
  models: readonly string[];
  /** The teacher's folder, shown first. */
  teacher?: string;
  /** The training corpus: reference for coherence, topic shares, representative documents. */
  corpus: string;
  /** The HTML file to write. */
  out: string;
  /** Label each topic with a 1–3-word phrase of the corpus (as `topics --labels`). */
  labels?: boolean;
  /** The corpus's embeddings for models trained on precomputed ones (`precomputed:FILE.npy`); default: each model's own encoder. */
  encoder?: EncoderSpec;
  /** Topics over time: the .jsonl corpus's field with each document's time. */
  timeField?: string;
  /** With timeField: equal-width bins (a number; default 10), or `month` / `year` (as given on the command line). */
  bins?: string;
  /** Topics per class (the corpus's labels) instead of over time. */
  byClass?: boolean;
  /** The curves of a K search: the folder (or tune.json) `tune --topics` wrote, or its results. */
  kSearch?: string | TopicsSearchResults;
}

/** What the report shows of each model (`topickd report --json`'s `models`). */
export interface ReportedModel {
  name: string;
  kind: string;
  params: number;
  npmi: number;
  cv: number;
  td: number;
  dir: string;
  labels?: string[];
}

export interface ReportOutcome {
  out: string;
  models: ReportedModel[];
}

/** A K search's results (`tune --topics` wrote DIR/tune.json). */
export function readTopicsSearch(dir: string): TopicsSearchResults {
  const file = existsSync(dir) && statSync(dir).isDirectory() ? join(dir, 'tune.json') : dir;
  if (!existsSync(file)) throw new ConfigError(`\`kSearch\` ${dir}: no tune.json there; give the folder \`topickd tune --topics\` wrote`, 'kSearch');
  let res: TopicsSearchResults;
  try {
    res = JSON.parse(readTextChecked(file, 'tune.json', 64 * 2 ** 20));
  } catch (e) {
    throw new ConfigError(`\`kSearch\` ${file} is not valid JSON: ${(e as Error).message}`, 'kSearch');
  }
  if ((res as { search?: unknown }).search !== 'topics' || !Array.isArray(res.byK)) throw new ConfigError(`\`kSearch\` ${file} is not the result of a K search (tune --topics); an α/T search has no K curve`, 'kSearch');
  return res;
}

/** The request's checks that need no model: grouping, K search, corpus path. */
function prepared(req: ReportRequest, cfg: RunConfig, at: (p: string) => string) {
  const corpusPath = resolveDataPath(req.corpus, cfg.baseDir);
  const grouping = documentGrouping({ timeField: req.timeField, byClass: req.byClass, bins: req.bins }, req.corpus, corpusPath, false);
  const kSearch = typeof req.kSearch === 'string' ? readTopicsSearch(at(req.kSearch)) : req.kSearch;
  return { corpusPath, grouping, kSearch };
}

export async function runReport(rt: Runtime, cfg: RunConfig, req: ReportRequest, progress: Progress): Promise<ReportOutcome> {
  // folders as given (the report and --json name them so), read relative to cfg.baseDir
  const at = (p: string) => (isAbsolute(p) ? p : resolve(cfg.baseDir ?? process.cwd(), p));
  const { corpusPath, grouping, kSearch } = prepared(req, cfg, at);
  const out = at(req.out);
  prepareOutputFile(out);
  const corpus = loadCorpus(corpusPath, { textField: cfg.textField });
  const documentBins = grouping ? binDocuments(groupingValues(grouping, corpus, req.corpus, corpusPath), grouping.bins) : undefined;
  const sections: string[] = [];
  const documents = new ReportDocuments();
  const models: ReportModelData[] = [];
  const summary: ReportedModel[] = [];
  let teacher: { id: string; topicWord: Float32Matrix } | undefined;
  const entries = [...(req.teacher ? [{ dir: req.teacher, teacher: true }] : []), ...req.models.map((dir) => ({ dir, teacher: false }))];
  const names = new Set<string>();
  for (const { dir, teacher: isTeacher } of entries) {
    const saved = await loadModelWith(rt, at(dir));
    try {
      const dataset = datasetForModel(corpus, saved);
      const ref = new ReferenceCorpus(dataset.tokens);
      const spec = req.encoder ?? encoderSpecOfModel(saved.encoder);
      if (spec === 'precomputed') {
        throw new ConfigError(`${dir} was trained on precomputed embeddings (${saved.encoder.id}); give the corpus's with \`encoder\` precomputed:FILE.npy (one row per document of the corpus)`, 'encoder');
      }
      const embeddings = saved.encoder.dim === 0 ? noEmbeddings(dataset.bow.rows) : (await embedDataset(rt, dataset, spec, cfg, progress, `embedding for ${basename(resolve(dir))}`)).embeddings;
      const theta = inferTheta(saved.model, { bow: dataset.bow, embeddings }, { samples: 20, seed: 0 });
      const evaluation = evaluateModel(saved.model, saved.vocabulary, ref);
      const role = isTeacher ? 'teacher' : typeof saved.training.role === 'string' ? saved.training.role : saved.training.teacher ? 'distilled' : 'model';
      let name = isTeacher ? 'teacher' : basename(resolve(dir));
      for (let i = 2; names.has(name); i++) name = `${basename(resolve(dir))}-${i}`;
      names.add(name);
      const sameVocabulary = teacher !== undefined && saved.vocabulary.length === teacher.topicWord.cols;
      const labels = req.labels ? await modelLabels(rt, saved, spec, { texts: dataset.documents, theta, pretokenized: corpus.pretokenized && !corpus.encoderTexts }) : undefined;
      const data = modelReport({
        id: name,
        group: 'models',
        role,
        label: isTeacher ? `teacher (${dir})` : `${name} (${dir})`,
        model: saved.model,
        dataset,
        evaluation,
        theta,
        termFrequency: termFrequency(dataset),
        documents,
        ...(sameVocabulary && teacher ? { alignWith: teacher } : {}),
      });
      if (labels) data.topics.forEach((t, k) => (t.label = labels[k]));
      if (documentBins) {
        // θ's rows are the documents the model's preprocessing kept
        const rowBins = Int32Array.from(dataset.kept, (d) => documentBins.bin[d]);
        const over = topicsOverTimeOf(theta, dataset.bow, saved.vocabulary, rowBins, documentBins.bins, saved.model.topics(saved.vocabulary, 10), 5);
        sections.push(topicsOverTimeSection(over, `topics-over-time-${sections.length}`, `Topics ${grouping!.byClass ? 'per class' : 'over time'} — ${name}`));
      }
      const reduced = (saved.training as { reduced?: { groups?: unknown } } | undefined)?.reduced;
      if (Array.isArray(reduced?.groups) && reduced.groups.length === data.topics.length) data.topics.forEach((t, k) => (t.merged = (reduced.groups as number[][])[k]));
      models.push(data);
      if (isTeacher) teacher = { id: name, topicWord: saved.model.topicWordDistribution() };
      summary.push({ name, kind: saved.model.kind, params: saved.model.paramCount(), npmi: evaluation.npmi, cv: evaluation.cv, td: evaluation.td, dir, ...(labels ? { labels } : {}) });
    } finally {
      saved.model.dispose();
    }
  }
  if (kSearch) sections.push(topicsSearchSection(kSearch));
  const style = (documentBins ? TOPICS_OVER_TIME_STYLE : '') + (kSearch ? TOPICS_SEARCH_STYLE : '');
  writeFileAtomic(out, renderReport({ title: `TopicKD report — ${req.corpus}`, corpus: `${req.corpus} (${plural(corpus.documents.length, 'document')})`, documents: documents.texts, models }, { sections, style }));
  return { out: req.out, models: summary };
}
