import { tf, type Tensor1D } from '../tfjs/tf.js';
import type { CsrMatrix } from '../data/csr-matrix.js';
import { AbortError, ConfigError, DataError, NonFiniteLossError, TopicKDError } from '../errors.js';
import { isNeuralTopicModel, isSelfTrainedTopicModel, type Batch, type FitReport, type GaussianPrior, type NeuralTopicModel, type SelfTrainedTopicModel, type TopicModel, type TrainForward } from '../contracts/topic-model.js';
import { PORTABLE_KERNELS, type BackendKernels } from '../contracts/backend.js';
import { vaeLoss } from '../model/fused-ops.js';
import { allFinite, gatherRows, type EmbeddingRows, type Float32Matrix } from '../util/matrix.js';
import { checkSeed, Random } from '../util/random.js';
import { yieldToEventLoop } from '../util/event-loop.js';
import { AdamOptimizer, type AdamState } from './adam.js';
import { snapshotModel, restoreModel, type ModelSnapshot } from './snapshot.js';
import { checkSeedTopics, initSeedTopics, noTopicWordParameter, seedTopicsGradient, seedTopicsLoss, topicWordParameter, type SeedTopics } from './seed-topics.js';

/** One event interface for everything long: the CLI renders it, tests count it. */
export type TrainEvent =
  | { type: 'start'; epochs: number; batches: number; documents: number }
  | { type: 'batch'; epoch: number; batch: number; batches: number; loss: number }
  | {
      type: 'epoch';
      epoch: number;
      epochs: number;
      /** Mean training loss per document in this epoch. */
      loss: number;
      valLoss?: number;
      seconds: number;
      docsPerSecond: number;
    }
  | { type: 'early-stop'; epoch: number; bestEpoch: number }
  | { type: 'checkpoint'; epoch: number };

export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  /** Seeds shuffling, dropout and sampling; same seed + backend ⇒ same weights. */
  seed?: number;
  /** Fraction of documents held out for validation and early stopping (default 0: off). */
  validationFraction?: number;
  /** Epochs without validation improvement before stopping (default 5). */
  patience?: number;
  onEvent?: (event: TrainEvent) => void;
  signal?: AbortSignal;
  /** Called every `checkpointEvery` epochs with the complete training state. */
  checkpointEvery?: number;
  onCheckpoint?: (state: TrainerState) => void | Promise<void>;
  /** Continue from a saved state (same data, same options). */
  resume?: TrainerState;
  /** How steps get their gradients (default `manual`; `tape` is tfjs's autodiff of everything). */
  gradients?: GradientMode;
  /**
   * The active backend's kernel set (`(await backend.activate()).kernels`; the application
   * API passes it). Default: portable tfjs ops, correct everywhere, without native fast paths.
   */
  kernels?: BackendKernels;
  /**
   * Seeded topics: the first topics steered towards their seed words (a cross-entropy of each
   * seeded topic's word distribution against its seeds, weight `strength` per document).
   */
  seedTopics?: SeedTopics;
}

export interface TrainInputs {
  bow: CsrMatrix;
  embeddings: EmbeddingRows;
}

/** How a training run went (`finalLoss`: mean training loss per document in the last epoch). */
export type TrainResult = FitReport;

/** Everything needed to continue training exactly where it stopped. */
export interface TrainerState {
  epoch: number;
  rngState: number;
  model: ModelSnapshot;
  optimizer: AdamState;
  lossHistory: number[];
  valHistory: number[];
  best?: { epoch: number; valLoss: number; model: ModelSnapshot };
  seconds: number;
}

/**
 * How a training step gets its gradients: `manual` (default) differentiates the loss
 * with tfjs from the model's outputs and runs the model's backward pass; `tape`
 * differentiates the same forward pass with tfjs's tape, with portable kernels (the
 * reference the tests compare with).
 */
export type GradientMode = 'manual' | 'tape';

/**
 * What a step loss sees: the batch, the model's outputs and its prior — never the model,
 * so every tensor a loss reads is one that gets a gradient.
 */
export interface StepLossContext {
  batch: Batch;
  outputs: TrainForward;
  prior: GaussianPrior;
  rows: Int32Array;
  epoch: number;
  rng: Random;
  kernels: BackendKernels;
}

/** The per-document loss of a training step; the default is the VAE loss (RL + KL). */
export type StepLoss = ((ctx: StepLossContext) => Tensor1D) & {
  /**
   * Optional: computes what the loss needs that does not depend on the trained model
   * (a frozen teacher's outputs), before the step's gradient tape starts, so the tape
   * does not record it. Its tensors live until the end of the step.
   */
  prepare?: (ctx: { batch: Batch; rows: Int32Array; epoch: number }) => void;
  /**
   * Optional: called only when a step's gradient is non-finite, to name the part of the loss
   * responsible (a plugin's name) in the error; undefined when none can be singled out.
   */
  blame?: (ctx: StepLossContext) => string | undefined;
};

/** The step's gradient with respect to the model's outputs is NaN or ±Inf: training stops before the update. */
export class NonFiniteGradientError extends TopicKDError {
  constructor(what: string, culprit?: string) {
    super(
      culprit ? 'PLUGIN_FAILED' : 'NON_FINITE',
      culprit
        ? `distillation loss "${culprit}" has a non-finite gradient with respect to the student's ${what}; training stopped before the update — check the plugin's math (epsilons inside logs and square roots)`
        : `the loss's gradient with respect to the model's ${what} is non-finite; training stopped before the update — lower the learning rate or check the embeddings for NaN/Inf`,
    );
    this.name = 'NonFiniteGradientError';
  }
}

export const vaeStepLoss: StepLoss = ({ batch, outputs, prior, kernels }) => vaeLoss(batch.bow, outputs, prior, kernels);

export const DEFAULT_TRAIN = {
  epochs: 100,
  batchSize: 64,
  learningRate: 2e-3,
  beta1: 0.99,
  beta2: 0.99,
  seed: 0,
  validationFraction: 0,
  patience: 5,
} as const;

function checkOptions(o: Required<Pick<TrainOptions, 'epochs' | 'batchSize' | 'learningRate' | 'validationFraction' | 'patience'>> & { seed?: number }): void {
  if (!Number.isInteger(o.epochs) || o.epochs <= 0) throw new ConfigError(`"epochs" must be a positive integer, got ${o.epochs}`, 'epochs');
  if (!Number.isInteger(o.batchSize) || o.batchSize <= 0) throw new ConfigError(`"batchSize" must be a positive integer, got ${o.batchSize}`, 'batchSize');
  if (!(o.learningRate > 0)) throw new ConfigError(`"learningRate" must be > 0, got ${o.learningRate}`, 'learningRate');
  if (!(o.validationFraction >= 0 && o.validationFraction < 1)) {
    throw new ConfigError(`"validationFraction" must be in [0, 1), got ${o.validationFraction}`, 'validationFraction');
  }
  if (!Number.isInteger(o.patience) || o.patience <= 0) throw new ConfigError(`"patience" must be a positive integer, got ${o.patience}`, 'patience');
  if (o.seed !== undefined) checkSeed(o.seed);
}

/** Documents to train on, over the model's vocabulary. */
function checkBagOfWords(model: TopicModel, bow: CsrMatrix): void {
  if (bow.rows === 0) throw new DataError('no documents to train on', 'EMPTY_CORPUS');
  if (bow.cols !== model.config.vocabSize) {
    throw new DataError(`the bag of words has ${bow.cols} columns but the model's vocabulary has ${model.config.vocabSize} words`, 'VOCABULARY_MISMATCH');
  }
}

export function checkInputs(model: TopicModel, inputs: TrainInputs): void {
  const { bow, embeddings } = inputs;
  checkBagOfWords(model, bow);
  if (embeddings.rows !== bow.rows) {
    throw new DataError(`${embeddings.rows} embedding rows for ${bow.rows} documents; embed exactly the documents you train on`, 'DIMENSION_MISMATCH');
  }
  if (embeddings.cols !== model.config.embeddingDim) {
    throw new DataError(`embeddings have ${embeddings.cols} dimensions but the model expects ${model.config.embeddingDim}`, 'DIMENSION_MISMATCH');
  }
}

/** Densifies rows of the inputs into a batch (caller disposes / tidies). */
export function makeBatch(inputs: TrainInputs, rows: ArrayLike<number>): Batch {
  const B = rows.length;
  const bow = tf.tensor2d(inputs.bow.denseRows(rows), [B, inputs.bow.cols]);
  const embeddings = tf.tensor2d(gatherRows(inputs.embeddings, rows), [B, inputs.embeddings.cols]);
  return { bow, embeddings };
}

/** Training batches per epoch for `n` documents under these options (after the validation split). */
export function batchesPerEpoch(n: number, options: Pick<TrainOptions, 'batchSize' | 'validationFraction'>): number {
  const fraction = options.validationFraction ?? DEFAULT_TRAIN.validationFraction;
  const nVal = fraction > 0 ? Math.max(1, Math.round(n * fraction)) : 0;
  return Math.ceil((n - nVal) / (options.batchSize ?? DEFAULT_TRAIN.batchSize));
}

export function splitValidation(n: number, fraction: number, rng: Random): { train: Int32Array; val: Int32Array } {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (fraction <= 0) return { train: all, val: new Int32Array(0) };
  rng.shuffle(all);
  const nVal = Math.max(1, Math.round(n * fraction));
  if (nVal >= n) {
    throw new ConfigError(
      `a validation fraction of ${fraction} holds out all ${n} document${n === 1 ? '' : 's'} and leaves none to train on; lower "validationFraction" (--validation-fraction) or add documents`,
      'validationFraction',
    );
  }
  return { train: all.slice(nVal).sort(), val: all.slice(0, nVal).sort() };
}

/** Mean per-document VAE loss in inference mode (used for validation). */
export function evaluateLoss(model: NeuralTopicModel, inputs: TrainInputs, rows: Int32Array, batchSize: number, seed: number, kernels: BackendKernels = PORTABLE_KERNELS): number {
  const rng = new Random(seed);
  let total = 0;
  for (let s = 0; s < rows.length; s += batchSize) {
    const idx = rows.subarray(s, Math.min(rows.length, s + batchSize));
    total += tf.tidy(() => {
      const batch = makeBatch(inputs, idx);
      const out = model.forwardEval(batch, rng);
      return tf.sum(vaeLoss(batch.bow, out, model.prior(), kernels)).dataSync()[0];
    });
  }
  return total / rows.length;
}

/**
 * Trains `model` with Adam on mini-batches (seeded shuffling). The step loss defaults to
 * the VAE loss; distillation passes its own. Training is checked for non-finite losses
 * before each update, so the weights are never overwritten by NaN.
 */
export async function trainModel(
  model: TopicModel,
  inputs: TrainInputs,
  options: TrainOptions = {},
  stepLoss: StepLoss = vaeStepLoss,
): Promise<TrainResult> {
  const o = { ...DEFAULT_TRAIN, ...stripUndefined(options) };
  checkOptions(o);
  if (isSelfTrainedTopicModel(model)) {
    if (options.seedTopics) throw noTopicWordParameter(model.kind);
    if (stepLoss !== vaeStepLoss) throw new ConfigError(`a "${model.kind}" model is trained by its own algorithm, not by gradients: it cannot be distilled into; choose a neural student (zeroshot, combined, prodlda, ...)`, 'model');
    return fitSelfTrained(model, inputs, options);
  }
  if (!isNeuralTopicModel(model)) throw new ConfigError(`the "${model.kind}" model is neither trained by gradients (forwardTrain/backward) nor by its own fit(); its plugin does not implement the TopicModel contract`, 'model');
  checkInputs(model, inputs);
  if (options.seedTopics) {
    const beta = topicWordParameter(model);
    checkSeedTopics(options.seedTopics, model.numTopics, model.config.vocabSize);
    if (!options.resume) initSeedTopics(beta, options.seedTopics);
  }
  const vars = model.trainableVariables();
  const kernels = options.kernels ?? PORTABLE_KERNELS;
  const optimizer = new AdamOptimizer(vars, { learningRate: o.learningRate, beta1: o.beta1, beta2: o.beta2 }, kernels);
  const splitRng = new Random(o.seed ^ 0x5eed);
  const { train, val } = splitValidation(inputs.bow.rows, o.validationFraction, splitRng);
  const batches = Math.ceil(train.length / o.batchSize);

  let rng = new Random(o.seed);
  let startEpoch = 0;
  let lossHistory: number[] = [];
  let valHistory: number[] = [];
  let best: TrainerState['best'];
  let seconds = 0;
  if (options.resume) {
    const st = options.resume;
    restoreModel(model, st.model);
    optimizer.setState(st.optimizer);
    rng = Random.fromState(st.rngState);
    startEpoch = st.epoch;
    lossHistory = [...st.lossHistory];
    valHistory = [...st.valHistory];
    best = st.best;
    seconds = st.seconds;
  }

  options.onEvent?.({ type: 'start', epochs: o.epochs, batches, documents: train.length });
  const order = Int32Array.from(train);
  let lastEpochDocsPerSecond = 0;
  let stoppedEarly = false;
  let lastYield = performance.now();
  try {
    for (let epoch = startEpoch; epoch < o.epochs; epoch++) {
      const t0 = performance.now();
      // Reset to the sorted order before shuffling, so a resumed run shuffles identically.
      order.set(train);
      rng.shuffle(order);
      let epochLoss = 0;
      for (let b = 0; b < batches; b++) {
        if (options.signal?.aborted) throw new AbortError('training');
        const rows = order.subarray(b * o.batchSize, Math.min(order.length, (b + 1) * o.batchSize));
        const batchLoss = trainStep(model, optimizer, inputs, rows, epoch, rng, stepLoss, o.gradients ?? 'manual', kernels, options.seedTopics);
        if (!Number.isFinite(batchLoss)) throw new NonFiniteLossError(epoch + 1, b + 1, `loss ${batchLoss}`);
        epochLoss += batchLoss;
        options.onEvent?.({ type: 'batch', epoch: epoch + 1, batch: b + 1, batches, loss: batchLoss / rows.length });
        // let timers, signals (SIGINT/SIGTERM) and aborts in at least every 50 ms, whatever the epoch's size
        if (performance.now() - lastYield > 50) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      const meanLoss = epochLoss / train.length;
      lossHistory.push(meanLoss);
      let valLoss: number | undefined;
      if (val.length > 0) {
        valLoss = evaluateLoss(model, inputs, val, o.batchSize, o.seed + epoch + 1, kernels);
        valHistory.push(valLoss);
        if (!best || valLoss < best.valLoss) best = { epoch: epoch + 1, valLoss, model: snapshotModel(model) };
      }
      const dt = (performance.now() - t0) / 1000;
      seconds += dt;
      lastEpochDocsPerSecond = train.length / dt;
      options.onEvent?.({ type: 'epoch', epoch: epoch + 1, epochs: o.epochs, loss: meanLoss, valLoss, seconds: dt, docsPerSecond: lastEpochDocsPerSecond });
      const done = epoch + 1;
      if (options.onCheckpoint && options.checkpointEvery && done % options.checkpointEvery === 0 && done < o.epochs) {
        await options.onCheckpoint({
          epoch: done,
          rngState: rng.state,
          model: snapshotModel(model),
          optimizer: optimizer.getState(),
          lossHistory: [...lossHistory],
          valHistory: [...valHistory],
          best,
          seconds,
        });
        options.onEvent?.({ type: 'checkpoint', epoch: done });
      }
      if (best && done - best.epoch >= o.patience) {
        options.onEvent?.({ type: 'early-stop', epoch: done, bestEpoch: best.epoch });
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    // frees optimizer state a backend may hold (the wasm heap), also when training stops on an error
    optimizer.dispose();
  }
  if (best) restoreModel(model, best.model);
  return {
    epochs: lossHistory.length,
    finalLoss: lossHistory[lossHistory.length - 1],
    lossHistory,
    valHistory,
    bestEpoch: best?.epoch,
    seconds,
    docsPerSecond: lastEpochDocsPerSecond,
  };
}

/**
 * Training of a model with its own algorithm (LDA, BERTopic): the same input checks and
 * events as the gradient trainer; the gradient options (learning rate, batch size, epochs,
 * validation, checkpoints) do not apply — the model's own settings (`config.options`) do.
 */
async function fitSelfTrained(model: SelfTrainedTopicModel, inputs: TrainInputs, options: TrainOptions): Promise<TrainResult> {
  if (options.resume || options.onCheckpoint) throw new ConfigError(`a "${model.kind}" model trains by its own algorithm and has no checkpoints to resume from; run it without --resume/--checkpoint-every`, 'resume');
  const { bow, embeddings } = inputs;
  checkBagOfWords(model, bow);
  if (embeddings.cols > 0 && embeddings.rows !== bow.rows) {
    throw new DataError(`${embeddings.rows} embedding rows for ${bow.rows} documents; embed exactly the documents you train on`, 'DIMENSION_MISMATCH');
  }
  let started = false;
  const onEvent = options.onEvent;
  return model.fit(inputs, {
    seed: options.seed ?? DEFAULT_TRAIN.seed,
    signal: options.signal,
    onEvent: onEvent
      ? (e) => {
          if (!started) onEvent({ type: 'start', epochs: e.epochs, batches: 1, documents: bow.rows });
          started = true;
          onEvent(e);
        }
      : undefined,
  });
}

/** One optimisation step; returns the summed loss of the batch (NaN if non-finite, weights untouched). */
export function trainStep(
  model: NeuralTopicModel,
  optimizer: AdamOptimizer,
  inputs: TrainInputs,
  rows: Int32Array,
  epoch: number,
  rng: Random,
  stepLoss: StepLoss,
  gradients: GradientMode = 'manual',
  kernels: BackendKernels = PORTABLE_KERNELS,
  seedTopics?: SeedTopics,
): number {
  let stats: TrainForward['bnStats'] = [];
  const keepStats = (forward: TrainForward) => (stats = forward.bnStats.map((s) => ({ name: s.name, mean: tf.keep(s.mean), variance: tf.keep(s.variance) })));
  const prior = model.prior();
  const priors = [prior.mean, prior.variance].filter((v): v is tf.Variable => (v as tf.Variable).trainable === true);
  const batchLoss = tf.tidy(() => {
    const batch = makeBatch(inputs, rows);
    stepLoss.prepare?.({ batch, rows, epoch });
    let loss: number;
    let grads: Record<string, tf.Tensor>;
    if (gradients === 'manual') {
      // tfjs differentiates only the loss, from the model's outputs and prior; the model's
      // backward pass carries those gradients through the network.
      const { forward, cache } = model.forwardTrain(batch, rng, kernels);
      keepStats(forward);
      // the logits before the decoder's batch norm are an output too where the decoder has them
      const pre = forward.preBnWordLogits ? [forward.preBnWordLogits] : [];
      const xs: tf.Tensor[] = [forward.mu, forward.logvar, forward.theta, forward.wordLogits, ...priors, ...pre];
      const res = tf.engine().gradients(() => tf.sum(stepLoss({ batch, outputs: forward, prior, rows, epoch, rng, kernels })) as tf.Scalar, xs, undefined, true);
      loss = res.value.dataSync()[0];
      if (!Number.isFinite(loss)) return loss;
      const [gMu, gLv, gTheta, gLogits, ...gRest] = res.grads as (tf.Tensor2D | undefined)[];
      const gPriors = gRest.slice(0, priors.length);
      const gPreBn = pre.length ? gRest[priors.length] : undefined;
      // A non-finite gradient stops the step before any weight changes, naming who caused it.
      // One scalar on the common path: a sum is finite only if every term is (NaN and ±Inf propagate).
      const outputGrads = [gMu, gLv, gTheta, gLogits, gPreBn];
      const present = outputGrads.filter((g): g is tf.Tensor2D => g !== undefined);
      if (present.length && !Number.isFinite(tf.addN(present.map((g) => tf.sum(g))).dataSync()[0])) {
        const bad = (['mu', 'logvar', 'theta', 'wordLogits', 'preBnWordLogits'] as const).find((_, i) => outputGrads[i] && !allFinite(outputGrads[i]!.dataSync())) ?? 'outputs';
        throw new NonFiniteGradientError(bad, stepLoss.blame?.({ batch, outputs: forward, prior, rows, epoch, rng, kernels }));
      }
      grads = model.backward(cache, { mu: gMu, logvar: gLv, theta: gTheta, wordLogits: gLogits, ...(gPreBn ? { preBnWordLogits: gPreBn } : {}) }, kernels);
      priors.forEach((v, i) => (grads[v.name] = gPriors[i] ?? tf.zerosLike(v)));
      if (seedTopics) {
        // the seed term reads β alone: its gradient in closed form, added to the network's
        const beta = topicWordParameter(model);
        const seed = seedTopicsGradient(beta, seedTopics, rows.length);
        loss += seed.value.dataSync()[0];
        grads[beta.name] = grads[beta.name] ? tf.add(grads[beta.name], seed.grad) : seed.grad;
      }
    } else {
      const res = tf.variableGrads(() => {
        const { forward } = model.forwardTrain(batch, rng, PORTABLE_KERNELS);
        keepStats(forward);
        const loss = tf.sum(stepLoss({ batch, outputs: forward, prior, rows, epoch, rng, kernels: PORTABLE_KERNELS })) as tf.Scalar;
        return seedTopics ? (tf.add(loss, seedTopicsLoss(topicWordParameter(model), seedTopics, rows.length)) as tf.Scalar) : loss;
      }, model.trainableVariables());
      loss = res.value.dataSync()[0];
      grads = res.grads;
    }
    if (Number.isFinite(loss)) optimizer.apply(grads);
    return loss;
  });
  if (Number.isFinite(batchLoss)) model.updateRunningStats(stats, rows.length);
  for (const s of stats) {
    s.mean.dispose();
    s.variance.dispose();
  }
  return batchLoss;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
