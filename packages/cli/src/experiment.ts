import { join } from 'node:path';
import {
  distill,
  inferTheta,
  ReferenceCorpus,
  coherence,
  topicDiversity,
  resolveModelConfig,
  type ContextualTopicModel,
  type Dataset,
  type Float32Matrix,
  type LossSpec,
  DEFAULT_LOSSES,
  lossName,
  lossWeight,
} from '@topickd/core';
import { saveModel, writeFileAtomic } from '@topickd/core/node';
import type { Progress } from './progress.js';
import { embedDataset, fitOn, trainOptionsOf, type Runtime } from './pipeline.js';
import type { RunConfig } from './run-config.js';
import { renderReport, type ReportModel } from './report.js';

export type Role = 'teacher' | 'student' | 'distilled';

export interface RunRecord {
  K: number;
  seed: number;
  role: Role;
  model: 'combined' | 'zeroshot';
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
}

export interface ExperimentOptions {
  datasetName: string;
  topics: number[];
  seeds: number[];
  out: string;
  /** α and T per K; a value given on the command line applies to every K. */
  hyper: (K: number) => { alpha: number; temperature: number };
  teacher: { model: 'combined' | 'zeroshot'; hidden: number[] };
  student: { model: 'combined' | 'zeroshot'; hidden: number[] };
  losses?: LossSpec[];
  /** Write model folders for every run (default true). */
  saveModels?: boolean;
  /** Write report.html for the first K and seed (default true). */
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

export interface Evaluation {
  npmi: number;
  cv: number;
  td: number;
  npmiPerTopic: number[];
  cvPerTopic: number[];
}

export function evaluateModel(model: ContextualTopicModel, vocabulary: string[], ref: ReferenceCorpus): Evaluation {
  const top10 = model.topics(vocabulary, 10);
  const top25 = model.topics(vocabulary, 25);
  const npmi = coherence(ref, top10, 'c_npmi', { skipUnknownWords: true });
  const cv = coherence(ref, top10, 'c_v', { skipUnknownWords: true });
  return { npmi: npmi.mean, cv: cv.mean, td: topicDiversity(top25, 25).mean, npmiPerTopic: npmi.perTopic, cvPerTopic: cv.perTopic };
}

export function reportModel(role: string, model: ContextualTopicModel, vocabulary: string[], ev: Evaluation, theta: Float32Matrix | undefined): ReportModel {
  const K = model.numTopics;
  const dist = model.topicWordDistribution();
  const topics = model.topics(vocabulary, 10);
  const index = new Map(vocabulary.map((w, i) => [w, i] as const));
  const weights = topics.map((t, k) => t.map((w) => dist.data[k * dist.cols + index.get(w)!]));
  let prevalence = new Array(K).fill(1 / K);
  if (theta) {
    prevalence = new Array(K).fill(0);
    for (let i = 0; i < theta.rows; i++) for (let k = 0; k < K; k++) prevalence[k] += theta.data[i * K + k] / theta.rows;
  }
  return { role, kind: model.kind, params: model.paramCount(), topics, weights, npmiPerTopic: ev.npmiPerTopic, cvPerTopic: ev.cvPerTopic, metrics: { npmi: ev.npmi, cv: ev.cv, td: ev.td }, prevalence, topicWord: dist };
}

function meanStd(xs: number[]): string {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
  return `${m.toFixed(4)} ± ${sd.toFixed(4)}`;
}

export function resultsTable(res: ExperimentResults): string {
  const lines = [
    `# ${res.dataset}: teacher vs student alone vs distilled student`,
    '',
    `Backend ${res.backend}; encoder ${res.encoder}${res.teacherEncoder !== res.encoder ? ` (teacher: ${res.teacherEncoder})` : ''}; ${res.epochs} epochs; losses ${Object.entries(res.losses).map(([k, w]) => `${k}×${w}`).join(' + ')}; ${res.teacherTraining}.`,
    `Mean ± std over seeds ${[...new Set(res.runs.map((r) => r.seed))].join(', ')}. Total time ${(res.totalSeconds / 60).toFixed(1)} min (embedding ${res.embeddingSeconds.toFixed(1)} s).`,
    '',
    '| K | role | model | params | α | T | NPMI | C_V | TD | train s |',
    '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const K of [...new Set(res.runs.map((r) => r.K))]) {
    for (const role of ['teacher', 'student', 'distilled'] as Role[]) {
      const rs = res.runs.filter((r) => r.K === K && r.role === role);
      if (!rs.length) continue;
      lines.push(
        `| ${K} | ${role} | ${rs[0].model} | ${rs[0].params.toLocaleString('en-US')} | ${rs[0].alpha ?? ''} | ${rs[0].temperature ?? ''} | ${meanStd(rs.map((r) => r.npmi))} | ${meanStd(rs.map((r) => r.cv))} | ${meanStd(rs.map((r) => r.td))} | ${meanStd(rs.map((r) => r.trainSeconds)).replace(/(\d+\.\d)\d+/g, '$1')} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * The paper's experiment: for each K and seed, train the teacher (CombinedTM), the
 * student alone (ZeroShotTM), and the student distilled from that teacher; evaluate
 * all three on the training corpus; write results.json and results.md. Embeddings are
 * computed once (cached on disk) and shared by all models.
 */
export async function runExperiment(rt: Runtime, dataset: Dataset, cfg: RunConfig, opt: ExperimentOptions, progress: Progress): Promise<ExperimentResults> {
  const t0 = performance.now();
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
    };
    writeFileAtomic(join(opt.out, 'results.json'), JSON.stringify(res, null, 1) + '\n');
    writeFileAtomic(join(opt.out, 'results.md'), resultsTable(res));
    return res;
  };
  let reportWritten = false;
  const teacherSavedIn = new Map<number, string>();
  const teacherCache = new Map<number, { trained: Awaited<ReturnType<typeof fitOn>>; ev: Evaluation; seed: number }>();
  for (const K of opt.topics) {
    const { alpha, temperature } = opt.hyper(K);
    for (const seed of opt.seeds) {
      const tag = `K=${K} seed=${seed}`;
      const record = (role: Role, model: ContextualTopicModel, seconds: number, finalLoss: number, ev: Evaluation, kd: boolean, teacherSeed?: number) =>
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

      const config = resolveModelConfig({ kind: opt.student.model, numTopics: K, vocabSize: dataset.vocabulary.length, embeddingDim: studentEmb.embeddings.cols, hiddenSizes: opt.student.hidden, dropout: cfg.dropout });
      const student = rt.registry.modelFactory(opt.student.model).create(config, seed);
      const dres = await distill(
        teacher.trained.model,
        student,
        { student: { bow: dataset.bow, embeddings: studentEmb.embeddings }, teacherEmbeddings: teacherEmb.embeddings },
        losses,
        { ...trainOptionsOf(cfg, progress, `${tag} distilled`, seed), alpha, temperature, kdEpochs: cfg.kdEpochs },
      );
      const dEval = evaluateModel(student, dataset.vocabulary, ref);
      record('distilled', student, dres.seconds, dres.finalLoss, dEval, true);
      progress.log(`${tag}: NPMI teacher ${tEval.npmi.toFixed(4)}, student alone ${aEval.npmi.toFixed(4)}, distilled ${dEval.npmi.toFixed(4)}`);

      if (opt.saveModels !== false) {
        const base = join(opt.out, `K${K}-seed${seed}`);
        const enc = (e: typeof studentEmb) => ({ id: e.encoderId, dim: e.embeddings.cols, type: e.encoderType });
        const savedIn = teacherSavedIn.get(K);
        if (savedIn === undefined || opt.teacherPer === 'seed') {
          await saveModel(join(base, 'teacher'), { model: teacher.trained.model, vocabulary: dataset.vocabulary, encoder: enc(teacherEmb), training: { role: 'teacher', seed: teacher.seed, K } });
          teacherSavedIn.set(K, `K${K}-seed${seed}`);
        } else writeFileAtomic(join(base, 'TEACHER.txt'), `the teacher of this run (trained with seed ${teacher.seed}) is ../${savedIn}/teacher\n`);
        await saveModel(join(base, 'student'), { model: alone.model, vocabulary: dataset.vocabulary, encoder: enc(studentEmb), training: { role: 'student', seed, K } });
        await saveModel(join(base, 'distilled'), { model: student, vocabulary: dataset.vocabulary, encoder: enc(studentEmb), training: { role: 'distilled', seed, K, alpha, temperature } });
      }
      if (opt.report !== false && !reportWritten) {
        const thetaT = inferTheta(teacher.trained.model, { bow: dataset.bow, embeddings: teacherEmb.embeddings }, { samples: 20, seed: 0 });
        const thetaS = inferTheta(student, { bow: dataset.bow, embeddings: studentEmb.embeddings }, { samples: 20, seed: 0 });
        const html = renderReport({
          title: `TopicKD — ${opt.datasetName}, K=${K}, seed ${seed}`,
          corpus: `${opt.datasetName} (${dataset.bow.rows} documents, ${dataset.vocabulary.length} words)`,
          models: [
            reportModel('teacher', teacher.trained.model, dataset.vocabulary, tEval, thetaT),
            reportModel(`distilled student (α=${alpha}, T=${temperature})`, student, dataset.vocabulary, dEval, thetaS),
          ],
        });
        writeFileAtomic(join(opt.out, 'report.html'), html);
        reportWritten = true;
      }
      if (opt.teacherPer === 'seed') {
        teacher.trained.model.dispose();
        teacherCache.delete(K);
      }
      alone.model.dispose();
      student.dispose();
      writeResults();
    }
  }
  for (const t of teacherCache.values()) t.trained.model.dispose();
  return writeResults();
}
