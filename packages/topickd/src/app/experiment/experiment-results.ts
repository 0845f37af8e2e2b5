/**
 * What the paper's experiment produces and how it is read: the records of results.json, the
 * options of a grid, the paper's α and T, a model's evaluation and report view, and the
 * results table. Shared by the local runner (experiment.ts), its steps and `tune`.
 */
import { ReferenceCorpus, coherence, distillHyper, meanDocumentLength, topicDiversity, type DistillHyper, type DistillRecipeName, type TopicModel, type Dataset, type Float32Matrix, type LossSpec, DEFAULT_TRAIN, AUTO_SHORT_RUN } from '@topickd/core';
import { reportModelData, type Evaluation, type ReportDocuments, type ReportModelData } from '../report/report.js';
import { formatMeanStd } from '../run/format.js';
import { comparisonsOf, comparisonsTable, machineRecord, type Comparison, type MachineRecord } from './comparisons.js';
import type { SearchSpace } from '../tune/tune-search.js';

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
  /** For distilled rows: the recipe that chose α and T (`auto`, `paper`, or `given` when both were given). */
  recipe?: DistillHyper['recipe'];
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
  /** The losses' own options where any were given (e.g. `{ ce: { logits: "pre-bn" } }`). */
  lossOptions?: Record<string, Record<string, unknown>>;
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
  hyper: (K: number) => { alpha: number; temperature: number; recipe?: DistillHyper['recipe']; kdEpochs?: number };
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
  /**
   * Tune α and T per K with `topickd tune` (successive halving; in this process) on the K's
   * teacher before its students are trained; the grid then uses the best. `data`: the dataset
   * as given (a bundled name or a path). The searches go to OUT/K<K>-tune/.
   */
  tune?: { data: string; space: SearchSpace; trials?: number; seeds?: number[]; epochs?: number };
}


/**
 * α and T per K for a grid on `dataset`: those given, the rest from the recipe (core's
 * distillHyper, the one place the defaults live), read off the corpus once.
 */
export function hyperFor(given: { alpha?: number; temperature?: number; recipe?: DistillRecipeName; kdEpochs?: number; epochs?: number }, dataset: Pick<Dataset, 'bow'>, datasetName: string): (K: number) => DistillHyper {
  const n = meanDocumentLength(dataset.bow);
  return (K) => distillHyper(given, { meanDocumentLength: n, dataset: datasetName, topics: K, epochs: given.epochs ?? DEFAULT_TRAIN.epochs });
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
    `Backend ${res.backend}; encoder ${res.encoder}${res.teacherEncoder !== res.encoder ? ` (teacher: ${res.teacherEncoder})` : ''}; ${res.epochs} epochs; losses ${Object.entries(res.losses).map(([k, w]) => `${k}${res.lossOptions?.[k] ? `(${Object.entries(res.lossOptions[k]).map(([o, v]) => `${o} ${v}`).join(', ')})` : ''}×${w}`).join(' + ')}; ${res.teacherTraining}.`,
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
  const notes = teacherNotes(res);
  return lines.join('\n') + '\n' + comparisonsTable(res.comparisons ?? comparisonsOf(res.runs)) + (notes.length ? `\n${notes.join('\n\n')}\n` : '') + machine;
}

/**
 * What the grid says of its teachers, where it matters: in a run longer than the `auto`
 * recipe's short runs, a teacher below the student alone has little to give (M10 K = 20 and
 * 20NG K = 50 at 100 epochs: no schedule measured gave a gain, nor a teacher of higher NPMI;
 * docs/concepts.md); in runs of at most AUTO_SHORT_RUN epochs the phase helps anyway.
 */
export function teacherNotes(res: Pick<ExperimentResults, 'runs' | 'epochs'>): string[] {
  if (!(res.epochs > AUTO_SHORT_RUN)) return [];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const notes: string[] = [];
  for (const K of [...new Set(res.runs.map((r) => r.K))]) {
    const of = (role: Role) => res.runs.filter((r) => r.K === K && r.role === role).map((r) => r.npmi);
    const [teacher, alone] = [of('teacher'), of('student')];
    if (!teacher.length || !alone.length || !(mean(teacher) < mean(alone))) continue;
    notes.push(
      `At K=${K} the teacher (NPMI ${mean(teacher).toFixed(4)}) is below the student alone (${mean(alone).toFixed(4)}): in a ${res.epochs}-epoch run the ` +
        'distilled student has little to take from it (no distillation schedule measured gained there, nor a teacher of higher NPMI). ' +
        `Distil in a run of at most ${AUTO_SHORT_RUN} epochs instead, where the auto recipe's phase helps even a weaker teacher's student (docs/concepts.md).`,
    );
  }
  return notes;
}

