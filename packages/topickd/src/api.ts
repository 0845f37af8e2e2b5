import { isAbsolute, join, resolve } from 'node:path';
import { tune, type TuneResults } from './app/tune/tune.js';
import { parseTopicsRange, searchTopics, type TopicsSearchResults } from './app/tune/topics-search.js';
import { binDocuments, topicsOverTimeOf, type TimeBins, type TopicsOverTime } from './app/report/topics-over-time.js';
import { updateModel } from './app/run/update.js';
import { readTrainingTheta, reduceTopics } from './app/run/reduce.js';
import { modelLabels } from './app/report/model-labels.js';
import {
  ALL_METRICS,
  checkSeed,
  DISTILL_EPOCHS,
  ConfigError,
  ReferenceCorpus,
  type DistillRecipeName,
  evaluateTopics,
  type ActiveBackend,
  type TopicModel,
  type ModelOptions,
  encoderType,
  type Corpus,
  type EncoderReference,
  type EncoderSpec,
  type Logger,
  type LossSpec,
  type PluginConfig,
  type MetricName,
  type MetricResult,
  type PluginRegistry,
  type PreprocessingRecord,
  serializeModel,
  preprocessingRecord,
  type ModelLineage,
  type SavedModel,
  toRowArrays,
  type CsrMatrix,
  type Float32Matrix,
} from '@topickd/core';
import { loadCorpus, saveModel } from '@topickd/core/node';
import { TopicModelView } from './model-view.js';
import { instanceGate } from './instance-gate.js';
import { embedWithCache } from '@topickd/encoders';
import { runDistillation, vocabularyTeacher } from './app/run/distillation-run.js';
import { runFit, trainingRunOf, type TrainingRun } from './app/run/fit-run.js';
import { runInfer, type InferOutcome, type ThetaBlock } from './app/run/infer-run.js';
import { writeBundle, type BundleRecord } from './app/run/export-bundle.js';
import { thetaOfCorpus } from './app/run/corpus-theta.js';
import { runEmbed, type EmbedOutcome } from './app/run/embed-run.js';
import { runReport, type ReportOutcome, type ReportRequest } from './app/report/report-run.js';
import { distillStaticEncoder, type DistillEncoderOptions, type DistilledEncoder } from './app/encoder/distill-encoder.js';
import { evaluateTopicsOf, type EvaluationResult, type TopicsEvaluation, type TopicsSource } from './app/run/evaluate-topics.js';
import { INFER_BATCH } from './app/queue/distributed.js';
import { checkpointHooks, fingerprintedOptions, readResume } from './app/run/checkpointing.js';
import { copyModel, embeddingCacheVariant, trainingThetaOf, writeTrainingTheta, type TrainingTheta, encoderSpecOfModel, claimOutputDir, createRuntime, datasetForModel, datasetNameOf, embeddingsDigest, isBundledDataset, trainingRecord, encoderSpecOf, loadDataset, loadDatasetForModel, loadModelWith, resolveDataPath, runFingerprint, type Runtime } from './app/run/pipeline.js';
import { runExperiment } from './app/experiment/experiment.js';
import { runExperimentOnQueue } from './app/queue/experiment-queue.js';
import { queueModule } from './app/queue/queue-module.js';
import { hyperFor, type ExperimentOptions, type ExperimentResults } from './app/experiment/experiment-results.js';
import { Progress, type ProgressEvent } from './app/run/progress.js';
import { environmentConfig, validateRunConfig, type ModelArchitecture, type RunConfig } from './app/run/run-config.js';
import type { SeedTopicsRecord } from './app/run/seed-topics.js';

/** Documents: strings, `{ text }` records, a loaded corpus, or a path (a file, an OCTIS folder, `m10`, `20ng`). */
export type Texts = readonly string[] | readonly { text: string }[] | Corpus | string;

/**
 * A run's configuration: the keys of a config file that pick plugins (`backend`, `fallback`,
 * `encoder`, `losses`, `plugins`, `backendOptions`; see PluginConfig) and where things go.
 */
export interface TopicKDConfig extends PluginConfig {
  /** Threads for embedding, training and θ (default: the environment's TOPICKD_THREADS; see the next two). */
  threads?: number;
  /** Worker threads for embedding (default: `threads`, else all cores). */
  embeddingThreads?: number;
  /** Threads the training backend computes on (default: `threads`, else 1). */
  trainingThreads?: number;
  /** Run the use encoder with quantized weights: `int8` or `float16` (default float32); models record it. */
  quantize?: 'int8' | 'float16';
  /** Embedding cache folder (default `.topickd-cache`, relative to `baseDir`). */
  cacheDir?: string;
  /** Folder relative paths resolve against (default: the working directory). */
  baseDir?: string;
  /** `fit` on a path: `.txt`/`.jsonl` files larger than this many MiB are streamed from disk (default: the smaller of 64 and the read limit; the environment's TOPICKD_STREAM_MB). */
  streamMb?: number;
  /** Seconds a plugin's module may take to load (default 60; the environment's TOPICKD_PLUGIN_TIMEOUT_S). */
  pluginTimeout?: number;
  logger?: Logger;
  /** Draw progress on stderr as the command line does (a bar on a terminal, a line per epoch otherwise); default false. */
  showProgress?: boolean;
  /** Progress of embedding and training. */
  onProgress?: (event: ProgressEvent) => void;
  /** Cancels training between batches. */
  signal?: AbortSignal;
}

export interface FitOptions {
  /** Model kind: `combined` (default), `zeroshot`, or one a plugin registers (`lda`, `prodlda`, `neurallda`, `etm`, `bertopic`). */
  model?: string;
  /** The kind's own settings (LDA's `passes`, BERTopic's `clustering`, ...), saved with the model. */
  modelOptions?: ModelOptions;
  topics: number;
  hidden?: number[];
  epochs?: number;
  seed?: number;
  batchSize?: number;
  learningRate?: number;
  dropout?: number;
  validationFraction?: number;
  patience?: number;
  /**
   * Seeded topics: topic k is steered towards the k-th list of words (its top words start on
   * them and a cross-entropy term keeps them there), as `--seed-topics`; recorded in `training`.
   */
  seedTopics?: string[][] | string;
  /** The weight of the seed term per document (default 0.3). */
  seedStrength?: number;
  /** Preprocessing of raw text (defaults: 2,000 words, minDf 1, maxDf 1). */
  vocabularySize?: number;
  minDf?: number;
  maxDf?: number;
  /** JSONL corpora: the field holding the text (default "text"). */
  textField?: string;
  /** Samples of z averaged per document for θ of the training documents (what `save` writes as theta.npy; default 20). */
  samples?: number;
  /** Write a resumable checkpoint (model + optimizer + RNG) into `checkpoint.dir` every `checkpoint.every` epochs, as `--checkpoint-every` (the CLI writes it into --out). */
  checkpoint?: { dir: string; every: number };
  /** Continue from a checkpoint (its folder or checkpoint.tkdc file) with the same data and options, as `--resume`; a checkpoint of another run is refused, naming what differs. */
  resume?: string;
}

export interface DistillOptions extends Omit<FitOptions, 'topics' | 'vocabularySize' | 'minDf' | 'maxDf'> {
  /** K (default: the teacher's). */
  topics?: number;
  /** Epochs of the student's training (default 30, DISTILL_EPOCHS; `fit` defaults to 100). */
  epochs?: number;
  /** Weight of the distillation terms, in [0, 1] (default: from `recipe`; auto: n̄ / (n̄ + 7.5), n̄ the mean tokens per document). */
  alpha?: number;
  /** Softmax temperature of the soft labels (default: from `recipe`; auto: 4). */
  temperature?: number;
  /** How α and T not given are chosen: `auto` (default) or `paper` (the paper's table for M10 and 20NG). */
  recipe?: DistillRecipeName;
  losses?: LossSpec[];
  /** Distil for the first `kdEpochs` epochs, then the VAE loss alone (default: from the recipe — auto: the first half; paper, or both α and T given: all). */
  kdEpochs?: number;
  /** The teachers' encoder when it differs from the one they saved (e.g. `precomputed:FILE.npy`). */
  teacherEncoder?: string;
}

export interface ExperimentRequest extends Pick<FitOptions, 'batchSize' | 'learningRate' | 'dropout' | 'validationFraction' | 'patience' | 'vocabularySize' | 'minDf' | 'maxDf' | 'textField'> {
  /** `m10`, `20ng` or a corpus path. */
  dataset: string;
  topics?: number[];
  seeds?: number[];
  /** Folder for results.json, results.md, report.html and the models (default `runs/<dataset>`). */
  out?: string;
  /** Epochs of every model of the grid (default 30, DISTILL_EPOCHS: the budget the default recipe is validated at). */
  epochs?: number;
  /** α and T for every K (default: from `recipe`). */
  alpha?: number;
  temperature?: number;
  /** How α and T not given are chosen: `auto` (default: T 4, α from the mean document length) or `paper` (the paper's table). */
  recipe?: DistillRecipeName;
  /** Distil for the first N epochs, then the VAE loss alone (default: from the recipe). */
  kdEpochs?: number;
  /** Distillation losses (default: w2 and ce, those the teacher serves). */
  losses?: LossSpec[];
  /** Train the teacher once per K (default, with `teacherSeed`) or once per K and seed. */
  teacherPer?: 'K' | 'seed';
  /** With `teacherPer: 'K'`: the seed of the shared teacher (default: the first seed); lets a later run add seeds to an earlier grid. */
  teacherSeed?: number;
  /** The teacher's encoder (default: the instance's). */
  teacherEncoder?: string;
  /** Each model kind's own settings, by kind (e.g. `{ lda: { passes: 20 } }` for an `lda` baseline). */
  modelOptions?: Record<string, ModelOptions>;
  /** redis://HOST:PORT: run the grid as a flow of jobs (a teacher per K, then a job per K and seed) that `topickd worker` processes run; `out`, the data and the cache must be in a folder every worker shares. */
  queue?: string;
  /** With `queue`: seconds to ride out a Redis outage before giving up (default 300; 0: for ever). */
  queueTimeout?: number;
  teacher?: ModelArchitecture;
  student?: ModelArchitecture;
  /** Baseline model kinds trained beside the student per K and seed (e.g. `['prodlda']`): `role: "baseline"` rows and comparisons. */
  baselines?: string[];
  /** Save a model folder per run (default true). */
  saveModels?: boolean;
  /**
   * Tune α and T per K on its teacher before the grid (`topickd tune`'s successive halving):
   * `true` for the defaults (α in 0.1–0.9, T in 1–5, 9 candidates, seeds 0 and 1), or settings.
   */
  tune?: boolean | { alpha?: [number, number]; temperature?: [number, number]; trials?: number; seeds?: number[] };
}

export interface TuneApiRequest {
  /** `m10`, `20ng` or a corpus path: the teacher's training corpus. */
  data: string;
  /** The teacher: a trained model or its folder. */
  teacher: string | TrainedTopicModel;
  /** Folder for tune.json and report.html (default `runs/tune`). */
  out?: string;
  alpha?: [number, number];
  temperature?: [number, number];
  /** Candidates of the first rung (default 9). */
  trials?: number;
  /** Seeds each candidate trains with (default [0, 1]). */
  seeds?: number[];
  /** Epochs of a full training, the last rung's (default 30, DISTILL_EPOCHS: a distilled student's). */
  epochs?: number;
  student?: ModelArchitecture;
  /** Trainings at once in worker threads (default 1). */
  jobs?: number;
  /** redis://HOST:PORT: trainings as jobs for `topickd worker` processes. */
  queue?: string;
  /** Also train the student alone and with the default α, T (default true). */
  reference?: boolean;
  /** Seed of the candidate points (default 0). */
  searchSeed?: number;
  /** With `queue`: seconds to ride out a Redis outage before giving up (default 300; 0: for ever). */
  queueTimeout?: number;
  /** JSONL corpora: the field holding the text (default "text"). */
  textField?: string;
}

/** Choosing K (`tkd.tune({ data, topics })`, as `topickd tune --topics`): no teacher. */
export interface TopicsTuneRequest {
  /** `m10`, `20ng` or a corpus path. */
  data: string;
  /** The values of K to compare (at least two). */
  topics: number[];
  /** The model kind whose K is chosen (default `combined`). */
  model?: string;
  hidden?: number[];
  /** Seeds each K trains with (default [0, 1]). */
  seeds?: number[];
  /** Epochs of each training (default 100). */
  epochs?: number;
  /** Folder for tune.json and report.html (default `runs/tune-k`). */
  out?: string;
  /** JSONL corpora: the field holding the text (default "text"). */
  textField?: string;
}

export type { EvaluationResult };

/** A trained (or loaded) topic model with everything needed to use it on new text. */
/** @internal What a TrainedTopicModel is made of (the API builds them; programs get them from fit, distill, load, …). */
interface TrainedModelParts {
  model: TopicModel;
  vocabulary: string[];
  encoder: EncoderReference;
  preprocessing: PreprocessingRecord | undefined;
  training: Record<string, unknown>;
  trainingTheta?: TrainingTheta;
  folder?: string;
  lineage?: ModelLineage;
  run?: TrainingRun;
  loadedDigest?: string;
}

export class TrainedTopicModel extends TopicModelView {
  readonly encoder: EncoderReference;
  /** How raw text becomes its bag of words (the training corpus's preprocessing). */
  readonly preprocessing: PreprocessingRecord | undefined;
  readonly training: Record<string, unknown>;
  /** Set for a model updated from another (`tkd.update`): its parent's digest and the documents added. */
  readonly lineage?: ModelLineage;
  /** For a model trained in this process (fit, distill): its epochs, final loss, time, and the documents it was trained on. */
  readonly run?: TrainingRun;
  /** θ of the training documents (fit, distill), written by `save` as theta.npy + theta.json, as the CLI writes them. */
  private readonly trainingTheta?: TrainingTheta;
  /** The folder it was loaded from or last saved to, as given (recorded as a distilled student's teacher). */
  private savedIn?: string;
  /** The digest of the manifest it was loaded from. */
  private readonly loadedDigest?: string;

  /** @internal */
  constructor(
    private readonly owner: TopicKD,
    parts: TrainedModelParts,
  ) {
    super(parts.model, parts.vocabulary);
    this.encoder = parts.encoder;
    this.preprocessing = parts.preprocessing;
    this.training = parts.training;
    this.lineage = parts.lineage;
    this.run = parts.run;
    this.trainingTheta = parts.trainingTheta;
    this.savedIn = parts.folder;
    this.loadedDigest = parts.loadedDigest;
  }

  /** The folder it was loaded from or last saved to, as given (recorded as a distilled student's teacher). */
  get folder(): string | undefined {
    return this.savedIn;
  }

  /** Topic proportions θ of new documents: text → bag of words with the model's own preprocessing, plus its encoder. */
  async transform(texts: Texts, options: { samples?: number; seed?: number } = {}): Promise<number[][]> {
    this.checkLive('transform');
    return toRowArrays((await this.thetaWithBow(texts, options)).theta);
  }

  /** θ of `texts` as one matrix, with the bag of words it was computed from (transform, topicsOverTime and labels). */
  private thetaWithBow(texts: Texts, options: { samples?: number; seed?: number }): Promise<{ theta: Float32Matrix; bow: CsrMatrix }> {
    return instanceGate.run(this.owner.runtime, () => this.owner.thetaOfCorpus(this, this.owner.corpusOf(texts), options));
  }

  /**
   * Each topic's share of the documents per time bin (`bins`: a number of equal-width bins,
   * default 10, `month` or `year`; `times` ISO dates or seconds/milliseconds since 1970) or per
   * class (`bins: 'class'`, `times` the labels), with its words in each bin (c-TF-IDF over the
   * bin's documents of that topic), as `topickd topics-over-time`.
   */
  async topicsOverTime(texts: Texts, times: readonly (string | number)[], options: { bins?: TimeBins; top?: number; samples?: number; seed?: number } = {}): Promise<TopicsOverTime> {
    this.checkLive('topicsOverTime');
    const corpus = this.owner.corpusOf(texts);
    if (times.length !== corpus.documents.length) throw new ConfigError(`give one time (or class) per text: ${corpus.documents.length} texts, ${times.length} times`, 'times');
    const { bin, bins } = binDocuments(times, options.bins ?? 10);
    const { theta, bow } = await this.thetaWithBow(corpus, options);
    return topicsOverTimeOf(theta, bow, this.vocabulary, bin, bins, this.topics(10), options.top ?? 5);
  }

  /**
   * A short label per topic from `texts`' own phrases of 1–3 words (those the model knows, seen
   * in two documents or more), ranked by the encoder's similarity to the topic (its top words
   * and its five most representative documents of `texts`) and kept apart from the labels of
   * the topics before it (maximal marginal relevance), as `topickd topics --labels`.
   */
  async labels(texts: Texts, options: { diversity?: number; candidates?: number } = {}): Promise<string[]> {
    this.checkLive('labels');
    return instanceGate.run(this.owner.runtime, async () => {
      const corpus = this.owner.corpusOf(texts);
      const { theta, spec } = await this.owner.thetaOfCorpus(this, corpus, {});
      return modelLabels(this.owner.runtime, this.saved(), spec, { texts: corpus.encoderTexts ?? corpus.documents, theta, pretokenized: corpus.pretokenized && !corpus.encoderTexts }, options);
    });
  }

  /** @internal A typed error when it was disposed. */
  checkUsable(what: string): void {
    this.checkLive(what);
  }

  /** The digest of its manifest: the one it was loaded with, else the one `save` would write (what a student's checkpoint records of its teacher). */
  async digest(): Promise<string> {
    this.checkLive('digest');
    return this.loadedDigest ?? (await instanceGate.run(this.owner.runtime, async () => (await serializeModel(this.saved())).manifest.digest!));
  }

  /** @internal θ of the training documents, for a model trained in this process. */
  trainingThetaOrUndefined(): TrainingTheta | undefined {
    return this.trainingTheta;
  }

  /** @internal What `save` writes (and `update` continues from). */
  saved(): SavedModel {
    return { model: this.model, vocabulary: this.vocabulary, encoder: this.encoder, training: this.training, ...(this.preprocessing ? { preprocessing: this.preprocessing } : {}), ...(this.lineage ? { lineage: this.lineage } : {}) };
  }

  /** The top `n` words of each topic, computed on this model's instance's backend. */
  override topics(n = 10): string[][] {
    return instanceGate.sync(this.owner.runtime, () => super.topics(n));
  }

  /** Writes a model folder (manifest + checksummed weights; for a model trained here also theta.npy + theta.json, θ of its training documents, as the CLI writes them), loadable by `load` and the CLI. */
  async save(dir: string): Promise<void> {
    this.checkLive('save');
    await instanceGate.run(this.owner.runtime, async () => {
      await saveModel(this.owner.path(dir), this.saved());
      if (this.trainingTheta) writeTrainingTheta(this.owner.path(dir), this.trainingTheta);
    });
    this.savedIn = dir;
  }
}

/**
 * TopicKD's application API: one object for a configured run (plugins loaded, backend
 * active). `createTopicKD(config)` makes one.
 */
export class TopicKD {
  private constructor(
    private readonly rt: Runtime,
    private readonly config: TopicKDConfig,
  ) {}

  static async create(config: TopicKDConfig = {}): Promise<TopicKD> {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new ConfigError('createTopicKD takes an object of settings', 'config');
    const unknown = Object.keys(config).filter((k) => !(API_CONFIG_KEYS as readonly string[]).includes(k));
    if (unknown.length) throw new ConfigError(`createTopicKD: unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; the settings are ${API_CONFIG_KEYS.join(', ')}`, unknown[0]);
    // resolved in the CLI's order: defaults < the environment (TOPICKD_THREADS, …) < these settings
    const env = environmentConfig();
    const settings: TopicKDConfig = { ...stripUndefined({ threads: env.threads, streamMb: env.streamMb, pluginTimeout: env.pluginTimeout }), ...stripUndefined({ ...config }) };
    const { backend, fallback, encoder, losses, plugins, backendOptions, baseDir, threads, embeddingThreads, trainingThreads, cacheDir, quantize, streamMb, pluginTimeout } = settings;
    const runConfig = validateRunConfig(stripUndefined({ backend, fallback, encoder, losses, plugins, backendOptions, baseDir, threads, embeddingThreads, trainingThreads, cacheDir, quantize, streamMb, pluginTimeout }), 'createTopicKD');
    // activation changes the process's backend: in its turn, as every other instance's operation
    return instanceGate.run(undefined, async () => {
      const rt = await createRuntime(runConfig, config.logger ?? { warn: (m) => console.warn(`topickd: warning: ${m}`) });
      instanceGate.adopt(rt);
      return new TopicKD(rt, settings);
    });
  }

  /** @internal The instance's runtime (its registry and activated backend). */
  get runtime(): Runtime {
    return this.rt;
  }

  /** The active backend. */
  get backend(): ActiveBackend {
    return this.rt.backend;
  }
  /** The plugin registry (backends, encoders, losses, models). */
  get registry(): PluginRegistry {
    return this.rt.registry;
  }

  /**
   * Trains a topic model on `texts` (a path is read as `topickd fit --data` reads it: a `.txt`
   * or `.jsonl` file larger than `streamMb` is streamed from disk, its embeddings precomputed).
   */
  async fit(texts: Texts, options: FitOptions): Promise<TrainedTopicModel> {
    return instanceGate.run(this.rt, async () => {
      if (!options || !Number.isInteger(options.topics)) throw new ConfigError('fit needs { topics: K }', 'topics');
      const cfg = this.embedConfig(this.runConfig(options));
      const kind = options.model ?? 'combined';
      const seed = options.seed ?? 0;
      const data = typeof texts === 'string' ? texts : this.corpusOf(texts);
      const run = await runFit(this.rt, cfg, this.progress(), { data, kind, topics: options.topics, hidden: options.hidden, seed, checkpoint: this.checkpointOf(options), resume: options.resume === undefined ? undefined : this.path(options.resume), signal: this.config.signal });
      const { model, data: trained } = run;
      return new TrainedTopicModel(this, { model, vocabulary: trained.dataset.vocabulary, encoder: run.encoder, preprocessing: trained.dataset.preprocessing, training: run.training, trainingTheta: trainingThetaOf(model, trained.dataset, trained.embeddings, cfg.samples), run: trainingRunOf(run.result, trained) });
    });
  }

  /**
   * Trains a (small) student on `texts` by knowledge distillation from `teacher` (Adhya & Sanyal
   * 2023). Any model can teach (one without a posterior network, such as LDA or BERTopic-style,
   * through the losses that read its word distribution); several teachers teach together, their
   * softened word distributions averaged (the posterior from the first neural one).
   */
  async distill(teachers: TrainedTopicModel | TrainedTopicModel[], texts: Texts, options: DistillOptions = {}): Promise<TrainedTopicModel> {
    const all = Array.isArray(teachers) ? teachers : [teachers];
    // what a checkpoint records of each teacher (each computed on its own instance, before this one's turn)
    const digests = options.checkpoint !== undefined || options.resume !== undefined ? await Promise.all(all.map((t) => t.digest())) : [];
    return instanceGate.run(this.rt, async () => {
      const cfg = this.embedConfig(this.runConfig({ ...options, epochs: options.epochs ?? DISTILL_EPOCHS }));
      const resume = await readResume({ checkpoint: this.checkpointOf(options), resume: options.resume === undefined ? undefined : this.path(options.resume) });
      // the documents over the teacher's vocabulary, tokenized as its corpus was
      const dataset = typeof texts === 'string' ? loadDatasetForModel(cfg, vocabularyTeacher(all), texts, this.rt.logger) : datasetForModel(this.corpusOf(texts), vocabularyTeacher(all));
      const seed = options.seed ?? 0;
      const progress = this.progress();
      const run = await runDistillation(this.rt, cfg, progress, {
        teachers: all.map((t) => ({ model: t.model, encoder: t.encoder, vocabulary: t.vocabulary, record: { ...(t.folder !== undefined ? { dir: t.folder } : {}), kind: t.kind, params: t.params } })),
        dataset,
        datasetName: typeof texts === 'string' ? texts : undefined,
        student: { kind: options.model ?? 'zeroshot', topics: options.topics, hidden: options.hidden },
        seed,
        hyper: options,
        encoder: this.config.encoder,
        teacherEncoder: options.teacherEncoder,
        losses: options.losses ?? this.config.losses,
        // checkpoints and resume, as for fit: the fingerprint also covers the teachers, α, T and the losses
        training: (plan) => {
          const fingerprinted = fingerprintedOptions(cfg, seed, { alpha: plan.alpha, temperature: plan.temperature, kdEpochs: plan.kdEpochs ?? null, losses: plan.losses });
          const idOf = (i: number) => ({ digest: digests[i], embeddings: embeddingsDigest(plan.teacherEmbeddings[i]) });
          const teacher = all.length === 1 ? idOf(0) : { teachers: all.map((_, i) => idOf(i)) };
          const fingerprint = runFingerprint({ documents: dataset.bow, embeddings: plan.studentEmbeddings, config: plan.config, options: fingerprinted, teacher });
          const hooks = checkpointHooks({ checkpoint: this.checkpointOf(options) }, resume, { config: plan.config, vocabulary: dataset.vocabulary, encoder: plan.encoder, options: fingerprinted, fingerprint }, progress);
          return { ...hooks, ...(this.config.signal ? { signal: this.config.signal } : {}) };
        },
      });
      const trained = { dataset, streamed: false };
      return new TrainedTopicModel(this, { model: run.model, vocabulary: dataset.vocabulary, encoder: run.encoder, preprocessing: dataset.preprocessing, training: run.training, trainingTheta: trainingThetaOf(run.model, dataset, run.embeddings, cfg.samples), run: trainingRunOf(run.result, trained) });
    });
  }

  /**
   * Continues training a copy of `model` on new documents (its vocabulary, a fresh optimizer;
   * default 20 epochs), as `topickd update`; the result's `lineage` names the parent (the digest
   * its saved manifest has) and the documents added. `model` stays as it was.
   */
  async update(model: TrainedTopicModel, texts: Texts, options: { epochs?: number; seed?: number; batchSize?: number; learningRate?: number; textField?: string; samples?: number } = {}): Promise<TrainedTopicModel> {
    const parent = await model.digest(); // the digest of the manifest it was loaded with (or would be saved with)
    return instanceGate.run(this.rt, async () => {
      const saved = model.saved();
      const cfg = this.embedConfig(this.runConfig({ epochs: options.epochs, seed: options.seed, batchSize: options.batchSize, learningRate: options.learningRate, textField: options.textField, samples: options.samples }));
      const up = await updateModel(this.rt, cfg, saved, parent, this.corpusOf(texts, cfg.textField), this.progress());
      const training = { ...this.record(up.dataset, up.result, cfg.seed ?? 0), ...(model.folder ? { updatedFrom: model.folder } : {}) };
      return new TrainedTopicModel(this, { model: up.model, vocabulary: saved.vocabulary, encoder: saved.encoder, preprocessing: saved.preprocessing, training, trainingTheta: trainingThetaOf(up.model, up.dataset, up.embeddings, cfg.samples), lineage: up.lineage, run: trainingRunOf(up.result, { dataset: up.dataset, streamed: false }) });
    });
  }

  /**
   * Merges the closest of `model`'s topics (Jensen–Shannon distance of their word distributions)
   * until `topics` remain, as `topickd reduce`: a new model whose θ is the merged one, for new
   * documents too; `training.reduced` names the parent (its digest) and each merged topic's
   * members. Topics are weighted by their share of the training documents when θ of them is known
   * (a model trained here, or a folder with theta.npy). `model` stays as it was.
   */
  async reduce(model: TrainedTopicModel, options: { topics: number }): Promise<TrainedTopicModel> {
    if (!options || !Number.isInteger(options.topics)) throw new ConfigError('reduce needs { topics: K }', 'topics');
    const parent = await model.digest();
    return instanceGate.run(this.rt, async () => {
      const saved = model.saved();
      // a copy of the parent's weights: the two models never share tensors
      const copy = copyModel(this.rt, saved.model);
      let reduced;
      try {
        const theta = model.trainingThetaOrUndefined() ?? (model.folder ? readTrainingTheta(this.path(model.folder), saved.model.numTopics) : undefined);
        reduced = reduceTopics({ model: copy }, parent, options.topics, theta);
      } catch (e) {
        copy.dispose();
        throw e;
      }
      return new TrainedTopicModel(this, { model: reduced.model, vocabulary: saved.vocabulary, encoder: saved.encoder, preprocessing: saved.preprocessing, training: { ...saved.training, reduced: reduced.record }, trainingTheta: reduced.trainingTheta });
    });
  }

  /**
   * θ of new documents with `model`, as `topickd infer`: a `.txt`/`.jsonl` path is read, embedded
   * and inferred a block of `shardSize` documents at a time (with `onBlock`, memory holds one block;
   * θ rows equal one pass over the whole input); with the instance's `threads` > 1, blocks are
   * inferred in worker threads from the model's folder; with `queue`, as jobs for `topickd worker`
   * processes. The encoder is the model's, or the instance's `encoder` when set (e.g.
   * `precomputed:FILE.npy` for the input).
   */
  async infer(model: TrainedTopicModel, texts: Texts, options: { samples?: number; seed?: number; shardSize?: number; textField?: string; queue?: string; queueTimeout?: number; onBlock?: (block: ThetaBlock) => void } = {}): Promise<InferOutcome> {
    model.checkUsable('infer');
    return instanceGate.run(this.rt, async () => {
      const cfg: RunConfig = { ...this.embedConfig(this.runConfig({ seed: options.seed, textField: options.textField, samples: options.samples })), ...stripUndefined({ queueTimeout: options.queueTimeout }) };
      const queue = options.queue === undefined ? undefined : (await queueModule()).queueUrl(options.queue, false)!;
      const input = typeof texts === 'string' ? texts : this.corpusOf(texts);
      return runInfer(this.rt, cfg, model.saved(), model.folder === undefined ? undefined : this.path(model.folder), { input, samples: options.samples, seed: options.seed, shardSize: options.shardSize, queue, onBlock: options.onBlock }, this.progress());
    });
  }

  /**
   * Writes a bundle a web page loads (`tkd.load` of its URL there), as `topickd export`: the model,
   * its encoder's files (the use encoder's weights quantized when `quantize` asks, or the static
   * table it was trained with; none with `encoder: false`) and bundle.json — with a label per topic
   * from `labels`' documents (as `model.labels`) when given. Written into a temporary folder and
   * renamed into place: a failure leaves no partial bundle.
   */
  async export(model: TrainedTopicModel, out: string, options: { quantize?: 'int8' | 'float16'; encoder?: boolean; labels?: Texts } = {}): Promise<BundleRecord> {
    model.checkUsable('export');
    const dir = this.path(out);
    const noEncoder = options.encoder === false;
    const labelTexts = options.labels;
    return instanceGate.run(this.rt, () => writeBundle(model.saved(), dir, { quantize: options.quantize, noEncoder, modelDir: model.folder === undefined ? undefined : this.path(model.folder), labels: labelTexts === undefined ? undefined : () => model.labels(labelTexts) }));
  }

  /** Topics over time or per class of `texts` with `model` (see TrainedTopicModel.topicsOverTime). */
  async topicsOverTime(model: TrainedTopicModel, texts: readonly string[], times: readonly (string | number)[], options: { bins?: TimeBins; top?: number; samples?: number; seed?: number } = {}): Promise<TopicsOverTime> {
    return model.topicsOverTime(texts, times, options);
  }

  /**
   * Coherence (NPMI, C_V, UMass, UCI — equal to gensim's), topic diversity and inverted RBO of
   * a model's topics, with `texts` (tokenized as the model's training corpus was) as reference;
   * topic words the reference lacks are skipped unless `skipUnknownWords: false` (then an error names them).
   */
  async evaluate(model: TrainedTopicModel, texts: Texts, options: { topn?: number; metrics?: MetricName[]; skipUnknownWords?: boolean; textField?: string } = {}): Promise<EvaluationResult> {
    return (await this.evaluateTopics(model, texts, options)).scores;
  }

  /**
   * As `evaluate`, for a model or a bare list of topics (arrays of words: then raw `texts` are
   * tokenized with TopicKD's defaults, every word kept), with what the scores were measured
   * against: the reference's size and preprocessing (`topickd evaluate --json`).
   */
  async evaluateTopics(topics: TrainedTopicModel | readonly (readonly string[])[], texts: Texts, options: { topn?: number; metrics?: readonly MetricName[]; skipUnknownWords?: boolean; textField?: string } = {}): Promise<TopicsEvaluation> {
    if (topics instanceof TrainedTopicModel) topics.checkUsable('evaluate');
    else if (!Array.isArray(topics)) throw new ConfigError('evaluateTopics needs a model or a list of topics (arrays of words)', 'topics');
    return instanceGate.run(this.rt, async () => {
      const progress = this.progress();
      const source: TopicsSource = topics instanceof TrainedTopicModel ? { model: topics } : { topics };
      return evaluateTopicsOf(source, this.corpusOf(texts, options.textField), { topn: options.topn, metrics: options.metrics, skipUnknownWords: options.skipUnknownWords ?? true, log: (l) => progress.log(l) });
    });
  }

  /** Loads a model folder written by `save`, `topickd fit` or `topickd distill`. */
  async load(dir: string): Promise<TrainedTopicModel> {
    return instanceGate.run(this.rt, async () => {
      const saved = await loadModelWith(this.rt, this.path(dir));
      return new TrainedTopicModel(this, { model: saved.model, vocabulary: saved.vocabulary, encoder: saved.encoder, preprocessing: saved.preprocessing, training: saved.training, folder: dir, lineage: saved.lineage, loadedDigest: saved.manifest.digest ?? saved.manifest.weights.sha256 });
    });
  }

  /**
   * The paper's experiment: per K and seed, a teacher, the student alone and the distilled
   * student, evaluated; writes results.json, results.md, report.html and the models.
   */
  async experiment(request: ExperimentRequest): Promise<ExperimentResults> {
    return instanceGate.run(this.rt, async () => {
      const { dataset: name, topics, seeds } = checkExperimentRequest(request);
      const queue = request.queue === undefined ? undefined : (await queueModule()).queueUrl(request.queue, false)!;
      const out = this.path(request.out ?? `runs/${name.replace(/[^\w.-]+/g, '_')}`);
      const cfg: RunConfig = {
        ...this.embedConfig(this.runConfig({ epochs: request.epochs ?? DISTILL_EPOCHS, batchSize: request.batchSize, learningRate: request.learningRate, dropout: request.dropout, validationFraction: request.validationFraction, patience: request.patience, vocabularySize: request.vocabularySize, minDf: request.minDf, maxDf: request.maxDf, textField: request.textField })),
        ...stripUndefined({ teacherEncoder: request.teacherEncoder, kdEpochs: request.kdEpochs, queueTimeout: request.queueTimeout, modelOptions: request.modelOptions }),
        losses: request.losses ?? this.config.losses,
      };
      validateRunConfig(stripUndefined({ ...cfg }), 'experiment');
      claimOutputDir(out, { dataset: isBundledDataset(name) ? undefined : name }, this.config.baseDir);
      const dataset = loadDataset(cfg, name, this.rt.logger);
      const options: ExperimentOptions = {
        datasetName: datasetNameOf(name),
        topics,
        seeds,
        out,
        hyper: hyperFor({ ...request, epochs: cfg.epochs }, dataset, name),
        teacher: { model: request.teacher?.model ?? 'combined', hidden: request.teacher?.hidden ?? [100, 100] },
        student: { model: request.student?.model ?? 'zeroshot', hidden: request.student?.hidden ?? [100, 100] },
        saveModels: request.saveModels,
        baselines: request.baselines,
        teacherPer: request.teacherPer === 'seed' ? 'seed' : 'K',
        teacherSeed: request.teacherSeed,
        tune: tuneOptionsOf(request.tune, name),
      };
      if (queue) return runExperimentOnQueue(queue, this.rt, dataset, isBundledDataset(name) ? name.toLowerCase() : this.path(name), cfg, options, this.progress());
      return runExperiment(this.rt, dataset, cfg, options, this.progress());
    });
  }

  /**
   * Searches α and T of the distilled student for a corpus and a teacher (as `topickd tune`:
   * successive halving, objective the mean NPMI over the seeds); writes tune.json and
   * report.html into `out`. `data`: m10, 20ng or a corpus path (the teacher's training corpus).
   */
  async tune(request: TuneApiRequest): Promise<TuneResults>;
  /** Chooses K: trains `model` at every K on every seed and recommends one (tune.json `byK`, `recommendedK`). */
  async tune(request: TopicsTuneRequest): Promise<TopicsSearchResults>;
  async tune(request: TuneApiRequest | TopicsTuneRequest): Promise<TuneResults | TopicsSearchResults> {
    if (!('teacher' in request) || request.teacher === undefined) {
      const r = request as TopicsTuneRequest;
      if (!Array.isArray(r.topics)) throw new ConfigError('tune needs a teacher (the α/T search) or topics: [K, K, …] (choosing K)', 'teacher');
      return instanceGate.run(this.rt, async () => {
        const out = this.path(r.out ?? 'runs/tune-k');
        const topics = parseTopicsRange(r.topics.join(','), 'topics');
        const cfg = this.embedConfig(this.runConfig({ epochs: r.epochs, textField: r.textField }));
        const bundled = isBundledDataset(r.data);
        claimOutputDir(out, { data: bundled ? undefined : r.data }, this.config.baseDir);
        return searchTopics(this.rt, cfg, { data: bundled ? r.data.toLowerCase() : this.path(r.data), datasetName: datasetNameOf(r.data), model: r.model ?? 'combined', hidden: r.hidden, topics, seeds: r.seeds, out }, this.progress());
      });
    }
    return instanceGate.run(this.rt, async () => {
      const name = request.data;
      const bundled = isBundledDataset(name);
      const out = this.path(request.out ?? 'runs/tune');
      const cfg: RunConfig = { ...this.embedConfig(this.runConfig({ epochs: request.epochs ?? DISTILL_EPOCHS, textField: request.textField })), ...stripUndefined({ queueTimeout: request.queueTimeout }) };
      const space = { alpha: request.alpha ?? [0.1, 0.9], temperature: request.temperature ?? [1, 5] };
      const range = (r: unknown) => Array.isArray(r) && r.length === 2 && r.every(Number.isFinite) && r[0] <= r[1];
      if (!range(space.alpha) || space.alpha[0] < 0 || space.alpha[1] > 1) throw new ConfigError(`\`alpha\` must lie in [0, 1] (a range LOW ≤ HIGH), got ${JSON.stringify(space.alpha)}`, 'alpha');
      if (!range(space.temperature) || !(space.temperature[0] > 0)) throw new ConfigError(`\`temperature\` must be > 0 (a range LOW ≤ HIGH), got ${JSON.stringify(space.temperature)}`, 'temperature');
      const queue = request.queue === undefined ? undefined : (await queueModule()).queueUrl(request.queue, false)!;
      claimOutputDir(out, { data: bundled ? undefined : name, ...(typeof request.teacher === 'string' ? { teacher: request.teacher } : {}) }, this.config.baseDir);
      let teacherDir: string;
      if (typeof request.teacher === 'string') teacherDir = this.path(request.teacher);
      else {
        teacherDir = join(out, 'teacher');
        await request.teacher.save(teacherDir);
      }
      return tune(
        this.rt,
        cfg,
        {
          data: bundled ? name.toLowerCase() : this.path(name),
          datasetName: datasetNameOf(name),
          teacherDir,
          student: { model: request.student?.model ?? 'zeroshot', hidden: request.student?.hidden ?? [100, 100] },
          space,
          trials: request.trials,
          seeds: request.seeds,
          epochs: cfg.epochs,
          jobs: request.jobs,
          queue,
          reference: request.reference,
          searchSeed: request.searchSeed,
          out,
        },
        this.progress(),
      );
    });
  }

  /** @internal Documents of any accepted form, as a corpus. */
  corpusOf(texts: Texts, textField?: string): Corpus {
    if (typeof texts === 'string') return loadCorpus(resolveDataPath(texts, this.config.baseDir), { textField });
    if (Array.isArray(texts)) {
      const documents = texts.map((t, i) => {
        const text = typeof t === 'string' ? t : (t as { text?: unknown })?.text;
        if (typeof text !== 'string') throw new ConfigError(`document ${i} is neither a string nor a { text } record`, 'texts');
        return text;
      });
      return { source: 'texts', documents, pretokenized: false };
    }
    const c = texts as Corpus;
    if (!c || !Array.isArray(c.documents)) throw new ConfigError('texts must be strings, { text } records, a corpus, or a path', 'texts');
    return c;
  }

  /**
   * @internal θ of a corpus with a model, as `infer` computes it (the same blocks, cache and
   * seeding; in worker threads from the model's folder when `threads` > 1), with its own encoder.
   */
  async thetaOfCorpus(model: TrainedTopicModel, corpus: Corpus, options: { samples?: number; seed?: number }): Promise<{ theta: Float32Matrix; bow: CsrMatrix; spec: EncoderSpec | null }> {
    const cfg: RunConfig = { ...this.embedConfig(this.runConfig({})), encoder: undefined };
    const folder = model.folder === undefined ? undefined : this.path(model.folder);
    return thetaOfCorpus(this.rt, folder ? cfg : { ...cfg, threads: 1 }, model.saved(), folder ?? '.', corpus, this.progress(), { samples: options.samples, seed: options.seed, shardSize: 2 * INFER_BATCH });
  }

  /**
   * Sentence embeddings of `texts` with an encoder (default: the configured one), as `topickd
   * embed`: in blocks of `shardSize` documents through the embedding cache (`cache: false`: not
   * read nor written), or as jobs on `queue` that `topickd worker` processes run — then `workDir`
   * is a folder every worker shares. The same bytes either way.
   */
  async embed(texts: Texts, options: { encoder?: EncoderSpec; batchSize?: number; shardSize?: number; cache?: boolean; textField?: string; queue?: string; queueTimeout?: number; workDir?: string } = {}): Promise<EmbedOutcome> {
    return instanceGate.run(this.rt, async () => {
      const cfg: RunConfig = { ...this.embedConfig(this.runConfig({ textField: options.textField })), ...stripUndefined({ queueTimeout: options.queueTimeout }) };
      const queue = options.queue === undefined ? undefined : (await queueModule()).queueUrl(options.queue, false)!;
      return runEmbed(this.rt, cfg, { corpus: this.corpusOf(texts, options.textField), spec: encoderSpecOf(options.encoder ?? this.config.encoder, this.config.baseDir, this.config.quantize), batchSize: options.batchSize, shardSize: options.shardSize, cache: options.cache, queue, workDir: options.workDir === undefined ? undefined : this.path(options.workDir) }, this.progress());
    });
  }

  /**
   * The interactive HTML report of saved models on their training corpus, as `topickd report`:
   * topics, relevance, representative documents, intertopic map, the teacher first and each
   * student aligned with it; topics over time or per class, and a K search's curves, when asked.
   */
  async report(request: ReportRequest): Promise<ReportOutcome> {
    if (!request || !Array.isArray(request.models) || typeof request.corpus !== 'string' || typeof request.out !== 'string') throw new ConfigError('report needs { models: [folders], corpus: a path, out: FILE.html }', 'models');
    return instanceGate.run(this.rt, async () => {
      const cfg = this.embedConfig(this.runConfig({}));
      return runReport(this.rt, cfg, request, this.progress());
    });
  }

  /**
   * A static encoder distilled from the use encoder on `texts` (Model2Vec-style: a small int8
   * table, thousands of times faster), written to `out` — as `topickd distill-encoder`; models
   * use it as the encoder `static:OUT`. Unless `piecesAlone`, the corpus is embedded (through the
   * cache) and refines the table.
   */
  async distillEncoder(texts: Texts, out: string, options: Omit<DistillEncoderOptions, 'documentEmbeddings' | 'quantize' | 'onProgress' | 'logger'> & { piecesAlone?: boolean; textField?: string } = {}): Promise<DistilledEncoder> {
    return instanceGate.run(this.rt, async () => {
      const dir = this.path(out);
      claimOutputDir(dir, { data: typeof texts === 'string' ? texts : undefined }, this.config.baseDir);
      const cfg = this.embedConfig(this.runConfig({ textField: options.textField }));
      const corpus = this.corpusOf(texts, options.textField);
      const docs = corpus.encoderTexts ?? corpus.documents;
      const progress = this.progress();
      // the corpus through the sentence encoder, through the cache as training embeds it
      const documentEmbeddings = options.piecesAlone ? undefined : await embedWithCache(this.rt.registry.createEncoder(encoderSpecOf('use', this.config.baseDir, this.config.quantize)), docs, cfg.cacheDir!, { onProgress: progress.embedding('embedding the corpus'), logger: this.rt.logger, variant: embeddingCacheVariant(this.rt.backend) });
      const onProgress = progress.embedding('pieces through the encoder');
      const { piecesAlone: _p, textField: _t, ...distillOptions } = options;
      return distillStaticEncoder(docs, dir, { ...distillOptions, documentEmbeddings, quantize: this.config.quantize, onProgress: (done, total) => onProgress({ done, total }), logger: this.rt.logger });
    });
  }

  /** @internal A path relative to the configured base folder. */
  path(p: string): string {
    return isAbsolute(p) ? p : resolve(this.config.baseDir ?? process.cwd(), p);
  }

  /** What a saved model records of its training. */
  private record(dataset: { source: string; bow: { rows: number } }, result: { epochs: number; finalLoss: number; seconds: number }, seed: number, seeded?: SeedTopicsRecord): Record<string, unknown> {
    return trainingRecord(dataset, result, seed, this.rt.backend.name, seeded);
  }

  private progress(): Progress {
    return new Progress({ quiet: !this.config.showProgress, listener: this.config.onProgress });
  }

  /** A checkpoint request's folder, relative to the base folder. */
  private checkpointOf(o: Pick<FitOptions, 'checkpoint'>): FitOptions['checkpoint'] {
    if (o.checkpoint === undefined) return undefined;
    if (!o.checkpoint || typeof o.checkpoint.dir !== 'string') throw new ConfigError('checkpoint must be { dir: a folder, every: a positive integer of epochs }', 'checkpoint');
    return { dir: this.path(o.checkpoint.dir), every: o.checkpoint.every };
  }

  private runConfig(o: Partial<FitOptions> & { topics?: number }): RunConfig {
    return validateRunConfig(
      stripUndefined({
        vocabularySize: o.vocabularySize,
        minDf: o.minDf,
        maxDf: o.maxDf,
        textField: o.textField,
        samples: o.samples,
        epochs: o.epochs,
        batchSize: o.batchSize,
        learningRate: o.learningRate,
        seed: o.seed,
        dropout: o.dropout,
        validationFraction: o.validationFraction,
        patience: o.patience,
        hidden: o.hidden,
        seedTopics: o.seedTopics,
        seedStrength: o.seedStrength,
        ...(o.modelOptions && o.model ? { modelOptions: { [o.model]: o.modelOptions } } : {}),
        encoder: this.config.encoder,
        losses: this.config.losses,
        baseDir: this.config.baseDir,
      }),
      'options',
    );
  }

  private embedConfig(cfg: RunConfig): RunConfig {
    const { threads, embeddingThreads, trainingThreads, quantize, streamMb } = this.config;
    return { ...cfg, ...stripUndefined({ threads, embeddingThreads, trainingThreads, quantize, streamMb }), cacheDir: this.path(this.config.cacheDir ?? '.topickd-cache') };
  }
}

function stripUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The checks of an experiment request that need no data, with its defaults (K 20 and 50, seeds
 * 0, 1, 2): what `tkd.experiment` checks first, and `topickd experiment` before it spawns one
 * process per K. Option names in messages are backquoted (the CLI names its flags there).
 */
export function checkExperimentRequest(request: Pick<ExperimentRequest, 'dataset' | 'topics' | 'seeds' | 'teacherPer' | 'teacherSeed' | 'tune' | 'alpha' | 'temperature' | 'queue'>): { dataset: string; topics: number[]; seeds: number[] } {
  const name = request.dataset;
  if (typeof name !== 'string' || name === '') throw new ConfigError('experiment needs `dataset`: m10, 20ng or a corpus path', 'dataset');
  const topics = request.topics ?? [20, 50];
  const seeds = request.seeds ?? [0, 1, 2];
  for (const K of topics) if (!Number.isInteger(K) || K <= 0) throw new ConfigError(`\`topics\` must list positive integers, got ${K}`, 'topics');
  checkSeed(seeds, 'seeds');
  if (request.teacherPer !== undefined && request.teacherPer !== 'K' && request.teacherPer !== 'seed') throw new ConfigError(`\`teacherPer\` must be K or seed, got ${JSON.stringify(request.teacherPer)}`, 'teacherPer');
  if (request.teacherSeed !== undefined && request.teacherPer === 'seed') throw new ConfigError('`teacherSeed` applies to a teacher shared per K; drop it or `teacherPer` seed', 'teacherSeed');
  if (request.tune && (request.alpha !== undefined || request.temperature !== undefined)) throw new ConfigError('`tune` searches α and T: drop `alpha`/`temperature`, or drop `tune`', 'tune');
  if (request.tune && request.queue) throw new ConfigError('`tune` runs in the submitting process; with a queue, run `topickd tune --queue URL` on a teacher, then `experiment --alpha A --temperature T --queue URL`', 'tune');
  return { dataset: name, topics: [...topics], seeds: [...seeds] };
}

/** Every setting `createTopicKD` takes. */
const API_CONFIG_KEYS = ['backend', 'fallback', 'encoder', 'losses', 'plugins', 'backendOptions', 'threads', 'embeddingThreads', 'trainingThreads', 'quantize', 'cacheDir', 'baseDir', 'streamMb', 'pluginTimeout', 'logger', 'onProgress', 'showProgress', 'signal'] as const;

/** A configured TopicKD: plugins loaded, backend active. Any config key of the CLI's config files works here too. */
export function createTopicKD(config: TopicKDConfig = {}): Promise<TopicKD> {
  return TopicKD.create(config);
}

/** ExperimentOptions.tune from the API's `tune` request. */
function tuneOptionsOf(tune: ExperimentRequest['tune'], data: string): ExperimentOptions['tune'] {
  if (!tune) return undefined;
  const t = tune === true ? {} : tune;
  return { data, space: { alpha: t.alpha ?? [0.1, 0.9], temperature: t.temperature ?? [1, 5] }, trials: t.trials, seeds: t.seeds };
}
