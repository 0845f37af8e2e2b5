import { tf, type Tensor1D } from '../tfjs/tf.js';
import type { WeightedLoss } from '../container/plugin-registry.js';
import type { DistillationContext, ModelOutputs } from '../contracts/distillation-loss.js';
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
}

export interface DistillInputs {
  /** Student's inputs (BoW + the student encoder's embeddings). */
  student: TrainInputs;
  /** Teacher's embeddings of the same documents, row-aligned (the teacher may use another encoder). */
  teacherEmbeddings: TrainInputs['embeddings'];
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

/** Checks that a teacher can teach a student on these inputs (vocabulary, K, rows). */
export function checkTeacherFits(teacher: TopicModel, student: TopicModel, inputs: DistillInputs): void {
  if (teacher.config.vocabSize !== student.config.vocabSize || inputs.student.bow.cols !== teacher.config.vocabSize) {
    throw new DataError(
      `the teacher's vocabulary has ${teacher.config.vocabSize} words, the data ${inputs.student.bow.cols}: distill on the corpus (and vocabulary) the teacher was trained on`,
      'VOCABULARY_MISMATCH',
    );
  }
  if (teacher.config.numTopics !== student.config.numTopics) {
    throw new DataError(
      `the teacher has K = ${teacher.config.numTopics} topics, the student ${student.config.numTopics}: the W2 and soft-label losses compare topic by topic, so K must match`,
      'DIMENSION_MISMATCH',
    );
  }
  if (inputs.teacherEmbeddings.rows !== inputs.student.bow.rows) {
    throw new DataError(`${inputs.teacherEmbeddings.rows} teacher embedding rows for ${inputs.student.bow.rows} documents`, 'DIMENSION_MISMATCH');
  }
  if (inputs.teacherEmbeddings.cols !== teacher.config.embeddingDim) {
    throw new DataError(
      `teacher embeddings have ${inputs.teacherEmbeddings.cols} dimensions, the teacher was trained on ${teacher.config.embeddingDim}; use the teacher's encoder`,
      'DIMENSION_MISMATCH',
    );
  }
}

/**
 * Trains `student` with knowledge distillation from a frozen `teacher` (Adhya & Sanyal,
 * ECIR 2023). Per document:
 *
 *   loss = (1 − α)·(RL + KL) + α·Σᵢ wᵢ·lossᵢ(teacher, student)
 *
 * for the first `kdEpochs` epochs, then RL + KL. The teacher runs in inference mode
 * (running batch-norm statistics, no dropout, no gradients) on exactly the student's
 * batch; its outputs are constants of the student's step.
 */
/** The model as a neural topic model, or a typed error: only those can teach or be distilled into. */
export function distillableModel(m: TopicModel, role: 'teacher' | 'student'): NeuralTopicModel {
  if (isNeuralTopicModel(m)) return m;
  throw new ConfigError(
    `a "${m.kind}" model is trained by its own algorithm and has no posterior network; a ${role} of knowledge distillation must be a neural topic model (combined, zeroshot, prodlda, neurallda, etm)`,
    role,
  );
}

export async function distill(
  teacherModel: TopicModel,
  studentModel: TopicModel,
  inputs: DistillInputs,
  losses: readonly WeightedLoss[],
  options: DistillOptions,
): Promise<TrainResult> {
  validateDistillOptions(options);
  const teacher = distillableModel(teacherModel, 'teacher');
  const student = distillableModel(studentModel, 'student');
  checkTeacherFits(teacher, student, inputs);
  if (losses.length === 0 && options.alpha > 0) throw new ConfigError('alpha > 0 but no distillation losses are configured', 'losses');
  const { alpha, temperature } = options;
  const kdEpochs = options.kdEpochs ?? Number.POSITIVE_INFINITY;
  const teacherRng = new Random(options.teacherSeed ?? (options.seed ?? 0) + 1);
  if (options.resume && alpha > 0) {
    // A resumed run continues the teacher's sampling where the interrupted one stopped:
    // one draw per distilled batch of every epoch already done.
    const draws = Math.min(options.resume.epoch, kdEpochs) * batchesPerEpoch(inputs.student.bow.rows, options);
    for (let i = 0; i < draws; i++) teacherRng.seed();
  }
  // The teacher's posterior (μ, log σ²) in inference mode is a fixed function of each
  // document: computed once for the whole corpus instead of once per batch and epoch.
  const teacherPost = teacherPosteriors(teacher, { bow: inputs.student.bow, embeddings: inputs.teacherEmbeddings });
  const K = teacher.config.numTopics;

  // The teacher's outputs for a batch depend only on its own (frozen) variables and the
  // documents: computed before the step's gradient tape, which then records only the
  // student. (The teacher's variables are never among the ones differentiated.)
  let teacherOut: ModelOutputs | null = null;
  const prepare = ({ rows, epoch }: { rows: Int32Array; epoch: number }) => {
    teacherOut =
      epoch >= kdEpochs || alpha === 0
        ? null
        : teacher.sampleAndDecodeEval(
            tf.tensor2d(gatherRows(teacherPost.mu, rows), [rows.length, K]),
            tf.tensor2d(gatherRows(teacherPost.logvar, rows), [rows.length, K]),
            teacherRng,
          );
  };
  const stepLoss: StepLoss = Object.assign(
    ({ batch, outputs, prior, rows, kernels }: StepLossContext) => {
      const vae = vaeLoss(batch.bow, outputs, prior, kernels);
      if (!teacherOut) return vae;
      const ctx: DistillationContext = { temperature, bow: batch.bow };
      let kd: Tensor1D | null = null;
      for (const { loss, weight } of losses) {
        if (weight === 0) continue;
        const value = runLoss(loss.name, () => loss.compute(teacherOut!, outputs, ctx), rows.length);
        const weighted = tf.mul(value, weight) as Tensor1D;
        kd = kd ? (tf.add(kd, weighted) as Tensor1D) : weighted;
      }
      if (!kd) return vae;
      return tf.add(tf.mul(vae, 1 - alpha), tf.mul(kd, alpha)) as Tensor1D;
    },
    { prepare, blame: (ctx: StepLossContext) => blamePlugin(losses, teacherOut, ctx, temperature) },
  );
  return trainModel(student, inputs.student, options, stepLoss);
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
