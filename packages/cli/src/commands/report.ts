import { basename, resolve } from 'node:path';
import { ConfigError, inferTheta, ReferenceCorpus, type Float32Matrix } from '@topickd/core';
import { loadCorpus, writeFileAtomic, prepareOutputFile } from '@topickd/core/node';
import { defineCommand } from '../command.js';
import { encoderSpecOfModel, createRuntime, datasetForModel, embedDataset, resolveDataPath, loadModelWith, modelLabels, noEmbeddings } from 'topickd/app';
import { evaluateModel, modelReport, termFrequency } from 'topickd/app';
import { renderReport, ReportDocuments, type ReportModelData } from 'topickd/app';
import { plural, binDocuments, documentGrouping, groupingValues, topicsOverTimeOf, topicsOverTimeSection, topicsSearchSection, TOPICS_OVER_TIME_STYLE, TOPICS_SEARCH_STYLE, type TopicsSearchResults } from 'topickd/app';
import { readTextChecked } from '@topickd/core/node';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A K search's results (`tune --topics` wrote DIR/tune.json). */
function readTopicsSearch(dir: string): TopicsSearchResults {
  const file = existsSync(dir) && statSync(dir).isDirectory() ? join(dir, 'tune.json') : dir;
  if (!existsSync(file)) throw new ConfigError(`--k-search ${dir}: no tune.json there; give the folder \`topickd tune --topics\` wrote`, 'kSearch');
  let res: TopicsSearchResults;
  try {
    res = JSON.parse(readTextChecked(file, 'tune.json', 64 * 2 ** 20));
  } catch (e) {
    throw new ConfigError(`--k-search ${file} is not valid JSON: ${(e as Error).message}`, 'kSearch');
  }
  if ((res as { search?: unknown }).search !== 'topics' || !Array.isArray(res.byK)) throw new ConfigError(`--k-search ${file} is not the result of a K search (tune --topics); an α/T search has no K curve`, 'kSearch');
  return res;
}

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'write a self-contained interactive HTML report: topics, relevance, representative documents, intertopic map; teacher vs students',
  example: 'topickd report --model runs/student,runs/student-alone --teacher runs/teacher --corpus m10 --out report.html',
  ownFlags: ['model', 'teacher'],
  flags: {
    model: { required: true, path: 'input', type: 'list', arg: 'DIR,DIR', description: 'model folder(s); each student is aligned with the teacher (required)' },
    teacher: { path: 'input', type: 'string', arg: 'DIR', description: 'teacher model folder, shown first' },
    corpus: { required: true, path: 'input', type: 'string', arg: 'PATH', description: 'the training corpus (reference for coherence, topic shares, representative documents) (required)' },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
    out: { required: true, path: 'output', type: 'string', arg: 'FILE.html', description: 'report file (required)' },
    labels: { type: 'boolean', description: "label each topic with a 1–3-word phrase of --corpus (as topics --labels) and show it in the report; --json adds each model's labels" },
    encoder: { type: 'string', arg: 'NAME', description: "the corpus's embeddings for models trained on precomputed ones (precomputed:FILE.npy, a row per corpus document); default: each model's own encoder" },
    'time-field': { type: 'string', arg: 'NAME', description: "add each model's topics over time: the .jsonl corpus's field holding each document's time (as topics-over-time)" },
    bins: { type: 'string', arg: 'N|month|year', description: 'with --time-field: equal-width time bins (default 10), or calendar months or years' },
    'by-class': { type: 'boolean', description: "add each model's topics per class (the corpus's labels) instead of over time" },
    'k-search': { path: 'input', type: 'string', arg: 'DIR', description: 'add the curves of a K search: the folder `tune --topics` wrote (its tune.json)' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const { model: modelDirs, teacher: teacherDir, corpus: corpusArg, out } = flags;
    const corpusPath = resolveDataPath(corpusArg, cfg.baseDir);
    const grouping = documentGrouping(flags, corpusArg, corpusPath, false);
    const kSearch = flags.kSearch !== undefined ? readTopicsSearch(flags.kSearch) : undefined;
    prepareOutputFile(out);
    const rt = await createRuntime(cfg, logger);
    const corpus = loadCorpus(corpusPath, { textField: cfg.textField });
    const documentBins = grouping ? binDocuments(groupingValues(grouping, corpus, corpusArg, corpusPath), grouping.bins) : undefined;
    const sections: string[] = [];
    const documents = new ReportDocuments();
    const models: ReportModelData[] = [];
    const summary: { name: string; kind: string; params: number; npmi: number; cv: number; td: number; dir: string; labels?: string[] }[] = [];
    let teacher: { id: string; topicWord: Float32Matrix } | undefined;
    const entries = [...(teacherDir ? [{ dir: teacherDir, teacher: true }] : []), ...modelDirs.map((dir) => ({ dir, teacher: false }))];
    const names = new Set<string>();
    for (const { dir, teacher: isTeacher } of entries) {
      const saved = await loadModelWith(rt, dir);
      try {
        const dataset = datasetForModel(corpus, saved);
        const ref = new ReferenceCorpus(dataset.tokens);
        const spec = cfg.encoder ?? encoderSpecOfModel(saved.encoder);
        if (spec === 'precomputed') {
          throw new ConfigError(`${dir} was trained on precomputed embeddings (${saved.encoder.id}); give the corpus's with --encoder precomputed:FILE.npy (one row per document of --corpus)`, 'encoder');
        }
        const embeddings = saved.encoder.dim === 0 ? noEmbeddings(dataset.bow.rows) : (await embedDataset(rt, dataset, spec, cfg, progress, `embedding for ${basename(resolve(dir))}`)).embeddings;
        const theta = inferTheta(saved.model, { bow: dataset.bow, embeddings }, { samples: 20, seed: 0 });
        const evaluation = evaluateModel(saved.model, saved.vocabulary, ref);
        const role = isTeacher ? 'teacher' : typeof saved.training.role === 'string' ? saved.training.role : saved.training.teacher ? 'distilled' : 'model';
        let name = isTeacher ? 'teacher' : basename(resolve(dir));
        for (let i = 2; names.has(name); i++) name = `${basename(resolve(dir))}-${i}`;
        names.add(name);
        const sameVocabulary = teacher !== undefined && saved.vocabulary.length === teacher.topicWord.cols;
        const labels = flags.labels ? await modelLabels(rt, saved, spec, { texts: dataset.documents, theta, pretokenized: corpus.pretokenized && !corpus.encoderTexts }) : undefined;
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
    writeFileAtomic(out, renderReport({ title: `TopicKD report — ${corpusArg}`, corpus: `${corpusArg} (${plural(corpus.documents.length, 'document')})`, documents: documents.texts, models }, { sections, style }));
    if (json) print(JSON.stringify({ out, models: summary }));
    else {
      for (const m of summary) print(`${m.name.padEnd(16)} ${m.kind.padEnd(9)} ${m.params.toLocaleString('en-US').padStart(11)} parameters  NPMI ${m.npmi.toFixed(4)}  C_V ${m.cv.toFixed(4)}  TD ${m.td.toFixed(3)}`);
      print(`report written to ${out}`);
    }
  },
});
