import { ConfigError, DEFAULT_TRAIN, distillHyper, isNeuralTopicModel, meanDocumentLength, type Dataset, type DistillOptions, type DistillRecipeName, type EmbeddingRows, type EncoderReference, type EncoderSpec, type LossSpec, type TopicModel, type TopicModelConfig } from '@topickd/core';
import { distillLosses, distillOn, distillRecord, embedDataset, encoderReferenceOf, modelConfigOf, teacherEmbeddings, trainingRecord, type DistilledModel, type Runtime, type TeacherRecord } from './pipeline.js';
import type { Progress } from './progress.js';
import type { RunConfig } from './run-config.js';

/** A model that teaches: its network, the encoder its embeddings came from, and how the student's record names it. */
export interface DistillationTeacher {
  model: TopicModel;
  encoder: { id: string; dim: number; type?: string };
  /** The words of its topics: every teacher of one run has the same (the student's). */
  vocabulary: readonly string[];
  record: TeacherRecord;
}

/** What the student is about to be trained with: what a caller fingerprints for checkpoints. */
export interface DistillationPlan {
  /** The student's model configuration. */
  config: TopicModelConfig;
  studentEmbeddings: EmbeddingRows;
  teacherEmbeddings: EmbeddingRows[];
  /** The losses the teachers can serve, of those asked. */
  losses: LossSpec[];
  alpha: number;
  temperature: number;
  kdEpochs: number | undefined;
  encoder: EncoderReference;
}

export interface DistillationRequest {
  teachers: readonly DistillationTeacher[];
  /** The training documents, over the teachers' vocabulary. */
  dataset: Dataset;
  /** The bundled corpus's name, where it is one (the paper recipe's table is per corpus). */
  datasetName?: string;
  student: { kind: string; topics?: number; hidden?: number[] };
  seed: number;
  /** α, T, recipe and phase as given (config keys, flags or API options); the rest from the recipe. */
  hyper: { alpha?: number; temperature?: number; recipe?: DistillRecipeName; kdEpochs?: number };
  /** The student's encoder (default use). */
  encoder?: EncoderSpec;
  /** The encoder the teachers' embeddings are computed with instead of the ones they saved. */
  teacherEncoder?: string;
  /** The losses asked for (undefined: the defaults the teachers can serve). */
  losses?: readonly LossSpec[];
  /** Settings of embedding (threads, cache folder, quantization); default the run's. */
  embedConfig?: RunConfig;
  /** Checkpoints, resume and cancellation, from the plan (the CLI fingerprints it). */
  training?: (plan: DistillationPlan) => Partial<DistillOptions> | Promise<Partial<DistillOptions>>;
}

export interface DistillationOutcome extends DistilledModel {
  /** What manifest.json's `training` records. */
  training: Record<string, unknown>;
  alpha: number;
  temperature: number;
  recipe: string;
  kdEpochs: number | undefined;
  topics: number;
  encoder: EncoderReference;
  /** The student's embeddings of the dataset (θ of the training documents is computed from them). */
  embeddings: EmbeddingRows;
  /** The teacher that gives the posterior (the first neural one, else the first). */
  teacher: DistillationTeacher;
}

const sameWords = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((w, i) => w === b[i]);

/** The teacher whose vocabulary and preprocessing the training documents take (and whose posterior the student learns): the first neural one, else the first. */
export function vocabularyTeacher<T extends Pick<DistillationTeacher, 'model'>>(teachers: readonly T[]): T {
  if (teachers.length === 0) throw new ConfigError('distill needs a teacher', 'teacher');
  return teachers.find((t) => isNeuralTopicModel(t.model)) ?? teachers[0];
}

/**
 * Distillation from loaded teachers to a new student: α/T from the recipe, the student's and the
 * teachers' embeddings, the losses the teachers serve, training, and the record a model folder
 * keeps. What the CLI's `distill` and `tkd.distill` both run; each forms the dataset and saves.
 */
export async function runDistillation(rt: Runtime, cfg: RunConfig, progress: Progress, req: DistillationRequest): Promise<DistillationOutcome> {
  const teacher = vocabularyTeacher(req.teachers);
  for (const t of req.teachers) {
    if (!sameWords(t.vocabulary, req.dataset.vocabulary)) {
      throw new ConfigError(
        `the teacher ${t.record.dir ?? `(${t.record.kind})`} has another vocabulary (${t.vocabulary.length} words) than the training documents (${req.dataset.vocabulary.length}); teachers that teach together must share one vocabulary — train them on the same corpus`,
        'teacher',
      );
    }
  }
  const topics = req.student.topics ?? teacher.model.numTopics;
  rt.registry.modelFactory(req.student.kind, 'student'); // before any work: an unknown kind lists the registered ones
  const { alpha, temperature, recipe, kdEpochs } = distillHyper(req.hyper, { meanDocumentLength: meanDocumentLength(req.dataset.bow), dataset: req.datasetName, topics, epochs: cfg.epochs ?? DEFAULT_TRAIN.epochs });
  const embedConfig = req.embedConfig ?? cfg;
  const studentEmb = await embedDataset(rt, req.dataset, req.encoder, embedConfig, progress, 'student embeddings');
  // a teacher may use another encoder (and embedding size) than the student: embedded again only then
  const teacherEmbs = await teacherEmbeddings(rt, req.dataset, req.teachers, studentEmb, embedConfig, progress, req.teacherEncoder);
  const models = req.teachers.map((t) => t.model);
  const arch = { kind: req.student.kind, topics, hidden: req.student.hidden };
  const encoder = encoderReferenceOf(studentEmb);
  const plan: DistillationPlan = {
    config: modelConfigOf(arch, req.dataset, studentEmb.embeddings, cfg),
    studentEmbeddings: studentEmb.embeddings,
    teacherEmbeddings: teacherEmbs,
    losses: distillLosses(rt, models, req.losses).specs,
    alpha,
    temperature,
    kdEpochs,
    encoder,
  };
  const extra = (await req.training?.(plan)) ?? {};
  const out = await distillOn(rt, req.dataset, { embeddings: studentEmb.embeddings, teacherEmbeddings: teacherEmbs }, models, arch, cfg, progress, `student (${req.student.kind})`, req.seed, { alpha, temperature, kdEpochs, losses: req.losses }, extra);
  const records = req.teachers.map((t) => t.record);
  const training = distillRecord(trainingRecord(req.dataset, out.result, req.seed, rt.backend.name, out.seeded), { alpha, temperature, recipe, kdEpochs }, out.losses, records, teacher.record);
  return { ...out, training, alpha, temperature, recipe, kdEpochs, topics, encoder, embeddings: studentEmb.embeddings, teacher };
}
