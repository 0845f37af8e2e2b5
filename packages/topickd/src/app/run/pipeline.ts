import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { exports as resolveExports } from 'resolve.exports';
import { embeddingPool } from '../workers/embed-pool.js';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import {
  assertFinite,
  ConfigError,
  ContainerModule,
  corpusToDataset,
  createContainer,
  DataError,
  registryOf,
  resolveModelConfig,
  bagOfWordsFor,
  TopicKDError,
  isRowSource,
  type EmbeddingRows,
  isTopicKDError,
  trainModel,
  inferTheta,
  type ActiveBackend,
  type BackendInfo,
  PORTABLE_KERNELS,
  type Dataset,
  type EncoderSpec,
  type Float32Matrix,
  type Logger,
  type PluginRegistry,
  type TrainResult,
  type TopicModel,
  type ModelPreparation,
  type TrainOptions,
  DEFAULT_LOSSES,
  encoderType,
  distill,
  lossName,
  lossOptions,
  lossWeight,
  supportedLosses,
  type DistillOptions,
  type LossSpec,
  type TopicModelConfig,
  type WeightedLoss,
  DEFAULT_TRAIN,
} from '@topickd/core';
import { CsrBuilder, documentTokens, preprocessOptionsOf, preprocessingRecord, stopwordSet, type Corpus, type CsrMatrix, type EncoderReference, type PreprocessOptions, type PreprocessingRecord, type SavedModel } from '@topickd/core';
import { canonicalJson, restoreModel, snapshotModel } from '@topickd/core/plugin';
import { loadCorpus, loadModel, lockOutputDir, maxInputBytes, openEmbeddingRows, prepareOutputDir, preprocessFile, refuseOutputOverInput, saveTheta } from '@topickd/core/node';
import wasmModule from '@topickd/backend-wasm';
import nodeBackendModule from '@topickd/backend-node';
import { encodersModule, embedWithCache } from '@topickd/encoders';
import lossesModule from '@topickd/losses';
import classicModelsModule from '@topickd/models-classic';
import type { Progress } from './progress.js';
import type { RunConfig } from './run-config.js';
import { resolveSeedTopics, type SeedTopicsRecord } from './seed-topics.js';

export const BUNDLED_DATASETS = ['m10', '20ng'] as const;

/** Whether `data` names a bundled dataset (m10, 20ng; any case). */
export function isBundledDataset(data: string): boolean {
  return (BUNDLED_DATASETS as readonly string[]).includes(data.toLowerCase());
}

/** The name results and reports give a corpus: a bundled dataset's name, else the file's or folder's name. */
export function datasetNameOf(data: string): string {
  return isBundledDataset(data) ? data.toLowerCase() : basename(data);
}

/**
 * The folder of the bundled datasets (m10, 20ng): the TopicKD repository's `datasets/` (found by
 * walking up from this file) in a clone, else the installed package @topickd/datasets (an
 * optional dependency of topickd: `npm i topickd --omit=optional` leaves it out).
 */
export function datasetsDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const cand = join(dir, 'datasets');
    if (existsSync(join(cand, 'm10', 'corpus.tsv'))) return cand;
    dir = dirname(dir);
  }
  try {
    const pkg = createRequire(import.meta.url).resolve('@topickd/datasets/package.json');
    const data = join(dirname(pkg), 'data');
    if (existsSync(join(data, 'm10', 'corpus.tsv'))) return data;
  } catch {
    /* not installed */
  }
  return undefined;
}

/** `m10` / `20ng` → the bundled OCTIS folder; anything else is a path (relative to `baseDir`). */
export function resolveDataPath(data: string, baseDir = process.cwd()): string {
  if (isBundledDataset(data)) {
    const dir = datasetsDir();
    const local = resolve(baseDir, data);
    // a folder or file of that name here would otherwise lose to the bundled dataset without a word
    if (existsSync(local) && (!dir || realpathSync(local) !== realpathSync(join(dir, data.toLowerCase())))) {
      throw new ConfigError(`"${data}" names the bundled dataset, and ${local} exists too: write ./${data} (or its full path) for the local one, or rename it`, 'data');
    }
    if (!dir) throw new DataError(`dataset "${data}" comes with the package @topickd/datasets, which is not installed (npm i @topickd/datasets), nor is the TopicKD repository's datasets/ folder here; or pass the path of an OCTIS folder`, 'IO');
    return join(dir, data.toLowerCase());
  }
  return isAbsolute(data) ? data : resolve(baseDir, data);
}

/** How long a plugin's import may take (config `pluginTimeout`, TOPICKD_PLUGIN_TIMEOUT_S; default 60 s). */
const DEFAULT_PLUGIN_TIMEOUT_S = 60;

function withTimeout<T>(p: Promise<T>, seconds: number, spec: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TopicKDError('PLUGIN_FAILED', `plugin "${spec}" did not finish loading in ${seconds} s (its module never settles); fix or remove it (config pluginTimeout or TOPICKD_PLUGIN_TIMEOUT_S changes the limit)`)),
      seconds * 1000,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Imports third-party plugin modules named in the config; each exports a ContainerModule as default. */
export async function loadPluginModules(specs: readonly string[], baseDir: string, timeoutSeconds = DEFAULT_PLUGIN_TIMEOUT_S): Promise<ContainerModule[]> {
  const modules: ContainerModule[] = [];
  for (const spec of specs) {
    let url: string;
    if (spec.startsWith('.') || isAbsolute(spec)) {
      const p = resolve(baseDir, spec);
      const entry = existsSync(p) && statSync(p).isDirectory() ? (packageImportEntry(p) ?? join(p, 'index.js')) : p;
      url = pathToFileURL(entry).href;
    } else {
      // a package name: its ESM entry (the "import" condition of its exports), found from the
      // config's folder upwards, then from TopicKD's own install
      const entry = resolvePackageImport(spec, baseDir) ?? resolvePackageImport(spec, dirname(fileURLToPath(import.meta.url)));
      if (!entry) throw new ConfigError(`plugin "${spec}" cannot be found from ${baseDir}: no node_modules/${spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/')} with an ESM or CommonJS entry there or above; install it or give a path`, 'plugins');
      url = pathToFileURL(entry).href;
    }
    let mod: Record<string, unknown>;
    try {
      mod = (await withTimeout(import(url), timeoutSeconds, spec)) as Record<string, unknown>;
    } catch (e) {
      if (isTopicKDError(e)) throw e;
      throw new TopicKDError('PLUGIN_FAILED', `plugin "${spec}" failed to load: ${(e as Error).message}`, { cause: e });
    }
    // ESM default export, or a CommonJS module whose exports hold `default`
    let m = (mod.default ?? mod.topickdModule) as (ContainerModule & { default?: ContainerModule }) | undefined;
    if (m && typeof (m as { load?: unknown }).load !== 'function' && m.default) m = m.default as typeof m;
    if (!m || typeof (m as { load?: unknown }).load !== 'function') {
      throw new TopicKDError('PLUGIN_FAILED', `plugin "${spec}" does not export an inversify ContainerModule as its default export`);
    }
    modules.push(m);
  }
  return modules;
}

/**
 * The file `import()` loads for `subpath` of the package in `pkgDir`: its "exports" resolved
 * with the import conditions (resolve.exports), else "module", "main" or index.js.
 * Undefined when its exports have no such entry for import.
 */
function packageImportEntry(pkgDir: string, subpath = '.'): string | undefined {
  const pj = join(pkgDir, 'package.json');
  const pkg = existsSync(pj) ? (JSON.parse(readFileSync(pj, 'utf8')) as { exports?: unknown; module?: string; main?: string }) : {};
  if (pkg.exports !== undefined) {
    try {
      const found = resolveExports(pkg as Parameters<typeof resolveExports>[0], subpath, { conditions: ['node', 'import'] });
      return found?.[0] ? join(pkgDir, found[0]) : undefined;
    } catch {
      return undefined; // the package exports no such entry for import
    }
  }
  return join(pkgDir, subpath === '.' ? (pkg.module ?? pkg.main ?? 'index.js') : subpath);
}

/**
 * The file `import(spec)` loads for a package installed in `fromDir`'s node_modules or
 * above (see packageImportEntry). Undefined when no such package is installed.
 */
export function resolvePackageImport(spec: string, fromDir: string): string | undefined {
  const name = spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', name);
    if (existsSync(join(pkgDir, 'package.json'))) return packageImportEntry(pkgDir, `.${spec.slice(name.length)}`);
    if (dirname(dir) === dir) return undefined;
  }
}

export interface Runtime {
  registry: PluginRegistry;
  /** The activated backend: its description and the kernel set training runs with. */
  backend: ActiveBackend;
  logger: Logger;
}

/**
 * The backend options with `trainingThreads` (else `--threads`, config `threads`, TOPICKD_THREADS) passed to the
 * backend that trains: the node backend's OpenBLAS engine splits products and Adam over that
 * many threads, the wasm backend its large products (TopicKD's product on threads sharing one
 * WebAssembly memory, Node only); `backendOptions.<backend>.threads` wins. Without either,
 * training runs on one thread.
 */
export function withTrainingThreads(cfg: RunConfig): RunConfig['backendOptions'] {
  const asked = cfg.trainingThreads ?? cfg.threads;
  if (asked === undefined) return cfg.backendOptions;
  const out = { ...cfg.backendOptions };
  for (const name of ['node', 'wasm'] as const) {
    const o = out[name] as Record<string, unknown> | undefined;
    if (o?.threads === undefined) out[name] = { ...o, threads: asked };
  }
  return out;
}

/** The DI container with every bundled plugin and the config's third-party ones, backend activated. */
export async function createRuntime(cfg: RunConfig, logger: Logger, options: { activate?: boolean } = {}): Promise<Runtime> {
  const extra = await loadPluginModules(cfg.plugins ?? [], cfg.baseDir ?? process.cwd(), cfg.pluginTimeout);
  const container = await createContainer(
    { backend: cfg.backend ?? 'wasm', fallback: cfg.fallback, encoder: cfg.encoder, losses: cfg.losses, plugins: cfg.plugins, backendOptions: withTrainingThreads(cfg) },
    { modules: [wasmModule, nodeBackendModule, encodersModule, lossesModule, classicModelsModule, ...extra], logger },
  );
  const registry = registryOf(container);
  const backend: ActiveBackend = options.activate === false ? { name: cfg.backend ?? 'wasm', tfjsBackend: '', canTrain: true, kernels: PORTABLE_KERNELS } : await registry.activateBackend();
  return { registry, backend, logger };
}

/** The preprocessing a saved model was trained with; models saved before it was recorded used the defaults. */
export function preprocessingOf(saved: Pick<SavedModel, 'preprocessing'>, pretokenized: boolean): PreprocessingRecord {
  return saved.preprocessing ?? preprocessingRecord({ pretokenized });
}

/** A corpus preprocessed as a saved model's training corpus was, over the model's vocabulary. */
export function datasetForModel(corpus: Corpus, saved: Pick<SavedModel, 'preprocessing' | 'vocabulary'>): Dataset {
  return corpusToDataset(corpus, preprocessOptionsOf(preprocessingOf(saved, corpus.pretokenized), saved.vocabulary));
}

/**
 * Bags of words of new texts over a saved model's vocabulary, tokenized as its training
 * corpus was. No document is dropped: a text with no known word is an empty row.
 */
export function bowForModel(texts: readonly string[], saved: Pick<SavedModel, 'preprocessing' | 'vocabulary'>, pretokenized = false): CsrMatrix {
  return bagOfWordsFor(texts, saved.vocabulary, saved.preprocessing, pretokenized);
}

/** Warnings of a command run without a logger of its own: one line each on stderr. */
const STDERR_LOGGER: Logger = { warn: (m) => process.stderr.write(`topickd: warning: ${m}\n`) };

/** The corpus `--data` names (a bundled dataset, a folder or a file). */
function corpusOfData(cfg: RunConfig, data: string | undefined): Corpus {
  if (!data) throw new ConfigError('no data: give --data (an OCTIS folder, .tsv, .jsonl, .txt, or m10 / 20ng)', 'data');
  return loadCorpus(resolveDataPath(data, cfg.baseDir), { textField: cfg.textField });
}

export function loadDataset(cfg: RunConfig, data = cfg.data, logger: Logger = STDERR_LOGGER): Dataset {
  const dataset = corpusToDataset(corpusOfData(cfg, data), { vocabularySize: cfg.vocabularySize, minDf: cfg.minDf, maxDf: cfg.maxDf });
  for (const w of dataset.warnings) logger.warn(`${data}: ${w}`);
  return dataset;
}

/**
 * `--data` read as a saved model's training corpus was: its tokenization and its vocabulary
 * (words it does not know are left out; the preprocessing settings of `cfg` do not apply).
 * What `distill`, `tune` and `tkd.distill` train on: a teacher's vocabulary is the student's.
 */
export function loadDatasetForModel(cfg: RunConfig, saved: Pick<SavedModel, 'preprocessing' | 'vocabulary'>, data = cfg.data, logger: Logger = STDERR_LOGGER): Dataset {
  const corpus = corpusOfData(cfg, data);
  let dataset: Dataset;
  try {
    dataset = datasetForModel(corpus, saved);
  } catch (e) {
    if (e instanceof DataError && e.code === 'EMPTY_CORPUS') {
      throw new DataError(`none of the ${corpus.documents.length} documents of ${data} has a word of the model's vocabulary (${saved.vocabulary.length} words); give the corpus the model was trained on, or one in its language`, 'EMPTY_CORPUS');
    }
    throw e;
  }
  for (const w of dataset.warnings) logger.warn(`${data}: ${w}`);
  if (dataset.dropped > 0) {
    const all = dataset.dropped + dataset.bow.rows;
    logger.warn(`${data}: ${dataset.dropped} of ${all} documents have no word of the model's vocabulary (${saved.vocabulary.length} words) and are left out${dataset.dropped * 2 > all ? '; is this the corpus (or the language) the model was trained on?' : ''}`);
  }
  return dataset;
}

export function encoderSpecOf(spec: EncoderSpec | undefined, baseDir?: string, quantize?: 'int8' | 'float16'): EncoderSpec {
  const s = spec ?? 'use';
  if (quantize) {
    // the use encoder's weights quantized (`quantize` / --quantize); another encoder has no such setting
    if (encoderType(s) !== 'use') throw new ConfigError(`--quantize (config quantize) runs the use encoder with quantized weights; the encoder here is ${encoderType(s)}`, 'quantize');
    return { ...(typeof s === 'string' ? {} : s), type: 'use', quantize };
  }
  // relative precomputed paths in a config file resolve against the file's folder
  if (typeof s === 'string' && s.startsWith('precomputed:') && baseDir) {
    const p = s.slice('precomputed:'.length);
    return `precomputed:${isAbsolute(p) ? p : resolve(baseDir, p)}`;
  }
  // a static encoder's folder is recorded in the models trained with it: absolute, so they infer from anywhere
  if (encoderType(s) === 'static') {
    const o = typeof s === 'string' ? { path: s.slice('static:'.length) } : { ...s };
    const p = (o.path ?? o.modelDir) as string | undefined;
    if (p && !(o as { url?: string }).url) return { type: 'static', path: resolve(baseDir ?? process.cwd(), p) };
  }
  return s;
}

/**
 * The settings of an encoder spec a model keeps to create the same encoder again (the options
 * the registry gives its factory, less `type`); none for a spec without settings and for
 * precomputed embeddings, whose file belongs to the training corpus.
 */
export function encoderOptionsOf(spec: EncoderSpec): Record<string, unknown> | undefined {
  const type = encoderType(spec);
  if (type === 'precomputed') return undefined;
  const { type: _type, ...options } = typeof spec === 'string' ? (spec.includes(':') ? { type, path: spec.slice(type.length + 1) } : { type }) : spec;
  return Object.keys(options).length ? (JSON.parse(JSON.stringify(options)) as Record<string, unknown>) : undefined;
}

/** The spec that creates a saved model's encoder again: its plugin name and settings. */
export function encoderSpecOfModel(ref: Pick<EncoderReference, 'type' | 'options'>): EncoderSpec {
  const type = ref.type ?? 'use';
  return ref.options ? ({ ...ref.options, type } as EncoderSpec) : type;
}

/**
 * The encoder a saved model infers with: `--encoder` (config `encoder`) when given, else the one
 * its manifest records (with its options), quantized when `quantize` asks; null for a model that
 * reads the bag of words alone (LDA) and was given no encoder. What infer, topics --labels and
 * topics-over-time embed with.
 */
export function inferenceEncoderSpec(cfg: Pick<RunConfig, 'encoder' | 'baseDir' | 'quantize'>, saved: Pick<SavedModel, 'encoder'>): EncoderSpec | null {
  if (saved.encoder.dim === 0 && !cfg.encoder) return null;
  return encoderSpecOf(cfg.encoder ?? encoderSpecOfModel(saved.encoder), cfg.baseDir, cfg.quantize);
}

/**
 * The embedding cache's variant for rows computed on this backend: its numerics, so a run
 * never reads rows another backend computed (results never depend on the cache's history).
 */
export function embeddingCacheVariant(backend: Pick<BackendInfo, 'numerics' | 'tfjsBackend'>): string {
  return backend.numerics ?? backend.tfjsBackend;
}

/** What a model records of the encoder its embeddings came from. */
export function encoderReferenceOf(emb: { encoderId: string; encoderType: string; encoderOptions?: Record<string, unknown>; embeddings: { cols: number } }): EncoderReference {
  return { id: emb.encoderId, dim: emb.embeddings.cols, type: emb.encoderType, ...(emb.encoderOptions ? { options: emb.encoderOptions } : {}) };
}

/** Embeds the dataset's documents with the named encoder, through the on-disk cache. */
export async function embedDataset(
  rt: Runtime,
  dataset: Dataset,
  spec: EncoderSpec | undefined,
  cfg: RunConfig,
  progress: Progress,
  label = 'embedding',
): Promise<{ embeddings: Float32Matrix; encoderId: string; encoderType: string; encoderOptions?: Record<string, unknown>; computed: number; seconds: number }> {
  const s = encoderSpecOf(spec, cfg.baseDir, encoderType(spec ?? 'use') === 'use' ? cfg.quantize : undefined);
  const encoder = rt.registry.createEncoder(s);
  const t0 = performance.now();
  const type = encoderType(s);
  let m: Float32Matrix & { computed: number };
  if (type === 'precomputed') {
    // precomputed rows are aligned with the corpus file: keep the rows of the documents preprocessing kept
    const pre = encoder as unknown as { rows(idx: ArrayLike<number>): Promise<Float32Matrix>; size(): Promise<number>; load(): Promise<void> };
    await pre.load();
    const total = await pre.size();
    const expected = dataset.kept.length + dataset.dropped;
    if (total !== expected) {
      throw new DataError(`the embedding file has ${total} rows but the corpus has ${expected} documents; embed the same corpus, one row per document`, 'DIMENSION_MISMATCH');
    }
    m = { ...(await pre.rows(dataset.kept)), computed: 0 };
  } else {
    const pool = embeddingPool(rt.backend, cfg, s, { encoder });
    try {
      m = await embedWithCache(encoder, dataset.documents, cfg.cacheDir ?? '.topickd-cache', { onProgress: progress.embedding(label), logger: rt.logger, parallel: pool?.parallel, variant: embeddingCacheVariant(rt.backend) });
    } finally {
      await pool?.close();
    }
  }
  assertFinite(m, `embeddings from ${encoder.id}`);
  const seconds = (performance.now() - t0) / 1000;
  if (type !== 'precomputed') progress.embedded(label, m.rows, m.rows - m.computed, seconds);
  const encoderOptions = encoderOptionsOf(s);
  return { embeddings: m, encoderId: encoder.id, encoderType: encoder.type ?? type, ...(encoderOptions ? { encoderOptions } : {}), computed: m.computed, seconds };
}

/** Training options from the run config, with the runtime's kernel set. */
export function trainOptionsOf(rt: Runtime, cfg: RunConfig, progress: Progress, label: string, seed: number): TrainOptions {
  return {
    epochs: cfg.epochs ?? DEFAULT_TRAIN.epochs,
    batchSize: cfg.batchSize,
    learningRate: cfg.learningRate,
    seed,
    validationFraction: cfg.validationFraction,
    patience: cfg.patience,
    onEvent: progress.training(label),
    kernels: rt.backend.kernels,
  };
}

/** A copy of a model with its own tensors (the same kind, weights and batch-norm statistics): the original stays as it was. */
export function copyModel(rt: Runtime, model: TopicModel, seed = 0): TopicModel {
  const { kind, ...shape } = model.config;
  const copy = rt.registry.modelFactory(kind).create(shape, seed);
  try {
    restoreModel(copy, snapshotModel(model));
  } catch (e) {
    copy.dispose();
    throw e;
  }
  return copy;
}

/** Loads a model folder with the runtime's model kinds (core's and the plugins'). */
export function loadModelWith(rt: Runtime, dir: string): ReturnType<typeof loadModel> {
  return loadModel(dir, { models: rt.registry });
}

export interface TrainedModel {
  model: TopicModel;
  result: TrainResult;
  /** The seed words it was steered with (config `seedTopics`), for its record. */
  seeded?: SeedTopicsRecord;
}

export async function fitOn(
  rt: Runtime,
  dataset: Pick<Dataset, 'bow' | 'vocabulary'>,
  embeddings: EmbeddingRows,
  arch: { kind: string; topics: number; hidden?: number[] },
  cfg: RunConfig,
  progress: Progress,
  label: string,
  seed: number,
  extra: Partial<TrainOptions> = {},
): Promise<TrainedModel> {
  const seeded = resolveSeedTopics(cfg, dataset.vocabulary, rt.logger);
  const model = await createModel(rt, modelConfigOf(arch, dataset, embeddings, cfg), cfg, dataset, seed);
  try {
    const result = await trainModel(model, { bow: dataset.bow, embeddings }, { ...trainOptionsOf(rt, cfg, progress, label, seed), ...(seeded ? { seedTopics: seeded.seeds } : {}), ...extra });
    return { model, result, ...(seeded ? { seeded: seeded.record } : {}) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The configuration of a model of `arch` for this data (its kind's options from the run config). */
export function modelConfigOf(arch: { kind: string; topics: number; hidden?: number[] }, dataset: Pick<Dataset, 'vocabulary'>, embeddings: Pick<EmbeddingRows, 'cols'>, cfg: RunConfig): TopicModelConfig {
  return resolveModelConfig({
    kind: arch.kind,
    numTopics: arch.topics,
    vocabSize: dataset.vocabulary.length,
    embeddingDim: embeddings.cols,
    hiddenSizes: arch.hidden,
    dropout: cfg.dropout,
    options: cfg.modelOptions?.[arch.kind],
  });
}

/** A new model of the registry's kind, prepared for the vocabulary when its kind asks (ETM). */
async function createModel(rt: Runtime, config: TopicModelConfig, cfg: RunConfig, dataset: Pick<Dataset, 'vocabulary'>, seed: number, role?: string): Promise<TopicModel> {
  const model = rt.registry.modelFactory(config.kind, role).create(config, seed);
  if (model.prepare) {
    try {
      await model.prepare(modelPreparation(rt, cfg, dataset.vocabulary));
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  return model;
}

/**
 * The distillation losses a run uses: `asked` (undefined: the defaults, DEFAULT_LOSSES, keeping
 * those the teachers can serve — a teacher without a posterior network serves the losses that
 * read its words), as plugins and as the specs that were kept (for records and fingerprints).
 */
export function distillLosses(rt: Runtime, teachers: readonly TopicModel[], asked: readonly LossSpec[] | undefined): { losses: WeightedLoss[]; specs: LossSpec[] } {
  const all = asked ?? DEFAULT_LOSSES;
  const losses = supportedLosses(teachers, rt.registry.weightedLosses([...all]), asked === undefined);
  return { losses, specs: all.filter((s) => losses.some((l) => l.loss.name === lossName(s))) };
}

/** What a model folder records of a training (`training` in manifest.json): the CLI's `fit` and `tkd.fit` write the same. */
export function trainingRecord(dataset: { source: string; bow: { rows: number } }, result: Pick<TrainResult, 'epochs' | 'finalLoss' | 'seconds'>, seed: number, backend: string, seeded?: SeedTopicsRecord): Record<string, unknown> {
  return { data: dataset.source, documents: dataset.bow.rows, epochs: result.epochs, finalLoss: result.finalLoss, seed, seconds: result.seconds, backend, ...seeded };
}

/** A teacher as a distilled model's record names it: its folder where it has one, its kind and size. */
export interface TeacherRecord {
  dir?: string;
  kind: string;
  params: number;
}

/** What a distilled model records (the CLI's `distill` and `tkd.distill` write the same). */
export function distillRecord(
  base: Record<string, unknown>,
  hyper: { alpha: number; temperature: number; recipe?: string; kdEpochs?: number },
  losses: readonly LossSpec[],
  teachers: readonly TeacherRecord[],
  /** The teacher that gives the posterior (the first neural one): its size is `teacherParams`. */
  first: TeacherRecord,
): Record<string, unknown> {
  const withOptions = losses.filter((l) => lossOptions(l));
  return {
    role: 'distilled',
    ...base,
    alpha: hyper.alpha,
    temperature: hyper.temperature,
    ...(hyper.recipe ? { recipe: hyper.recipe } : {}),
    ...(hyper.kdEpochs !== undefined ? { kdEpochs: hyper.kdEpochs } : {}),
    lossWeights: Object.fromEntries(losses.map((l) => [lossName(l), lossWeight(l)])),
    ...(withOptions.length ? { lossOptions: Object.fromEntries(withOptions.map((l) => [lossName(l), lossOptions(l)])) } : {}),
    ...(teachers[0]?.dir !== undefined ? { teacher: teachers[0].dir } : {}),
    teacherParams: first.params,
    teachers: teachers.map((t) => ({ ...(t.dir !== undefined ? { dir: t.dir } : {}), kind: t.kind, params: t.params })),
  };
}

export interface DistilledModel extends TrainedModel {
  /** The losses it was distilled with. */
  losses: LossSpec[];
}

/**
 * The distillation run — the one the CLI's `distill`, `tkd.distill`, the experiment's grid and
 * `tune` all call: a new student of `arch` trained on `dataset` with the teachers' soft labels
 * (Adhya & Sanyal 2023), α and T as given (see distillHyper for their defaults), the losses
 * `asked` (undefined: the defaults the teachers can serve), `cfg`'s training settings.
 */
export async function distillOn(
  rt: Runtime,
  dataset: Pick<Dataset, 'bow' | 'vocabulary'>,
  inputs: { embeddings: EmbeddingRows; teacherEmbeddings: EmbeddingRows | readonly EmbeddingRows[] },
  teachers: readonly TopicModel[],
  arch: { kind: string; topics: number; hidden?: number[] },
  cfg: RunConfig,
  progress: Progress,
  label: string,
  seed: number,
  /** α and T; kdEpochs the distillation phase (undefined: every epoch), as distillHyper resolves it. */
  hyper: { alpha: number; temperature: number; kdEpochs: number | undefined; losses?: readonly LossSpec[] },
  extra: Partial<DistillOptions> = {},
): Promise<DistilledModel> {
  const { losses, specs } = distillLosses(rt, teachers, hyper.losses);
  const seeded = resolveSeedTopics(cfg, dataset.vocabulary, rt.logger);
  const student = await createModel(rt, modelConfigOf(arch, dataset, inputs.embeddings, cfg), cfg, dataset, seed, 'student');
  try {
    const result = await distill(teachers, student, { student: { bow: dataset.bow, embeddings: inputs.embeddings }, teacherEmbeddings: inputs.teacherEmbeddings }, losses, {
      ...trainOptionsOf(rt, cfg, progress, label, seed),
      alpha: hyper.alpha,
      temperature: hyper.temperature,
      kdEpochs: hyper.kdEpochs,
      ...(seeded ? { seedTopics: seeded.seeds } : {}),
      ...extra,
    });
    return { model: student, result, losses: specs, ...(seeded ? { seeded: seeded.record } : {}) };
  } catch (e) {
    student.dispose();
    throw e;
  }
}

/** What a model's `prepare` gets: the vocabulary, and the run's encoder for embedding words (ETM). */
export function modelPreparation(rt: Runtime, cfg: RunConfig, vocabulary: readonly string[]): ModelPreparation {
  return {
    vocabulary,
    embedTexts: async (texts) => {
      const encoder = rt.registry.createEncoder(encoderSpecOf(cfg.encoder, cfg.baseDir, cfg.quantize));
      try {
        return await encoder.embed(texts);
      } finally {
        encoder.dispose?.();
      }
    },
  };
}

/** Whether training a kind reads document embeddings (LDA's does not: no encoder runs for it). */
export function kindNeedsEmbeddings(rt: Runtime, kind: string): boolean {
  return rt.registry.modelFactory(kind).needsEmbeddings !== false;
}

/** The embeddings of a model that reads none: N rows of zero columns. */
export function noEmbeddings(rows: number): Float32Matrix {
  return { rows, cols: 0, data: new Float32Array(0) };
}

/**
 * Each teacher's embeddings of a dataset, in the teachers' order: none for a teacher that reads
 * none, the student's where its encoder is the student's, else its own encoder's (`override`:
 * the encoder to use instead of the saved one, e.g. precomputed:FILE).
 */
export async function teacherEmbeddings(
  rt: Runtime,
  dataset: Dataset,
  teachers: readonly { encoder: { id: string; dim: number; type?: string } }[],
  student: { embeddings: EmbeddingRows; encoderId: string },
  cfg: RunConfig,
  progress: Progress,
  override?: string,
): Promise<EmbeddingRows[]> {
  const out: EmbeddingRows[] = [];
  for (const t of teachers) {
    if (t.encoder.dim === 0) out.push(noEmbeddings(dataset.bow.rows));
    else if (!override && t.encoder.id === student.encoderId) out.push(student.embeddings);
    else {
      const spec = override ?? encoderSpecOfModel(t.encoder);
      if (spec === 'precomputed') {
        throw new ConfigError(`the teacher was trained on precomputed embeddings (${t.encoder.id}); give them with --teacher-encoder precomputed:FILE`, 'teacherEncoder');
      }
      out.push((await embedDataset(rt, dataset, spec, cfg, progress, 'teacher embeddings')).embeddings);
    }
  }
  return out;
}

/** The encoder reference saved with a model that reads no embeddings. */
export const NO_ENCODER = { id: 'none', dim: 0, type: 'none' } as const;

/** θ of a model's training documents (N × K floats), with what theta.json records of them. */
export interface TrainingTheta {
  theta: Float32Matrix;
  kept: ArrayLike<number>;
  corpusDocuments: number;
  samples: number;
}

/** θ of the training documents, as CTM's get_doc_topic_distribution (`samples` draws, seed 0). */
export function trainingThetaOf(model: TopicModel, dataset: Pick<Dataset, 'bow' | 'kept' | 'dropped'>, embeddings: EmbeddingRows, samples = 20): TrainingTheta {
  return { theta: inferTheta(model, { bow: dataset.bow, embeddings }, { samples, seed: 0 }), kept: dataset.kept, corpusDocuments: dataset.kept.length + dataset.dropped, samples };
}

/** Writes training θ beside a saved model: theta.npy + theta.json. */
export function writeTrainingTheta(dir: string, t: TrainingTheta): void {
  saveTheta(dir, t.theta, t.kept, { corpusDocuments: t.corpusDocuments, samples: t.samples, seed: 0 });
}

/** θ of the training documents beside a saved model (theta.npy + theta.json). */
export function saveTrainingTheta(dir: string, model: TopicModel, dataset: Pick<Dataset, 'bow' | 'kept' | 'dropped'>, embeddings: EmbeddingRows, cfg: RunConfig): void {
  writeTrainingTheta(dir, trainingThetaOf(model, dataset, embeddings, cfg.samples ?? 20));
}

/**
 * Before any work: the output folder is creatable and writable, is none of the run's
 * inputs, and no other TopicKD process is writing it (its lock is held until exit).
 */
export function claimOutputDir(out: string, inputs: Record<string, string | undefined>, baseDir?: string): void {
  const resolved = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v && !isBundledDataset(v) ? resolve(baseDir ?? process.cwd(), v) : undefined]));
  refuseOutputOverInput(out, resolved);
  prepareOutputDir(out);
  lockOutputDir(out);
}

/**
 * SHA-256 of each input a run depends on, so `--resume` can tell which one differs:
 * the documents (their bags of words), the embeddings, the model's configuration, the
 * training options, and (for distillation) the teacher.
 */
export function runFingerprint(parts: { documents: CsrMatrix; embeddings: EmbeddingRows; config: object; options: object; teacher?: object }): Record<string, string> {
  const hash = (...chunks: (ArrayBufferView | string)[]) => {
    const h = createHash('sha256');
    for (const c of chunks) h.update(typeof c === 'string' ? c : new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    return h.digest('hex');
  };
  const d = parts.documents;
  return {
    documents: hash(`${d.rows}x${d.cols}`, d.indptr, d.indices, d.values),
    embeddings: embeddingsDigest(parts.embeddings),
    model: hash(canonicalJson(parts.config)),
    options: hash(canonicalJson(parts.options)),
    ...(parts.teacher ? { teacher: hash(canonicalJson(parts.teacher)) } : {}),
  };
}

/** SHA-256 of embedding rows, in memory or on disk (read in chunks, never all at once). */
export function embeddingsDigest(e: EmbeddingRows): string {
  const h = createHash('sha256').update(`${e.rows}x${e.cols}`);
  if (!isRowSource(e)) return h.update(new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength)).digest('hex');
  const chunk = 4096;
  const buf = new Float32Array(chunk * e.cols);
  for (let s = 0; s < e.rows; s += chunk) {
    const n = Math.min(chunk, e.rows - s);
    e.readRows(Int32Array.from({ length: n }, (_, i) => s + i), buf);
    h.update(new Uint8Array(buf.buffer, 0, n * e.cols * 4));
  }
  return h.digest('hex');
}

const FINGERPRINT_HINT: Record<string, string> = {
  documents: 'other documents (or another preprocessing of them): resume with the same --data and preprocessing flags',
  embeddings: 'other embeddings: resume with the same --encoder',
  model: 'another architecture: resume with the same --model/--student, --topics, --hidden and --dropout',
  options: 'other training options: resume with the same seed, batch size, learning rate, validation fraction, α, T, losses and distillation phase (--kd-epochs: the auto recipe distils for half of --epochs in runs of ≤ 50 epochs, so to extend such a run give --kd-epochs explicitly)',
  teacher: 'another teacher: resume with the same --teacher',
};

/** Refuses a checkpoint whose run differs from this one, naming what differs. */
export function checkResumeFingerprint(path: string, saved: Record<string, string> | undefined, now: Record<string, string>): void {
  if (!saved) throw new ConfigError(`${path} was written by an earlier TopicKD without a record of its inputs; train again without --resume`, 'resume');
  for (const [k, v] of Object.entries(now)) {
    if (saved[k] !== v) throw new ConfigError(`${path} was written for ${FINGERPRINT_HINT[k] ?? `another ${k}`}`, 'resume');
  }
}

/** Corpus files above this size (config `streamMb`, TOPICKD_STREAM_MB; default the smaller of 64 MiB and the read limit) are streamed from disk by `fit`. */
export function streamThresholdBytes(cfg: Pick<RunConfig, 'streamMb'> = {}): number {
  return cfg.streamMb !== undefined ? cfg.streamMb * 2 ** 20 : Math.min(64 * 2 ** 20, maxInputBytes());
}

/** What `fit` trains on: in memory, or (a large corpus) streamed from disk. */
export interface TrainingData {
  dataset: Pick<Dataset, 'bow' | 'vocabulary' | 'kept' | 'dropped' | 'preprocessing' | 'source'>;
  embeddings: EmbeddingRows;
  encoderId: string;
  encoderType: string;
  encoderOptions?: Record<string, unknown>;
  streamed: boolean;
}

/**
 * The training data of `fit`. A `.txt`/`.jsonl` corpus larger than streamThresholdBytes()
 * is never read whole: preprocessFile makes the vocabulary and the bag of words in two
 * streamed passes, and the embeddings (which must be precomputed, one float32 row per
 * line) are read from their .npy file a batch at a time.
 */
export async function loadTrainingData(rt: Runtime, cfg: RunConfig, progress: Progress, needs: { embeddings?: boolean } = {}): Promise<TrainingData> {
  if (!cfg.data) throw new ConfigError('no data: give --data (an OCTIS folder, .tsv, .jsonl, .txt, or m10 / 20ng)', 'data');
  const path = resolveDataPath(cfg.data, cfg.baseDir);
  const ext = path.toLowerCase().match(/\.(txt|jsonl|ndjson)$/)?.[1];
  const size = ext && existsSync(path) && statSync(path).isFile() ? statSync(path).size : 0;
  if (needs.embeddings === false && (!ext || size <= streamThresholdBytes(cfg))) {
    // a model that reads the bag of words alone (LDA): no encoder runs
    const dataset = loadDataset(cfg, cfg.data, rt.logger);
    return { dataset, embeddings: noEmbeddings(dataset.bow.rows), encoderId: NO_ENCODER.id, encoderType: NO_ENCODER.type, streamed: false };
  }
  if (!ext || size <= streamThresholdBytes(cfg)) {
    const dataset = loadDataset(cfg, cfg.data, rt.logger);
    const emb = await embedDataset(rt, dataset, cfg.encoder, cfg, progress);
    return { dataset, embeddings: emb.embeddings, encoderId: emb.encoderId, encoderType: emb.encoderType, ...(emb.encoderOptions ? { encoderOptions: emb.encoderOptions } : {}), streamed: false };
  }
  const spec = encoderSpecOf(cfg.encoder, cfg.baseDir);
  const file = typeof spec === 'string' && spec.startsWith('precomputed:') ? spec.slice('precomputed:'.length) : undefined;
  if (!file || !file.endsWith('.npy')) {
    throw new ConfigError(
      `${cfg.data} is ${(size / 2 ** 20).toFixed(0)} MiB: fit streams a corpus this large from disk, which needs its embeddings precomputed — ` +
        'give --encoder precomputed:FILE.npy (float32, one row per line of the corpus); TOPICKD_STREAM_MB (config streamMb) sets the size from which corpora are streamed',
      'encoder',
    );
  }
  const options = { vocabularySize: cfg.vocabularySize, minDf: cfg.minDf, maxDf: cfg.maxDf, format: ext === 'txt' ? ('text' as const) : ('jsonl' as const), textField: cfg.textField };
  progress.log(`${cfg.data}: ${(size / 2 ** 20).toFixed(0)} MiB, streamed from disk (two passes)`);
  const st = await preprocessFile(path, { ...options, onProgress: (pass, n) => progress.log(`pass ${pass}: ${n.toLocaleString('en-US')} documents`) });
  const rows = openEmbeddingRows(file);
  if (rows.rows !== st.documents) {
    rows.close();
    throw new DataError(`the embedding file has ${rows.rows} rows but the corpus has ${st.documents} documents; embed the same corpus, one row per document`, 'DIMENSION_MISMATCH');
  }
  return {
    dataset: { bow: st.bow, vocabulary: st.vocabulary, kept: st.kept, dropped: st.dropped, preprocessing: preprocessingRecord(options), source: cfg.data },
    embeddings: rows.select(st.kept),
    encoderId: rt.registry.createEncoder(spec).id,
    encoderType: 'precomputed',
    streamed: true,
  };
}
