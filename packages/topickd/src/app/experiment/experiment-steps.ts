/**
 * The steps of the paper's experiment, each a unit of work that runs in this process
 * (`runExperiment`) or as a job on a queue (`runExperimentOnQueue`) with the same result:
 * the setup (data, embeddings, reference corpus), a teacher per K, one part per K and seed
 * (student alone, baselines, distilled student: records, model folders, report data), and
 * the results written from the parts.
 */
import { join } from 'node:path';
import {
  inferTheta,
  ReferenceCorpus,
  DEFAULT_LOSSES,
  lossName,
  lossOptions,
  lossWeight,
  type TopicModel,
  type Dataset,
  type Float32Matrix,
  type LossSpec,
  DEFAULT_TRAIN,
} from '@topickd/core';
import { saveModel, saveTheta, writeFileAtomic } from '@topickd/core/node';
import type { Progress } from '../run/progress.js';
import { distillOn, encoderReferenceOf, embedDataset, fitOn, kindNeedsEmbeddings, noEmbeddings, NO_ENCODER, type Runtime } from '../run/pipeline.js';
import type { RunConfig } from '../run/run-config.js';
import { mergeReportData, renderReport, ReportDocuments, type Evaluation, type ReportData, type ReportModelData } from '../report/report.js';
import { comparisonsOf, machineRecord } from './comparisons.js';
import { evaluateModel, modelReport, resultsTable, termFrequency, type ExperimentOptions, type ExperimentResults, type Role, type RunRecord } from './experiment-results.js';

type Embedded = Awaited<ReturnType<typeof embedDataset>>;

/** What every step of one experiment shares: the data, its embeddings and the reference corpus. */
export interface ExperimentSetup {
  rt: Runtime;
  dataset: Dataset;
  cfg: RunConfig;
  opt: ExperimentOptions;
  progress: Progress;
  studentEmb: Embedded;
  teacherEmb: Embedded;
  embeddingSeconds: number;
  ref: ReferenceCorpus;
  lossSpecs: LossSpec[];
  termFrequency: Float64Array;
}

export async function experimentSetup(rt: Runtime, dataset: Dataset, cfg: RunConfig, opt: ExperimentOptions, progress: Progress): Promise<ExperimentSetup> {
  for (const kind of opt.baselines ?? []) rt.registry.modelFactory(kind, 'baselines'); // an unknown kind fails now, listing the registered ones
  const studentEmb = await embedDataset(rt, dataset, cfg.encoder, cfg, progress, 'student embeddings');
  const teacherSpec = cfg.teacherEncoder ?? cfg.encoder;
  const sameEncoder = JSON.stringify(teacherSpec ?? 'use') === JSON.stringify(cfg.encoder ?? 'use');
  const teacherEmb = sameEncoder ? studentEmb : await embedDataset(rt, dataset, teacherSpec, cfg, progress, 'teacher embeddings');
  const lossSpecs = opt.losses ?? cfg.losses ?? [...DEFAULT_LOSSES];
  rt.registry.weightedLosses(lossSpecs); // an unknown loss fails now, before any training
  return {
    rt,
    dataset,
    cfg,
    opt,
    progress,
    studentEmb,
    teacherEmb,
    embeddingSeconds: studentEmb.seconds + (sameEncoder ? 0 : teacherEmb.seconds),
    ref: new ReferenceCorpus(dataset.tokens),
    lossSpecs,
    termFrequency: termFrequency(dataset),
  };
}

/** The folder of one K and seed's models in the output folder. */
export const seedFolder = (K: number, seed: number) => `K${K}-seed${seed}`;

/** A trained (or loaded) teacher with its evaluation. */
export interface TeacherOutcome {
  model: TopicModel;
  seconds: number;
  finalLoss: number;
  ev: Evaluation;
  /** The seed it was trained with. */
  seed: number;
  /** θ of the training documents, once computed. */
  theta?: Float32Matrix;
}

export async function trainTeacher(s: ExperimentSetup, K: number, seed: number): Promise<TeacherOutcome> {
  const trained = await fitOn(s.rt, s.dataset, s.teacherEmb.embeddings, { kind: s.opt.teacher.model, topics: K, hidden: s.opt.teacher.hidden }, s.cfg, s.progress, `K=${K} seed=${seed} teacher`, seed);
  return { model: trained.model, seconds: trained.result.seconds, finalLoss: trained.result.finalLoss, ev: evaluateModel(trained.model, s.dataset.vocabulary, s.ref), seed };
}

const encoderRecord = (e: Embedded) => encoderReferenceOf(e);

/** θ of the training documents (20 draws, seed 0): for the report and each model folder's theta.npy. */
function trainingTheta(s: ExperimentSetup, model: TopicModel, embeddings: Float32Matrix): Float32Matrix {
  return inferTheta(model, { bow: s.dataset.bow, embeddings }, { samples: 20, seed: 0 });
}

function teacherTheta(s: ExperimentSetup, teacher: TeacherOutcome): Float32Matrix {
  return (teacher.theta ??= trainingTheta(s, teacher.model, s.teacherEmb.embeddings));
}

const thetaInfo = (s: ExperimentSetup) => ({ corpusDocuments: s.dataset.kept.length + s.dataset.dropped, samples: 20, seed: 0 });

/** Saves a teacher (model and θ) as `OUT/<folder>/teacher`, where the students of its first seed are. */
export async function saveTeacher(s: ExperimentSetup, K: number, teacher: TeacherOutcome, folder: string): Promise<string> {
  const dir = join(s.opt.out, folder, 'teacher');
  await saveModel(dir, { model: teacher.model, vocabulary: s.dataset.vocabulary, encoder: encoderRecord(s.teacherEmb), preprocessing: s.dataset.preprocessing, training: { role: 'teacher', seed: teacher.seed, K } });
  saveTheta(dir, teacherTheta(s, teacher), s.dataset.kept, thetaInfo(s));
  return dir;
}

/** One K and seed's share of the results: its rows (teacher, student, baselines, distilled) and its models' report data. */
export interface SeedPart {
  K: number;
  seed: number;
  runs: RunRecord[];
  report?: ReportData;
}

/**
 * The student alone, the baselines and the distilled student of one K and seed, taught by
 * `teacher`; evaluated, saved into OUT/K<K>-seed<seed>/ (unless `saveModels` is false; the
 * teacher is saved by the caller, `teacherSavedIn` names its folder when it is not this
 * seed's), with the report data of every model.
 */
export async function runSeed(s: ExperimentSetup, K: number, seed: number, teacher: TeacherOutcome, where: { teacherSavedIn?: string } = {}): Promise<SeedPart> {
  const { rt, dataset, cfg, opt, progress, studentEmb, teacherEmb } = s;
  const { alpha, temperature, recipe, kdEpochs } = opt.hyper(K);
  const tag = `K=${K} seed=${seed}`;
  const runs: RunRecord[] = [];
  const record = (role: Role, model: TopicModel, seconds: number, finalLoss: number, ev: Evaluation, kd: boolean, teacherSeed?: number) =>
    runs.push({
      K,
      seed,
      role,
      model: model.kind,
      params: model.paramCount(),
      npmi: ev.npmi,
      cv: ev.cv,
      td: ev.td,
      trainSeconds: seconds,
      finalLoss,
      alpha: kd ? alpha : null,
      temperature: kd ? temperature : null,
      ...(kd && recipe ? { recipe } : {}),
      ...(kd && kdEpochs !== undefined ? { kdEpochs } : {}),
      ...(teacherSeed !== undefined ? { teacherSeed } : {}),
      topicWords: model.topics(dataset.vocabulary, 10),
    });
  record('teacher', teacher.model, teacher.seconds, teacher.finalLoss, teacher.ev, false, teacher.seed);
  const alone = await fitOn(rt, dataset, studentEmb.embeddings, { kind: opt.student.model, topics: K, hidden: opt.student.hidden }, cfg, progress, `${tag} student`, seed);
  const aEval = evaluateModel(alone.model, dataset.vocabulary, s.ref);
  record('student', alone.model, alone.result.seconds, alone.result.finalLoss, aEval, false);
  // baselines: other registered kinds, trained on the same documents and seed
  const baselines: { kind: string; model: TopicModel; ev: Evaluation; embeddings: Float32Matrix; readsEmbeddings: boolean }[] = [];
  for (const kind of opt.baselines ?? []) {
    const readsEmbeddings = kindNeedsEmbeddings(rt, kind);
    const embeddings = readsEmbeddings ? studentEmb.embeddings : noEmbeddings(dataset.bow.rows);
    const trained = await fitOn(rt, dataset, embeddings, { kind, topics: K, hidden: opt.student.hidden }, cfg, progress, `${tag} baseline ${kind}`, seed);
    const ev = evaluateModel(trained.model, dataset.vocabulary, s.ref);
    record('baseline', trained.model, trained.result.seconds, trained.result.finalLoss, ev, false);
    baselines.push({ kind, model: trained.model, ev, embeddings, readsEmbeddings });
  }

  const { model: student, result: dres } = await distillOn(
    rt,
    dataset,
    { embeddings: studentEmb.embeddings, teacherEmbeddings: teacherEmb.embeddings },
    [teacher.model],
    { kind: opt.student.model, topics: K, hidden: opt.student.hidden },
    cfg,
    progress,
    `${tag} distilled`,
    seed,
    { alpha, temperature, kdEpochs, losses: opt.losses ?? cfg.losses },
  );
  try {
    const dEval = evaluateModel(student, dataset.vocabulary, s.ref);
    record('distilled', student, dres.seconds, dres.finalLoss, dEval, true);
    progress.log(`${tag}: NPMI teacher ${teacher.ev.npmi.toFixed(4)}, student alone ${aEval.npmi.toFixed(4)}, distilled ${dEval.npmi.toFixed(4)}${baselines.map((b) => `, ${b.kind} ${b.ev.npmi.toFixed(4)}`).join('')}`);

    const base = join(opt.out, seedFolder(K, seed));
    const preprocessing = dataset.preprocessing;
    if (opt.saveModels !== false) {
      if (where.teacherSavedIn !== undefined) writeFileAtomic(join(base, 'TEACHER.txt'), `the teacher of this run (trained with seed ${teacher.seed}) is ../${where.teacherSavedIn}/teacher\n`);
      await saveModel(join(base, 'student'), { model: alone.model, vocabulary: dataset.vocabulary, encoder: encoderRecord(studentEmb), preprocessing, training: { role: 'student', seed, K } });
      await saveModel(join(base, 'distilled'), { model: student, vocabulary: dataset.vocabulary, encoder: encoderRecord(studentEmb), preprocessing, training: { role: 'distilled', seed, K, alpha, temperature, ...(recipe ? { recipe } : {}), ...(kdEpochs !== undefined ? { kdEpochs } : {}) } });
      for (const b of baselines) await saveModel(join(base, `baseline-${b.kind}`), { model: b.model, vocabulary: dataset.vocabulary, encoder: b.readsEmbeddings ? encoderRecord(studentEmb) : { ...NO_ENCODER }, preprocessing, training: { role: 'baseline', seed, K } });
    }
    // θ of the training documents: for the report and for the saved models' theta.npy
    const thetaA = trainingTheta(s, alone.model, studentEmb.embeddings);
    const thetaD = trainingTheta(s, student, studentEmb.embeddings);
    let report: ReportData | undefined;
    if (opt.report !== false) {
      const documents = new ReportDocuments();
      const group = `K=${K}, seed ${seed}`;
      const teacherId = `K${K}-seed${seed}-teacher`;
      const common = { group, seed, dataset, termFrequency: s.termFrequency, documents };
      const alignWith = { id: teacherId, topicWord: teacher.model.topicWordDistribution() };
      const models: ReportModelData[] = [
        modelReport({ ...common, id: teacherId, role: 'teacher', label: `teacher (${opt.teacher.model})`, seed: teacher.seed, model: teacher.model, evaluation: teacher.ev, theta: teacherTheta(s, teacher) }),
        modelReport({ ...common, id: `K${K}-seed${seed}-student`, role: 'student', label: `student alone (${opt.student.model})`, model: alone.model, evaluation: aEval, theta: thetaA, alignWith }),
        modelReport({ ...common, id: `K${K}-seed${seed}-distilled`, role: 'distilled', label: `distilled student (α=${alpha}, T=${temperature})`, model: student, evaluation: dEval, theta: thetaD, alignWith }),
        ...baselines.map((b) => modelReport({ ...common, id: `K${K}-seed${seed}-baseline-${b.kind}`, role: 'baseline', label: `baseline (${b.kind})`, model: b.model, evaluation: b.ev, theta: trainingTheta(s, b.model, b.embeddings), alignWith })),
      ];
      report = { title: reportTitle(opt.datasetName), corpus: reportCorpus(opt.datasetName, dataset), documents: documents.texts, models };
    }
    if (opt.saveModels !== false) {
      saveTheta(join(base, 'student'), thetaA, dataset.kept, thetaInfo(s));
      saveTheta(join(base, 'distilled'), thetaD, dataset.kept, thetaInfo(s));
    }
    return { K, seed, runs, report };
  } finally {
    alone.model.dispose();
    student.dispose();
    for (const b of baselines) b.model.dispose();
  }
}

const reportTitle = (name: string) => `TopicKD — ${name}: teacher, student alone and distilled student`;
const reportCorpus = (name: string, d: Dataset) => `${name} (${d.bow.rows.toLocaleString('en-US')} documents, ${d.vocabulary.length.toLocaleString('en-US')} words)`;

/** The fields of results.json that describe the whole run (all but runs, times, comparisons, machine). */
export type ExperimentHeader = Omit<ExperimentResults, 'runs' | 'totalSeconds' | 'comparisons' | 'machine'>;

export function experimentHeader(s: ExperimentSetup, backend: string): ExperimentHeader {
  const { opt } = s;
  return {
    dataset: opt.datasetName,
    backend,
    encoder: s.studentEmb.encoderId,
    teacherEncoder: s.teacherEmb.encoderId,
    epochs: s.cfg.epochs ?? DEFAULT_TRAIN.epochs,
    teacherTraining:
      opt.teacherPer === 'seed'
        ? 'teacher trained once per K and seed; student alone and distilled student use the same seed'
        : `teacher trained once per K (seed ${opt.teacherSeed ?? opt.seeds[0]}) and shared by the students of every seed`,
    losses: Object.fromEntries(s.lossSpecs.map((l) => [lossName(l), lossWeight(l)])),
    ...(s.lossSpecs.some((l) => lossOptions(l)) ? { lossOptions: Object.fromEntries(s.lossSpecs.flatMap((l) => (lossOptions(l) ? [[lossName(l), lossOptions(l)!]] : []))) } : {}),
    embeddingSeconds: s.embeddingSeconds,
  };
}

/** Writes results.json, results.md and (with `report`) report.json and report.html from the parts done so far, in the order given. */
export function writeExperiment(out: string, header: ExperimentHeader, sorted: readonly SeedPart[], options: { totalSeconds: number; report: boolean; extra?: Record<string, unknown> }): ExperimentResults {
  const runs = sorted.flatMap((p) => p.runs);
  const res: ExperimentResults = { ...header, runs, totalSeconds: options.totalSeconds, comparisons: comparisonsOf(runs), machine: machineRecord(), ...options.extra };
  writeFileAtomic(join(out, 'results.json'), JSON.stringify(res, null, 1) + '\n');
  writeFileAtomic(join(out, 'results.md'), resultsTable(res));
  const reports = sorted.flatMap((p) => (p.report ? [p.report] : []));
  if (options.report && reports.length) {
    const data = mergeReportData(reports[0].title, reports);
    writeFileAtomic(join(out, 'report.json'), JSON.stringify(data) + '\n');
    writeFileAtomic(join(out, 'report.html'), renderReport(data));
  }
  return res;
}
