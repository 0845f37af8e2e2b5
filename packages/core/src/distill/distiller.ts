import { tf, type Tensor1D, type Tensor2D } from '../tfjs/tf.js';
import type { WeightedLoss } from '../container/plugin-registry.js';
import type { DistillationContext, DistillationLoss, ModelOutputs, TeacherOutput } from '../contracts/distillation-loss.js';
import { inferTheta } from '../model/infer-topics.js';
import { ConfigError, DataError, TopicKDError } from '../errors.js';
import { isNeuralTopicModel, type NeuralTopicModel, type TopicModel } from '../contracts/topic-model.js';
import { vaeLoss } from '../model/fused-ops.js';
import { batchesPerEpoch, makeBatch, trainModel, type StepLoss, type StepLossContext, type TrainInputs, type TrainOptions, type TrainResult } from '../train/trainer.js';
import { allFinite, gatherRows, type Float32Matrix } from '../util/matrix.js';
import { Random } from '../util/random.js';

export interface DistillOptions extends TrainOptions {
  /** Weight of the distillation terms: loss = (1 − α)(RL + KL) + α Σ wᵢ lossᵢ. */
  alpha: number;
  /** Softmax temperature for soft labels. */
  temperature: number;
  /** Apply the KD terms for the first `kdEpochs` epochs only (default: all). */
  kdEpochs?: number;
  /** Seed of the teacher's sampling (default: training seed + 1). */
  teacherSeed?: number;
  /**
   * Leave out the losses a teacher cannot serve (those reading a posterior, for a teacher
   * without one) instead of refusing them: set when the losses are the defaults.
   */
  onlySupportedLosses?: boolean;
}

export interface DistillInputs {
  /** Student's inputs (BoW + the student encoder's embeddings). */
  student: TrainInputs;
  /**
   * Each teacher's embeddings of the same documents, row-aligned (a teacher may use another
   * encoder); one matrix for every teacher, or one per teacher in the teachers' order.
   */
  teacherEmbeddings: TrainInputs['embeddings'] | readonly TrainInputs['embeddings'][];
}

export function validateDistillOptions(o: { alpha: number; temperature: number; kdEpochs?: number }): void {
  if (typeof o.alpha !== 'number' || !(o.alpha >= 0 && o.alpha <= 1)) {
    throw new ConfigError(`"alpha" must be in [0, 1], got ${o.alpha}`, 'alpha');
  }
  if (typeof o.temperature !== 'number' || !(o.temperature > 0) || !Number.isFinite(o.temperature)) {
    throw new ConfigError(`"temperature" must be > 0, got ${o.temperature}`, 'temperature');
  }
  if (o.kdEpochs !== undefined && (!Number.isInteger(o.kdEpochs) || o.kdEpochs < 0)) {
    throw new ConfigError(`"kdEpochs" must be an integer ≥ 0, got ${o.kdEpochs}`, 'kdEpochs');
  }
}

/** Checks that a teacher can teach a student on these inputs (vocabulary, K when it shares its posterior, rows). */
export function checkTeacherFits(teacher: TopicModel, student: TopicModel, inputs: { student: TrainInputs; teacherEmbeddings: TrainInputs['embeddings'] }, sharesPosterior = isNeuralTopicModel(teacher)): void {
  if (teacher.config.vocabSize !== student.config.vocabSize || inputs.student.bow.cols !== teacher.config.vocabSize) {
    throw new DataError(
      `the teacher's vocabulary has ${teacher.config.vocabSize} words, the data ${inputs.student.bow.cols}: distill on the corpus (and vocabulary) the teacher was trained on`,
      'VOCABULARY_MISMATCH',
    );
  }
  if (sharesPosterior && teacher.config.numTopics !== student.config.numTopics) {
    throw new DataError(
      `the teacher has K = ${teacher.config.numTopics} topics, the student ${student.config.numTopics}: the W2 and soft-label losses compare topic by topic, so K must match`,
      'DIMENSION_MISMATCH',
    );
  }
  if (inputs.teacherEmbeddings.rows !== inputs.student.bow.rows) {
    throw new DataError(`${inputs.teacherEmbeddings.rows} teacher embedding rows for ${inputs.student.bow.rows} documents`, 'DIMENSION_MISMATCH');
  }
  if (teacher.config.embeddingDim > 0 && inputs.teacherEmbeddings.cols !== teacher.config.embeddingDim) {
    throw new DataError(
      `teacher embeddings have ${inputs.teacherEmbeddings.cols} dimensions, the teacher was trained on ${teacher.config.embeddingDim}; use the teacher's encoder`,
      'DIMENSION_MISMATCH',
    );
  }
}

/** The model as a neural topic model, or a typed error: only those can be distilled into. */
export function distillableModel(m: TopicModel, role: 'teacher' | 'student'): NeuralTopicModel {
  if (isNeuralTopicModel(m)) return m;
  throw new ConfigError(
    `a "${m.kind}" model is trained by its own algorithm and has no posterior network; a ${role} of knowledge distillation must be a neural topic model (combined, zeroshot, prodlda, neurallda, etm)`,
    role,
  );
}

/** What a loss reads of the teacher (a plugin that does not say: everything). */
export function lossReads(loss: DistillationLoss): readonly TeacherOutput[] {
  return loss.reads ?? ['posterior', 'words', 'theta'];
}

/**
 * The losses these teachers can serve. A teacher without a posterior network (LDA, BERTopic-
 * style, a plugin kind with only a word distribution) serves the losses that read its words;
 * with several teachers, the posterior comes from the first neural one. With `onlySupported`
 * (the losses were the defaults) the others are left out; otherwise each is a typed error.
 */
export function supportedLosses(teachers: readonly TopicModel[], losses: readonly WeightedLoss[], onlySupported = false): WeightedLoss[] {
  const hasPosterior = teachers.some((t) => isNeuralTopicModel(t));
  const keep: WeightedLoss[] = [];
  for (const l of losses) {
    const needsPosterior = lossReads(l.loss).some((r) => r === 'posterior' || r === 'theta');
    if (needsPosterior && !hasPosterior) {
      if (onlySupported) continue;
      throw new ConfigError(
        `distillation loss "${l.loss.name}" reads the teacher's posterior (μ, log σ²), which a "${teachers[0].kind}" teacher does not have; use losses that read its word distribution (e.g. losses: [ce])${l.loss.reads ? '' : ' — a plugin loss that reads only words says so with reads: ["words"]'}`,
        'losses',
      );
    }
    keep.push(l);
  }
  if (keep.length === 0) throw new ConfigError(`none of the distillation losses (${losses.map((l) => l.loss.name).join(', ')}) can be served by a "${teachers[0].kind}" teacher; use ce`, 'losses');
  return keep;
}

/** One teacher's outputs for a batch of the training documents. */
interface TeacherSource {
  readonly model: TopicModel;
  readonly hasPosterior: boolean;
  /** Its outputs for these rows (tensors the caller disposes); `null` mu/logvar where it has no posterior. */
  outputs(rows: Int32Array): { mu: Tensor2D | null; logvar: Tensor2D | null; theta: Tensor2D; wordLogits: Tensor2D; preBnWordLogits?: Tensor2D };
  /** Frees what it holds for the whole run. */
  dispose?(): void;
}

/** A neural teacher: its posterior computed once for the corpus, a sample of z per batch (seeded). */
function neuralTeacher(teacher: NeuralTopicModel, inputs: TrainInputs, rng: Random): TeacherSource {
  // The teacher's posterior (μ, log σ²) in inference mode is a fixed function of each
  // document: computed once for the whole corpus instead of once per batch and epoch.
  const post = teacherPosteriors(teacher, inputs);
  const K = teacher.config.numTopics;
  return {
    model: teacher,
    hasPosterior: true,
    outputs(rows) {
      return teacher.sampleAndDecodeEval(tf.tensor2d(gatherRows(post.mu, rows), [rows.length, K]), tf.tensor2d(gatherRows(post.logvar, rows), [rows.length, K]), rng);
    },
  };
}

/**
 * A teacher with a word distribution but no posterior network (LDA, BERTopic-style, ...): its θ
 * of every document computed once (inferTheta, 20 draws where it samples), the word logits of a
 * document log(θ_d · p(w | topic)).
 */
function wordTeacher(teacher: TopicModel, inputs: TrainInputs, seed: number): TeacherSource {
  const theta = inferTheta(teacher, { bow: inputs.bow, embeddings: inputs.embeddings }, { samples: 20, seed });
  const twd = teacher.topicWordDistribution();
  // p(w | topic) as one tensor for the whole run, not uploaded again every batch
  const topicWords = tf.tensor2d(twd.data, [twd.rows, twd.cols]);
  const K = theta.cols;
  return {
    model: teacher,
    hasPosterior: false,
    outputs(rows) {
      const th = tf.tensor2d(gatherRows(theta, rows), [rows.length, K]);
      const wordLogits = tf.tidy(() => tf.log(tf.add(tf.matMul(th, topicWords), 1e-10)) as Tensor2D);
      return { mu: null, logvar: null, theta: th, wordLogits };
    },
    dispose: () => topicWords.dispose(),
  };
}

/**
 * Trains `student` with knowledge distillation from frozen teachers (Adhya & Sanyal, ECIR
 * 2023). Per document:
 *
 *   loss = (1 − α)·(RL + KL) + α·Σᵢ wᵢ·lossᵢ(teacher, student)
 *
 * for the first `kdEpochs` epochs, then RL + KL. Teachers run in inference mode (running
 * batch-norm statistics, no dropout, no gradients) on exactly the student's batch; their
 * outputs are constants of the student's step. Any topic model can teach: a neural one with
 * its posterior and word distribution, one without a posterior network through the losses
 * that read its words. With several teachers the soft labels are the mean of their softened
 * word distributions (the word logits T·log meanᵢ softmax(zᵢ/T)), and the posterior, θ and
 * K are the first neural teacher's.
 */
export async function distill(
  teacherModels: TopicModel | readonly TopicModel[],
  studentModel: TopicModel,
  inputs: DistillInputs,
  losses: readonly WeightedLoss[],
  options: DistillOptions,
): Promise<TrainResult> {
  validateDistillOptions(options);
  const teachers = Array.isArray(teacherModels) ? (teacherModels as readonly TopicModel[]) : [teacherModels as TopicModel];
  if (teachers.length === 0) throw new ConfigError('distillation needs at least one teacher', 'teacher');
  const student = distillableModel(studentModel, 'student');
  const embeddings = Array.isArray(inputs.teacherEmbeddings) ? (inputs.teacherEmbeddings as readonly TrainInputs['embeddings'][]) : teachers.map(() => inputs.teacherEmbeddings as TrainInputs['embeddings']);
  if (embeddings.length !== teachers.length) throw new ConfigError(`${embeddings.length} teacher embedding matrices for ${teachers.length} teachers`, 'teacher');
  const primary = teachers.find((t) => isNeuralTopicModel(t));
  teachers.forEach((t, i) => checkTeacherFits(t, student, { student: inputs.student, teacherEmbeddings: embeddings[i] }, t === primary));
  if (losses.length === 0 && options.alpha > 0) throw new ConfigError('alpha > 0 but no distillation losses are configured', 'losses');
  const served = options.alpha > 0 ? supportedLosses(teachers, losses, options.onlySupportedLosses) : [...losses];
  const { alpha, temperature } = options;
  const kdEpochs = options.kdEpochs ?? Number.POSITIVE_INFINITY;
  const teacherRng = new Random(options.teacherSeed ?? (options.seed ?? 0) + 1);
  if (options.resume && alpha > 0) {
    // A resumed run continues the teacher's sampling where the interrupted one stopped:
    // one draw per distilled batch of every epoch already done.
    const draws = Math.min(options.resume.epoch, kdEpochs) * batchesPerEpoch(inputs.student.bow.rows, options) * teachers.filter((t) => isNeuralTopicModel(t)).length;
    for (let i = 0; i < draws; i++) teacherRng.seed();
  }
  const sources = teachers.map((t, i) => {
    const tInputs = { bow: inputs.student.bow, embeddings: embeddings[i] };
    return isNeuralTopicModel(t) ? neuralTeacher(t, tInputs, teacherRng) : wordTeacher(t, tInputs, options.seed ?? 0);
  });
  const K = student.config.numTopics;

  // The teachers' outputs for a batch depend only on their own (frozen) variables and the
  // documents: computed before the step's gradient tape, which then records only the
  // student. (The teachers' variables are never among the ones differentiated.)
  let teacherOut: ModelOutputs | null = null;
  const prepare = ({ rows, epoch }: { rows: Int32Array; epoch: number }) => {
    if (epoch >= kdEpochs || alpha === 0) {
      teacherOut = null;
      return;
    }
    const outs = sources.map((src) => src.outputs(rows));
    const main = outs[sources.findIndex((src) => src.hasPosterior)] ?? outs[0];
    const zeros = () => tf.zeros([rows.length, K]) as Tensor2D;
    if (outs.length === 1) {
      const o = outs[0];
      teacherOut = { mu: o.mu ?? zeros(), logvar: o.logvar ?? zeros(), theta: o.theta, wordLogits: o.wordLogits, ...(o.preBnWordLogits ? { preBnWordLogits: o.preBnWordLogits } : {}) };
      return;
    }
    // the mean of the softened word distributions, as logits whose softmax at T is that mean
    const mix = (logits: Tensor2D[]) =>
      tf.tidy(() => tf.mul(tf.log(tf.add(tf.div(tf.addN(logits.map((z) => tf.softmax(tf.div(z, temperature)))), logits.length), 1e-10)), temperature) as Tensor2D);
    const pre = outs.every((o) => o.preBnWordLogits) ? mix(outs.map((o) => o.preBnWordLogits!)) : undefined;
    teacherOut = { mu: main.mu ?? zeros(), logvar: main.logvar ?? zeros(), theta: main.theta, wordLogits: mix(outs.map((o) => o.wordLogits)), ...(pre ? { preBnWordLogits: pre } : {}) };
  };
  const stepLoss: StepLoss = Object.assign(
    ({ batch, outputs, prior, rows, kernels }: StepLossContext) => {
      const vae = vaeLoss(batch.bow, outputs, prior, kernels);
      if (!teacherOut) return vae;
      const ctx: DistillationContext = { temperature, bow: batch.bow };
      let kd: Tensor1D | null = null;
      for (const { loss, weight } of served) {
        if (weight === 0) continue;
        const value = runLoss(loss.name, () => loss.compute(teacherOut!, outputs, ctx), rows.length);
        const weighted = tf.mul(value, weight) as Tensor1D;
        kd = kd ? (tf.add(kd, weighted) as Tensor1D) : weighted;
      }
      if (!kd) return vae;
      return tf.add(tf.mul(vae, 1 - alpha), tf.mul(kd, alpha)) as Tensor1D;
    },
    { prepare, blame: (ctx: StepLossContext) => blamePlugin(served, teacherOut, ctx, temperature) },
  );
  try {
    return await trainModel(student, inputs.student, options, stepLoss);
  } finally {
    for (const src of sources) src.dispose?.();
  }
}

/** The teacher's posterior parameters for every document (inference mode), as N×K matrices. */
export function teacherPosteriors(teacher: NeuralTopicModel, inputs: TrainInputs, batchSize = 512): { mu: Float32Matrix; logvar: Float32Matrix } {
  const N = inputs.bow.rows;
  const K = teacher.config.numTopics;
  const mu = new Float32Array(N * K);
  const logvar = new Float32Array(N * K);
  for (let s = 0; s < N; s += batchSize) {
    const rows = Int32Array.from({ length: Math.min(batchSize, N - s) }, (_, i) => s + i);
    tf.tidy(() => {
      const p = teacher.posterior(makeBatch(inputs, rows));
      mu.set(p.mu.dataSync(), s * K);
      logvar.set(p.logvar.dataSync(), s * K);
    });
  }
  return { mu: { rows: N, cols: K, data: mu }, logvar: { rows: N, cols: K, data: logvar } };
}

/** Runs a loss plugin and checks its contract: shape [B], finite values. */
function runLoss(name: string, fn: () => Tensor1D, batchSize: number): Tensor1D {
  let value: Tensor1D;
  try {
    value = fn();
  } catch (e) {
    if (e instanceof TopicKDError) throw e;
    throw new TopicKDError('PLUGIN_FAILED', `distillation loss "${name}" threw: ${(e as Error).message}`, { cause: e });
  }
  if (!value || !Array.isArray(value.shape) || value.shape.length !== 1 || value.shape[0] !== batchSize) {
    throw new TopicKDError(
      'PLUGIN_FAILED',
      `distillation loss "${name}" returned shape ${JSON.stringify(value?.shape)}; a loss must return one value per document, shape [${batchSize}]`,
    );
  }
  // read back (B numbers; no kernels on the tape) rather than tf.all(tf.isFinite(...))
  if (!allFinite(value.dataSync())) {
    throw new TopicKDError('PLUGIN_FAILED', `distillation loss "${name}" returned NaN or Inf; check the plugin's math (add epsilons inside logs)`);
  }
  return value;
}

/**
 * The first plugin whose gradient with respect to the student's outputs is non-finite
 * (asked only after a step's gradient was found non-finite: one gradient per plugin).
 */
function blamePlugin(losses: readonly WeightedLoss[], teacherOut: ModelOutputs | null, ctx: StepLossContext, temperature: number): string | undefined {
  if (!teacherOut) return undefined;
  const { mu, logvar, theta, wordLogits, preBnWordLogits } = ctx.outputs;
  const xs = [mu, logvar, theta, wordLogits, ...(preBnWordLogits ? [preBnWordLogits] : [])];
  for (const { loss, weight } of losses) {
    if (weight === 0) continue;
    const bad = tf.tidy(() => {
      const { grads } = tf.engine().gradients(() => tf.sum(loss.compute(teacherOut!, { mu, logvar, theta, wordLogits, preBnWordLogits }, { temperature, bow: ctx.batch.bow })) as tf.Scalar, xs, undefined, true);
      return grads.some((g) => g !== undefined && !allFinite(g.dataSync()));
    });
    if (bad) return loss.name;
  }
  return undefined;
}
