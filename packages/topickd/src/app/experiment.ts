import { join } from 'node:path';
import {
  distill,
  inferTheta,
  ReferenceCorpus,
  coherence,
  topicDiversity,
  resolveModelConfig,
  type TopicModel,
  type Dataset,
  type Float32Matrix,
  type LossSpec,
  DEFAULT_LOSSES,
  lossName,
  lossWeight,
} from '@topickd/core';
import { saveModel, saveTheta, writeFileAtomic } from '@topickd/core/node';
import type { Progress } from './progress.js';
import { embedDataset, fitOn, kindNeedsEmbeddings, noEmbeddings, NO_ENCODER, trainOptionsOf, type Runtime } from './pipeline.js';
import type { RunConfig } from './run-config.js';
import { renderReport, reportModelData, ReportDocuments, type Evaluation, type ReportData, type ReportModelData } from './report.js';
import { formatMeanStd } from './format.js';
import { comparisonsOf, comparisonsTable, machineRecord, type Comparison, type MachineRecord } from './comparisons.js';

export type Role = 'teacher' | 'student' | 'distilled' | 'baseline';

export interface RunRecord {
  K: number;
  seed: number;
  role: Role;
  model: string;
  params: number;
  npmi: number;
  cv: number;
  td: number;
  trainSeconds: number;
  finalLoss: number;
  alpha: number | null;
  temperature: number | null;
  /** For teacher rows: the seed the (possibly shared) teacher was trained with. */
  teacherSeed?: number;
  topicWords: string[][];
}

export interface ExperimentResults {
  dataset: string;
  backend: string;
  encoder: string;
  teacherEncoder: string;
  epochs: number;
  teacherTraining: string;
  losses: Record<string, number>;
  runs: RunRecord[];
  totalSeconds: number;
  embeddingSeconds: number;
  /** The distilled student against the others, per K, paired by seed, with bootstrap intervals. */
  comparisons?: Comparison[];
  /** Where it ran: CPU model, cores, Node (relaxed-SIMD rounding differs between CPUs). */
  machine?: MachineRecord;
}

/** Results with their comparisons recomputed from the runs (after a run, a merge, or a partial write). */
export function withComparisons(res: ExperimentResults): ExperimentResults {
  return { ...res, comparisons: comparisonsOf(res.runs), machine: res.machine ?? machineRecord() };
}

export interface ExperimentOptions {
  datasetName: string;
  topics: number[];
  seeds: number[];
  out: string;
  /** α and T per K; a value given on the command line applies to every K. */
  hyper: (K: number) => { alpha: number; temperature: number };
  teacher: { model: string; hidden: number[] };
  student: { model: string; hidden: number[] };
  /** Other model kinds trained per K and seed beside the student (same hidden layers): `role: "baseline"` rows. */
  baselines?: string[];
  losses?: LossSpec[];
  /** Write model folders for every run (default true). */
  saveModels?: boolean;
  /** Write report.html (and report.json, its data) with every model of every K and seed (default true). */
  report?: boolean;
  /** Train the teacher once per K (with the first seed; default) or once per K and seed. */
  teacherPer?: 'K' | 'seed';
  /** With teacherPer 'K': the seed the teacher is trained with (default: the first seed). */
  teacherSeed?: number;
}

/** The paper's hyper-parameters (Adhya & Sanyal 2023) for the bundled datasets. */
export function paperHyper(dataset: string, K: number): { alpha: number; temperature: number } {
  const d = dataset.toLowerCase();
  if (d === '20ng') return K >= 50 ? { alpha: 0.9, temperature: 3 } : { alpha: 0.1, temperature: 3 };
  return K >= 50 ? { alpha: 0.8, temperature: 1 } : { alpha: 0.8, temperature: 4 };
}

export function evaluateModel(model: TopicModel, vocabulary: string[], ref: ReferenceCorpus): Evaluation {
  const top10 = model.topics(vocabulary, 10);
  const top25 = model.topics(vocabulary, 25);
  const npmi = coherence(ref, top10, 'c_npmi', { skipUnknownWords: true });
  const cv = coherence(ref, top10, 'c_v', { skipUnknownWords: true });
  return { npmi: npmi.mean, cv: cv.mean, td: topicDiversity(top25, 25).mean, npmiPerTopic: npmi.perTopic, cvPerTopic: cv.perTopic };
}

/** Word counts of a dataset over its vocabulary (p(word) in the report's relevance ranking). */
export function termFrequency(dataset: Pick<Dataset, 'bow' | 'vocabulary'>): Float64Array {
  const tf = new Float64Array(dataset.vocabulary.length);
  const { indices, values } = dataset.bow;
  for (let i = 0; i < indices.length; i++) tf[indices[i]] += values[i];
  return tf;
}

/** The report's view of one trained model on a dataset. */
export function modelReport(args: {
  id: string;
  group: string;
  role: string;
  label: string;
  seed?: number;
  model: TopicModel;
  dataset: Dataset;
  evaluation: Evaluation;
  theta?: Float32Matrix;
  termFrequency: ArrayLike<number>;
  documents: ReportDocuments;
  alignWith?: { id: string; topicWord: Float32Matrix };
}): ReportModelData {
  const { model, dataset } = args;
  return reportModelData({
    ...args,
    kind: model.kind,
    params: model.paramCount(),
    K: model.numTopics,
    vocabulary: dataset.vocabulary,
    topicWord: model.topicWordDistribution(),
    texts: dataset.documents,
    textKeys: Array.from(dataset.kept, String),
  });
}

function seedsLine(seeds: number[]): string {
  return seeds.length === 1 ? `One seed (${seeds[0]}): no spread to report.` : `Mean ± std over seeds ${seeds.join(', ')}.`;
}

export function resultsTable(res: ExperimentResults): string {
  const lines = [
    `# ${res.dataset}: teacher vs student alone vs distilled student`,
    '',
    `Backend ${res.backend}; encoder ${res.encoder}${res.teacherEncoder !== res.encoder ? ` (teacher: ${res.teacherEncoder})` : ''}; ${res.epochs} epochs; losses ${Object.entries(res.losses).map(([k, w]) => `${k}×${w}`).join(' + ')}; ${res.teacherTraining}.`,
    `${seedsLine([...new Set(res.runs.map((r) => r.seed))])} Total time ${(res.totalSeconds / 60).toFixed(1)} min (embedding ${res.embeddingSeconds.toFixed(1)} s).`,
    '',
    '| K | role | model | params | α | T | NPMI | C_V | TD | train s |',
    '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const K of [...new Set(res.runs.map((r) => r.K))]) {
    const models = (role: Role) => [...new Set(res.runs.filter((r) => r.K === K && r.role === role).map((r) => r.model))];
    for (const [role, model] of (['baseline', 'teacher', 'student', 'distilled'] as Role[]).flatMap((role) => models(role).map((m) => [role, m] as const))) {
      const rs = res.runs.filter((r) => r.K === K && r.role === role && r.model === model);
      if (!rs.length) continue;
      lines.push(
        `| ${K} | ${role} | ${rs[0].model} | ${rs[0].params.toLocaleString('en-US')} | ${rs[0].alpha ?? ''} | ${rs[0].temperature ?? ''} | ${formatMeanStd(rs.map((r) => r.npmi), 4)} | ${formatMeanStd(rs.map((r) => r.cv), 4)} | ${formatMeanStd(rs.map((r) => r.td), 4)} | ${formatMeanStd(rs.map((r) => r.trainSeconds), 1)} |`,
      );
    }
  }
  const machine = res.machine ? `\nMeasured on ${res.machine.cpu} (${res.machine.cores} cores), Node ${res.machine.node}.\n` : '';
  return lines.join('\n') + '\n' + comparisonsTable(res.comparisons ?? comparisonsOf(res.runs)) + machine;
}

/**
 * The paper's experiment: for each K and seed, train the teacher (CombinedTM), the
 * student alone (ZeroShotTM), and the student distilled from that teacher; evaluate
 * all three on the training corpus; write results.json and results.md. Embeddings are
 * computed once (cached on disk) and shared by all models.
 */
export async function runExperiment(rt: Runtime, dataset: Dataset, cfg: RunConfig, opt: ExperimentOptions, progress: Progress): Promise<ExperimentResults> {
  const t0 = performance.now();
  for (const kind of opt.baselines ?? []) rt.registry.modelFactory(kind, 'baselines'); // an unknown kind fails now, listing the registered ones
  const studentEmb = await embedDataset(rt, dataset, cfg.encoder, cfg, progress, 'student embeddings');
  const teacherSpec = cfg.teacherEncoder ?? cfg.encoder;
  const sameEncoder = JSON.stringify(teacherSpec ?? 'use') === JSON.stringify(cfg.encoder ?? 'use');
  const teacherEmb = sameEncoder ? studentEmb : await embedDataset(rt, dataset, teacherSpec, cfg, progress, 'teacher embeddings');
  const embeddingSeconds = studentEmb.seconds + (sameEncoder ? 0 : teacherEmb.seconds);
  const ref = new ReferenceCorpus(dataset.tokens);
  const lossSpecs = opt.losses ?? cfg.losses ?? [...DEFAULT_LOSSES];
  const losses = rt.registry.weightedLosses(lossSpecs);
  const runs: RunRecord[] = [];
  const epochs = cfg.epochs ?? 100;
  const writeResults = (): ExperimentResults => {
    const res: ExperimentResults = {
      dataset: opt.datasetName,
      backend: rt.backend.name,
      encoder: studentEmb.encoderId,
      teacherEncoder: teacherEmb.encoderId,
      epochs,
      teacherTraining:
        opt.teacherPer === 'seed'
          ? 'teacher trained once per K and seed; student alone and distilled student use the same seed'
          : `teacher trained once per K (seed ${opt.teacherSeed ?? opt.seeds[0]}) and shared by the students of every seed`,
      losses: Object.fromEntries(lossSpecs.map((s) => [lossName(s), lossWeight(s)])),
      runs,
      totalSeconds: (performance.now() - t0) / 1000,
      embeddingSeconds,
      comparisons: comparisonsOf(runs),
      machine: machineRecord(),
    };
    writeFileAtomic(join(opt.out, 'results.json'), JSON.stringify(res, null, 1) + '\n');
    writeFileAtomic(join(opt.out, 'results.md'), resultsTable(res));
    return res;
  };
  const documents = new ReportDocuments();
  const tf = termFrequency(dataset);
  const reportModels: ReportModelData[] = [];
  const writeReport = () => {
    if (opt.report === false) return;
    const data: ReportData = {
      title: `TopicKD — ${opt.datasetName}: teacher, student alone and distilled student`,
      corpus: `${opt.datasetName} (${dataset.bow.rows.toLocaleString('en-US')} documents, ${dataset.vocabulary.length.toLocaleString('en-US')} words)`,
      documents: documents.texts,
      models: reportModels,
    };
    writeFileAtomic(join(opt.out, 'report.json'), JSON.stringify(data) + '\n');
    writeFileAtomic(join(opt.out, 'report.html'), renderReport(data));
  };
  const teacherSavedIn = new Map<number, string>();
  const teacherCache = new Map<number, { trained: Awaited<ReturnType<typeof fitOn>>; ev: Evaluation; seed: number }>();
  for (const K of opt.topics) {
    const { alpha, temperature } = opt.hyper(K);
    for (const seed of opt.seeds) {
      const tag = `K=${K} seed=${seed}`;
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
          ...(teacherSeed !== undefined ? { teacherSeed } : {}),
          topicWords: model.topics(dataset.vocabulary, 10),
        });
      let teacher = teacherCache.get(K);
      if (!teacher || opt.teacherPer === 'seed') {
        const tSeed = opt.teacherPer === 'seed' ? seed : (opt.teacherSeed ?? seed);
        const trained = await fitOn(rt, dataset, teacherEmb.embeddings, { kind: opt.teacher.model, topics: K, hidden: opt.teacher.hidden }, cfg, progress, `K=${K} seed=${tSeed} teacher`, tSeed);
        teacher = { trained, ev: evaluateModel(trained.model, dataset.vocabulary, ref), seed: tSeed };
        teacherCache.set(K, teacher);
      }
      const tEval = teacher.ev;
      record('teacher', teacher.trained.model, teacher.trained.result.seconds, teacher.trained.result.finalLoss, tEval, false, teacher.seed);
      const alone = await fitOn(rt, dataset, studentEmb.embeddings, { kind: opt.student.model, topics: K, hidden: opt.student.hidden }, cfg, progress, `${tag} student`, seed);
      const aEval = evaluateModel(alone.model, dataset.vocabulary, ref);
      record('student', alone.model, alone.result.seconds, alone.result.finalLoss, aEval, false);
      // baselines: other registered kinds, trained on the same documents and seed
      const baselines: { kind: string; trained: Awaited<ReturnType<typeof fitOn>>; ev: Evaluation; embeddings: Float32Matrix; readsEmbeddings: boolean }[] = [];
      for (const kind of opt.baselines ?? []) {
        const readsEmbeddings = kindNeedsEmbeddings(rt, kind);
        const embeddings = readsEmbeddings ? studentEmb.embeddings : noEmbeddings(dataset.bow.rows);
        const trained = await fitOn(rt, dataset, embeddings, { kind, topics: K, hidden: opt.student.hidden }, cfg, progress, `${tag} baseline ${kind}`, seed);
        const ev = evaluateModel(trained.model, dataset.vocabulary, ref);
        record('baseline', trained.model, trained.result.seconds, trained.result.finalLoss, ev, false);
        baselines.push({ kind, trained, ev, embeddings, readsEmbeddings });
      }

      const config = resolveModelConfig({ kind: opt.student.model, numTopics: K, vocabSize: dataset.vocabulary.length, embeddingDim: studentEmb.embeddings.cols, hiddenSizes: opt.student.hidden, dropout: cfg.dropout });
      const student = rt.registry.modelFactory(opt.student.model).create(config, seed);
      const dres = await distill(
        teacher.trained.model,
        student,
        { student: { bow: dataset.bow, embeddings: studentEmb.embeddings }, teacherEmbeddings: teacherEmb.embeddings },
        losses,
        { ...trainOptionsOf(rt, cfg, progress, `${tag} distilled`, seed), alpha, temperature, kdEpochs: cfg.kdEpochs },
      );
      const dEval = evaluateModel(student, dataset.vocabulary, ref);
      const preprocessing = dataset.preprocessing;
      record('distilled', student, dres.seconds, dres.finalLoss, dEval, true);
      progress.log(`${tag}: NPMI teacher ${tEval.npmi.toFixed(4)}, student alone ${aEval.npmi.toFixed(4)}, distilled ${dEval.npmi.toFixed(4)}${baselines.map((b) => `, ${b.kind} ${b.ev.npmi.toFixed(4)}`).join('')}`);

      if (opt.saveModels !== false) {
        const base = join(opt.out, `K${K}-seed${seed}`);
        const enc = (e: typeof studentEmb) => ({ id: e.encoderId, dim: e.embeddings.cols, type: e.encoderType });
        const savedIn = teacherSavedIn.get(K);
        if (savedIn === undefined || opt.teacherPer === 'seed') {
          await saveModel(join(base, 'teacher'), { model: teacher.trained.model, vocabulary: dataset.vocabulary, encoder: enc(teacherEmb), preprocessing, training: { role: 'teacher', seed: teacher.seed, K } });
          teacherSavedIn.set(K, `K${K}-seed${seed}`);
        } else writeFileAtomic(join(base, 'TEACHER.txt'), `the teacher of this run (trained with seed ${teacher.seed}) is ../${savedIn}/teacher\n`);
        await saveModel(join(base, 'student'), { model: alone.model, vocabulary: dataset.vocabulary, encoder: enc(studentEmb), preprocessing, training: { role: 'student', seed, K } });
        await saveModel(join(base, 'distilled'), { model: student, vocabulary: dataset.vocabulary, encoder: enc(studentEmb), preprocessing, training: { role: 'distilled', seed, K, alpha, temperature } });
        for (const b of baselines) await saveModel(join(base, `baseline-${b.kind}`), { model: b.trained.model, vocabulary: dataset.vocabulary, encoder: b.readsEmbeddings ? enc(studentEmb) : { ...NO_ENCODER }, preprocessing, training: { role: 'baseline', seed, K } });
      }
      // θ of the training documents: for the report and for the saved models' theta.npy
      const needTheta = opt.report !== false || opt.saveModels !== false;
      const thetaOf = (model: TopicModel, embeddings: Float32Matrix) => inferTheta(model, { bow: dataset.bow, embeddings }, { samples: 20, seed: 0 });
      const thetaT = needTheta ? thetaOf(teacher.trained.model, teacherEmb.embeddings) : undefined;
      const thetaA = needTheta ? thetaOf(alone.model, studentEmb.embeddings) : undefined;
      const thetaD = needTheta ? thetaOf(student, studentEmb.embeddings) : undefined;
      if (opt.report !== false) {
        const group = `K=${K}, seed ${seed}`;
        const teacherId = `K${K}-seed${seed}-teacher`;
        const common = { group, seed, dataset, termFrequency: tf, documents };
        const alignWith = { id: teacherId, topicWord: teacher.trained.model.topicWordDistribution() };
        reportModels.push(
          modelReport({ ...common, id: teacherId, role: 'teacher', label: `teacher (${opt.teacher.model})`, seed: teacher.seed, model: teacher.trained.model, evaluation: tEval, theta: thetaT }),
          modelReport({ ...common, id: `K${K}-seed${seed}-student`, role: 'student', label: `student alone (${opt.student.model})`, model: alone.model, evaluation: aEval, theta: thetaA, alignWith }),
          modelReport({ ...common, id: `K${K}-seed${seed}-distilled`, role: 'distilled', label: `distilled student (α=${alpha}, T=${temperature})`, model: student, evaluation: dEval, theta: thetaD, alignWith }),
          ...baselines.map((b) => modelReport({ ...common, id: `K${K}-seed${seed}-baseline-${b.kind}`, role: 'baseline', label: `baseline (${b.kind})`, model: b.trained.model, evaluation: b.ev, theta: thetaOf(b.trained.model, b.embeddings), alignWith })),
        );
        writeReport();
      }
      if (opt.saveModels !== false) {
        const base = join(opt.out, `K${K}-seed${seed}`);
        const info = { corpusDocuments: dataset.kept.length + dataset.dropped, samples: 20, seed: 0 };
        if (teacherSavedIn.get(K) === `K${K}-seed${seed}`) saveTheta(join(base, 'teacher'), thetaT!, dataset.kept, info);
        saveTheta(join(base, 'student'), thetaA!, dataset.kept, info);
        saveTheta(join(base, 'distilled'), thetaD!, dataset.kept, info);
      }
      if (opt.teacherPer === 'seed') {
        teacher.trained.model.dispose();
        teacherCache.delete(K);
      }
      alone.model.dispose();
      student.dispose();
      for (const b of baselines) b.trained.model.dispose();
      writeResults();
    }
  }
  for (const t of teacherCache.values()) t.trained.model.dispose();
  return writeResults();
}
