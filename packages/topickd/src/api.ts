import { basename, isAbsolute, join, resolve } from 'node:path';
import { tune, type TuneResults } from './app/tune/tune.js';
import { parseTopicsRange, searchTopics, type TopicsSearchResults } from './app/tune/topics-search.js';
import { binDocuments, topicsOverTimeOf, type TimeBins, type TopicsOverTime } from './app/report/topics-over-time.js';
import { updateModel } from './app/run/update.js';
import { readTrainingTheta, reduceTopics } from './app/run/reduce.js';
import { topicLabels } from './app/report/topic-labels.js';
import {
  ALL_METRICS,
  ConfigError,
  ReferenceCorpus,
  corpusToDataset,
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
import { copyModel, embeddingCacheVariant, encoderReferenceOf, trainingThetaOf, writeTrainingTheta, type TrainingTheta, encoderSpecOfModel, bowForModel, claimOutputDir, createRuntime, datasetForModel, datasetNameOf, isBundledDataset, trainingRecord, embedDataset, encoderSpecOf, fitOn, kindNeedsEmbeddings, loadDataset, loadModelWith, NO_ENCODER, noEmbeddings, resolveDataPath, type Runtime } from './app/run/pipeline.js';
import { runExperiment } from './app/experiment/experiment.js';
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
  logger?: Logger;
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
  seedTopics?: string[][];
  /** The weight of the seed term per document (default 0.3). */
  seedStrength?: number;
  /** Preprocessing of raw text (defaults: 2,000 words, minDf 1, maxDf 1). */
  vocabularySize?: number;
  minDf?: number;
  maxDf?: number;
}

export interface DistillOptions extends Omit<FitOptions, 'topics' | 'vocabularySize' | 'minDf' | 'maxDf'> {
  /** K (default: the teacher's). */
  topics?: number;
  /** Weight of the distillation terms, in [0, 1] (default: from `recipe`; auto: n̄ / (n̄ + 7.5), n̄ the mean tokens per document). */
  alpha?: number;
  /** Softmax temperature of the soft labels (default: from `recipe`; auto: 4). */
  temperature?: number;
  /** How α and T not given are chosen: `auto` (default) or `paper` (the paper's table for M10 and 20NG). */
  recipe?: DistillRecipeName;
  losses?: LossSpec[];
  /** Distil for the first `kdEpochs` epochs, then the VAE loss alone (default: from the recipe — auto: the first half; paper, or both α and T given: all). */
  kdEpochs?: number;
}

export interface ExperimentRequest {
  /** `m10`, `20ng` or a corpus path. */
  dataset: string;
  topics?: number[];
  seeds?: number[];
  /** Folder for results.json, results.md, report.html and the models (default `runs/<dataset>`). */
  out?: string;
  epochs?: number;
  /** α and T for every K (default: from `recipe`). */
  alpha?: number;
  temperature?: number;
  /** How α and T not given are chosen: `auto` (default: T 4, α from the mean document length) or `paper` (the paper's table). */
  recipe?: DistillRecipeName;
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
  /** Epochs of a full training, the last rung's (default 100). */
  epochs?: number;
  student?: ModelArchitecture;
  /** Trainings at once in worker threads (default 1). */
  jobs?: number;
  /** redis://HOST:PORT: trainings as jobs for `topickd worker` processes. */
  queue?: string;
  /** Also train the student alone and with the default α, T (default true). */
  reference?: boolean;
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
}

export type EvaluationResult = Partial<Record<MetricName, MetricResult>>;

/** A trained (or loaded) topic model with everything needed to use it on new text. */
export class TrainedTopicModel extends TopicModelView {
  constructor(
    private readonly owner: TopicKD,
    model: TopicModel,
    vocabulary: string[],
    readonly encoder: EncoderReference,
    /** How raw text becomes its bag of words (the training corpus's preprocessing). */
    readonly preprocessing: PreprocessingRecord | undefined,
    readonly training: Record<string, unknown>,
    /** θ of the training documents (fit, distill), written by `save` as theta.npy + theta.json, as the CLI writes them. */
    private readonly trainingTheta?: TrainingTheta,
    /** The folder it was loaded from or last saved to, as given (recorded as a distilled student's teacher). */
    private savedIn?: string,
    /** Set for a model updated from another (`tkd.update`): its parent's digest and the documents added. */
    readonly lineage?: ModelLineage,
  ) {
    super(model, vocabulary);
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
    return instanceGate.run(this.owner.runtime, async () => {
      const corpus = this.owner.corpusOf(texts);
      const bow = bowForModel(corpus.documents, this, corpus.pretokenized);
      const embeddings = this.encoder.dim === 0 ? noEmbeddings(bow.rows) : await this.owner.embed(corpus.encoderTexts ?? corpus.documents, encoderSpecOfModel(this.encoder));
      return { theta: this.thetaMatrix(bow, embeddings, options), bow };
    });
  }

  /**
   * Each topic's share of the documents per time bin (`bins`: a number of equal-width bins,
   * default 10, `month` or `year`; `times` ISO dates or seconds/milliseconds since 1970) or per
   * class (`bins: 'class'`, `times` the labels), with its words in each bin (c-TF-IDF over the
   * bin's documents of that topic), as `topickd topics-over-time`.
   */
  async topicsOverTime(texts: readonly string[], times: readonly (string | number)[], options: { bins?: TimeBins; top?: number; samples?: number; seed?: number } = {}): Promise<TopicsOverTime> {
    this.checkLive('topicsOverTime');
    if (times.length !== texts.length) throw new ConfigError(`give one time (or class) per text: ${texts.length} texts, ${times.length} times`, 'times');
    const { bin, bins } = binDocuments(times, options.bins ?? 10);
    const { theta, bow } = await this.thetaWithBow([...texts], options);
    return topicsOverTimeOf(theta, bow, this.vocabulary, bin, bins, this.topics(10), options.top ?? 5);
  }

  /**
   * A short label per topic from `texts`' own phrases of 1–3 words (those the model knows, seen
   * in two documents or more), ranked by the encoder's similarity to the topic (its top words
   * and its five most representative documents of `texts`) and kept apart from the labels of
   * the topics before it (maximal marginal relevance), as `topickd topics --labels`.
   */
  async labels(texts: readonly string[], options: { diversity?: number; candidates?: number } = {}): Promise<string[]> {
    this.checkLive('labels');
    const { theta } = await this.thetaWithBow([...texts], {});
    const topicWord = instanceGate.sync(this.owner.runtime, () => this.model.topicWordDistribution());
    const spec = encoderSpecOfModel(this.encoder);
    const embed = this.encoder.dim === 0 || spec === 'precomputed' ? null : (t: string[]) => instanceGate.run(this.owner.runtime, () => this.owner.embed(t, spec));
    const labels = await topicLabels({ texts, theta, topicWord, vocabulary: this.vocabulary, preprocessing: this.preprocessing ?? preprocessingRecord({}), embed, ...options });
    return labels.map((l) => l.label);
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
    const settings: TopicKDConfig = { ...(env.threads !== undefined ? { threads: env.threads } : {}), ...stripUndefined({ ...config }) };
    const { backend, fallback, encoder, losses, plugins, backendOptions, baseDir, threads, embeddingThreads, trainingThreads, cacheDir, quantize } = settings;
    const runConfig = validateRunConfig(stripUndefined({ ...env, backend, fallback, encoder, losses, plugins, backendOptions, baseDir, threads, embeddingThreads, trainingThreads, cacheDir, quantize }), 'createTopicKD');
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

  /** Trains a topic model on `texts`. */
  async fit(texts: Texts, options: FitOptions): Promise<TrainedTopicModel> {
    return instanceGate.run(this.rt, async () => {
      if (!options || !Number.isInteger(options.topics)) throw new ConfigError('fit needs { topics: K }', 'topics');
      const cfg = this.runConfig(options);
      const dataset = corpusToDataset(this.corpusOf(texts), { vocabularySize: options.vocabularySize, minDf: options.minDf, maxDf: options.maxDf });
      for (const w of dataset.warnings) this.rt.logger.warn(w);
      const progress = this.progress();
      const kind = options.model ?? 'combined';
      const emb = kindNeedsEmbeddings(this.rt, kind)
        ? await embedDataset(this.rt, dataset, this.config.encoder, this.embedConfig(cfg), progress)
        : { embeddings: noEmbeddings(dataset.bow.rows), encoderId: NO_ENCODER.id, encoderType: NO_ENCODER.type };
      const seed = options.seed ?? 0;
      const { model, result, seeded } = await fitOn(this.rt, dataset, emb.embeddings, { kind, topics: options.topics, hidden: options.hidden }, cfg, progress, kind, seed, { signal: this.config.signal });
      return new TrainedTopicModel(this, model, dataset.vocabulary, encoderReferenceOf(emb), dataset.preprocessing, this.record(dataset, result, seed, seeded), trainingThetaOf(model, dataset, emb.embeddings));
    });
  }

  /**
   * Trains a (small) student on `texts` by knowledge distillation from `teacher` (Adhya & Sanyal
   * 2023). Any model can teach (one without a posterior network, such as LDA or BERTopic-style,
   * through the losses that read its word distribution); several teachers teach together, their
   * softened word distributions averaged (the posterior from the first neural one).
   */
  async distill(teachers: TrainedTopicModel | TrainedTopicModel[], texts: Texts, options: DistillOptions = {}): Promise<TrainedTopicModel> {
    return instanceGate.run(this.rt, async () => {
      const all = Array.isArray(teachers) ? teachers : [teachers];
      const cfg = this.runConfig(options);
      const dataset = datasetForModel(this.corpusOf(texts), vocabularyTeacher(all)); // the teacher's vocabulary and preprocessing
      const run = await runDistillation(this.rt, cfg, this.progress(), {
        teachers: all.map((t) => ({ model: t.model, encoder: t.encoder, vocabulary: t.vocabulary, record: { ...(t.folder !== undefined ? { dir: t.folder } : {}), kind: t.kind, params: t.params } })),
        dataset,
        datasetName: typeof texts === 'string' ? texts : undefined,
        student: { kind: options.model ?? 'zeroshot', topics: options.topics, hidden: options.hidden },
        seed: options.seed ?? 0,
        hyper: options,
        encoder: this.config.encoder,
        losses: options.losses ?? this.config.losses,
        embedConfig: this.embedConfig(cfg),
        training: () => ({ signal: this.config.signal }),
      });
      return new TrainedTopicModel(this, run.model, dataset.vocabulary, run.encoder, dataset.preprocessing, run.training, trainingThetaOf(run.model, dataset, run.embeddings));
    });
  }

  /**
   * Coherence (NPMI, C_V, UMass, UCI — equal to gensim's), topic diversity and inverted RBO of
   * a model's topics, with `texts` (tokenized as the model's training corpus was) as reference.
   */
  /**
   * Continues training a copy of `model` on new documents (its vocabulary, a fresh optimizer;
   * default 20 epochs), as `topickd update`; the result's `lineage` names the parent (the digest
   * its saved manifest has) and the documents added. `model` stays as it was.
   */
  async update(model: TrainedTopicModel, texts: Texts, options: { epochs?: number; seed?: number; batchSize?: number; learningRate?: number } = {}): Promise<TrainedTopicModel> {
    return instanceGate.run(this.rt, async () => {
      const saved = model.saved();
      const { manifest } = await serializeModel(saved);
      const cfg = this.embedConfig(this.runConfig({ epochs: options.epochs, seed: options.seed, batchSize: options.batchSize, learningRate: options.learningRate }));
      const up = await updateModel(this.rt, cfg, saved, manifest.digest!, this.corpusOf(texts), this.progress());
      const training = { ...this.record(up.dataset, up.result, cfg.seed ?? 0), ...(model.folder ? { updatedFrom: model.folder } : {}) };
      return new TrainedTopicModel(this, up.model, saved.vocabulary, saved.encoder, saved.preprocessing, training, trainingThetaOf(up.model, up.dataset, up.embeddings), undefined, up.lineage);
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
    return instanceGate.run(this.rt, async () => {
      if (!options || !Number.isInteger(options.topics)) throw new ConfigError('reduce needs { topics: K }', 'topics');
      const saved = model.saved();
      const { manifest } = await serializeModel(saved);
      // a copy of the parent's weights: the two models never share tensors
      const copy = copyModel(this.rt, saved.model);
      let reduced;
      try {
        const theta = model.trainingThetaOrUndefined() ?? (model.folder ? readTrainingTheta(this.path(model.folder), saved.model.numTopics) : undefined);
        reduced = reduceTopics({ model: copy }, manifest.digest!, options.topics, theta);
      } catch (e) {
        copy.dispose();
        throw e;
      }
      return new TrainedTopicModel(this, reduced.model, saved.vocabulary, saved.encoder, saved.preprocessing, { ...saved.training, reduced: reduced.record }, reduced.trainingTheta);
    });
  }

  /** Topics over time or per class of `texts` with `model` (see TrainedTopicModel.topicsOverTime). */
  async topicsOverTime(model: TrainedTopicModel, texts: readonly string[], times: readonly (string | number)[], options: { bins?: TimeBins; top?: number; samples?: number; seed?: number } = {}): Promise<TopicsOverTime> {
    return model.topicsOverTime(texts, times, options);
  }

  async evaluate(model: TrainedTopicModel, texts: Texts, options: { topn?: number; metrics?: MetricName[] } = {}): Promise<EvaluationResult> {
    return instanceGate.run(this.rt, async () => {
      const dataset = datasetForModel(this.corpusOf(texts), model);
      const topn = options.topn ?? 10;
      return evaluateTopics(new ReferenceCorpus(dataset.tokens), model.topics(Math.max(topn, 25)), options.metrics ?? [...ALL_METRICS], { topn, skipUnknownWords: true });
    });
  }

  /** Loads a model folder written by `save`, `topickd fit` or `topickd distill`. */
  async load(dir: string): Promise<TrainedTopicModel> {
    return instanceGate.run(this.rt, async () => {
      const saved = await loadModelWith(this.rt, this.path(dir));
      return new TrainedTopicModel(this, saved.model, saved.vocabulary, saved.encoder, saved.preprocessing, saved.training, undefined, dir, saved.lineage);
    });
  }

  /**
   * The paper's experiment: per K and seed, a teacher, the student alone and the distilled
   * student, evaluated; writes results.json, results.md, report.html and the models.
   */
  async experiment(request: ExperimentRequest): Promise<ExperimentResults> {
    return instanceGate.run(this.rt, async () => {
      const name = request.dataset;
      const out = this.path(request.out ?? `runs/${name.replace(/[^\w.-]+/g, '_')}`);
      const cfg = this.embedConfig(this.runConfig({ epochs: request.epochs }));
      claimOutputDir(out, { dataset: isBundledDataset(name) ? undefined : name }, this.config.baseDir);
      const dataset = loadDataset(cfg, name, this.rt.logger);
      return runExperiment(
        this.rt,
        dataset,
        cfg,
        {
          datasetName: datasetNameOf(name),
          topics: request.topics ?? [20, 50],
          seeds: request.seeds ?? [0, 1, 2],
          out,
          hyper: hyperFor({ ...request, epochs: request.epochs }, dataset, name),
          teacher: { model: request.teacher?.model ?? 'combined', hidden: request.teacher?.hidden ?? [100, 100] },
          student: { model: request.student?.model ?? 'zeroshot', hidden: request.student?.hidden ?? [100, 100] },
          saveModels: request.saveModels,
          baselines: request.baselines,
          tune: tuneOptionsOf(request.tune, name),
        },
        this.progress(),
      );
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
        const cfg = this.embedConfig(this.runConfig({ epochs: r.epochs }));
        const bundled = isBundledDataset(r.data);
        claimOutputDir(out, { data: bundled ? undefined : r.data }, this.config.baseDir);
        return searchTopics(this.rt, cfg, { data: bundled ? r.data.toLowerCase() : this.path(r.data), datasetName: datasetNameOf(r.data), model: r.model ?? 'combined', hidden: r.hidden, topics, seeds: r.seeds, out }, this.progress());
      });
    }
    return instanceGate.run(this.rt, async () => {
      const name = request.data;
      const bundled = isBundledDataset(name);
      const out = this.path(request.out ?? 'runs/tune');
      const cfg = this.embedConfig(this.runConfig({ epochs: request.epochs }));
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
          space: { alpha: request.alpha ?? [0.1, 0.9], temperature: request.temperature ?? [1, 5] },
          trials: request.trials,
          seeds: request.seeds,
          epochs: request.epochs,
          jobs: request.jobs,
          queue: request.queue,
          reference: request.reference,
          out,
        },
        this.progress(),
      );
    });
  }

  /** @internal Documents of any accepted form, as a corpus. */
  corpusOf(texts: Texts): Corpus {
    if (typeof texts === 'string') return loadCorpus(resolveDataPath(texts, this.config.baseDir));
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

  /** @internal Embeds texts with the named encoder, through the cache. */
  async embed(texts: readonly string[], spec: EncoderSpec) {
    const encoder = this.rt.registry.createEncoder(encoderSpecOf(spec, this.config.baseDir, encoderType(spec) === 'use' ? this.config.quantize : undefined));
    return embedWithCache(encoder, texts, this.path(this.config.cacheDir ?? '.topickd-cache'), { logger: this.rt.logger, variant: embeddingCacheVariant(this.rt.backend) });
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
    return new Progress({ quiet: true, listener: this.config.onProgress });
  }

  private runConfig(o: Partial<FitOptions> & { topics?: number }): RunConfig {
    return validateRunConfig(
      stripUndefined({
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
    const { threads, embeddingThreads, trainingThreads, quantize } = this.config;
    return { ...cfg, ...stripUndefined({ threads, embeddingThreads, trainingThreads, quantize }), cacheDir: this.path(this.config.cacheDir ?? '.topickd-cache') };
  }
}

function stripUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Every setting `createTopicKD` takes. */
const API_CONFIG_KEYS = ['backend', 'fallback', 'encoder', 'losses', 'plugins', 'backendOptions', 'threads', 'embeddingThreads', 'trainingThreads', 'quantize', 'cacheDir', 'baseDir', 'logger', 'onProgress', 'signal'] as const;

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
