import { existsSync } from 'node:fs';
import { readTextChecked } from '@topickd/core/node';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describeValue as describe } from '@topickd/core/plugin';
import { seedListsProblem } from './seed-topics.js';
import { ConfigError, isSeed, MAX_NESTING, nestingDepth, DEFAULT_LOSSES, DISTILL_RECIPES, isDistillRecipe, type DistillRecipeName, lossName, lossWeight, MODEL_SIZE_LIMITS, validatePluginConfig, type BackendOptions, type EncoderSpec, type LossSpec, type ModelOptions } from '@topickd/core';

/** A model kind and its hidden layers (the teacher's or the student's in a config file). */
export interface ModelArchitecture {
  model?: string;
  hidden?: number[];
}

/** Everything a run needs; a JSON/YAML config file holds any part of it, flags override it. */
export interface RunConfig {
  backend?: string;
  fallback?: string;
  /** Encoder of the model being trained (student, for distill). */
  encoder?: EncoderSpec;
  /** Encoder of the teacher (experiment; default: `encoder`). */
  teacherEncoder?: EncoderSpec;
  losses?: LossSpec[];
  plugins?: string[];
  /** Options of each backend by name (`{ wasm: { simdMatMul: false }, node: { threads: 2 } }`); see PluginConfig. */
  backendOptions?: BackendOptions;
  data?: string;
  /** JSONL corpora: the field holding the text (default "text"). */
  textField?: string;
  /** A registered model kind: `combined`, `zeroshot`, or one a plugin adds. */
  model?: string;
  /**
   * Each model kind's own settings, by kind (`{ lda: { passes: 20 }, bertopic: { clustering: "hdbscan" } }`);
   * saved with the model. The kind's plugin checks them when the model is built.
   */
  modelOptions?: Record<string, ModelOptions>;
  topics?: number;
  hidden?: number[];
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  dropout?: number;
  validationFraction?: number;
  patience?: number;
  alpha?: number;
  temperature?: number;
  /** How α and T not given are chosen: `auto` (default) or `paper` (core's distillHyper). */
  recipe?: DistillRecipeName;
  kdEpochs?: number;
  /** Seeded topics: the first topics steered towards these words — lists of words, or a JSON file holding them. */
  seedTopics?: string | string[][];
  /** The weight of the seed term per document (default 0.3). */
  seedStrength?: number;
  /** Student architecture for distill/experiment. */
  student?: ModelArchitecture;
  /** Teacher architecture for experiment. */
  teacher?: ModelArchitecture;
  out?: string;
  cacheDir?: string;
  samples?: number;
  /**
   * Threads for everything that can use them (`--threads`; default TOPICKD_THREADS): embedding
   * (worker threads; default all cores), training (the backend's products; default 1) and θ
   * inference (worker threads; default 1). `embeddingThreads` and `trainingThreads` set one alone.
   */
  threads?: number;
  /** Worker threads for embedding; wins over `threads` (default: `threads`, else all cores). */
  embeddingThreads?: number;
  /** Threads the training backend computes on; wins over `threads` (default: `threads`, else 1). */
  trainingThreads?: number;
  /** Run the use encoder with quantized weights (`int8`, `float16`; `export`: write them so). Default: float32. */
  quantize?: 'int8' | 'float16';
  checkpointEvery?: number;
  /** Preprocessing for raw text corpora. */
  vocabularySize?: number;
  minDf?: number;
  maxDf?: number;
  /** Seconds a queued run (or a worker) rides out a Redis outage before it gives up (default 300; 0: for ever). */
  queueTimeout?: number;
  /** `fit`: corpus files larger than this (MiB) are streamed from disk (default: the smaller of 64 and the read limit, TOPICKD_MAX_INPUT_MB). */
  streamMb?: number;
  /** Seconds a plugin's module may take to load (default 60). */
  pluginTimeout?: number;
  /** Directory the config file was read from (relative paths in it resolve against it). */
  baseDir?: string;
}

type Check = (v: unknown) => string | null;
const isPosInt: Check = (v) => (Number.isInteger(v) && (v as number) > 0 ? null : 'a positive integer');
const isNonNegInt: Check = (v) => (Number.isInteger(v) && (v as number) >= 0 ? null : 'an integer ≥ 0');
const isPosNum: Check = (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? null : 'a number > 0');
const isUnit: Check = (v) => (typeof v === 'number' && v >= 0 && v <= 1 ? null : 'a number in [0, 1]');
const isFraction: Check = (v) => (typeof v === 'number' && v >= 0 && v < 1 ? null : 'a number in [0, 1)');
const isStr: Check = (v) => (typeof v === 'string' && v !== '' ? null : 'a non-empty string');
/** A model kind's name; whether it is registered is checked against the plugins when the run starts. */
const isModel: Check = (v) => (typeof v === 'string' && /^[a-z][a-z0-9-]{0,63}$/.test(v) ? null : 'a model kind such as "combined" or "zeroshot" (or one a plugin registers)');
/** A positive integer at most `max`; beyond it, what it would cost (said before anything is allocated). */
const upTo = (max: number, cost?: (v: number) => string): Check => (v) => {
  if (!Number.isInteger(v) || (v as number) <= 0) return 'a positive integer';
  return (v as number) > max ? `at most ${max.toLocaleString('en-US')}${cost ? ` (${cost(v as number)})` : ''}` : null;
};
const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GB`;
/** Sizes are checked against a 2,000-word vocabulary and 512-d embeddings (the defaults) for the cost in messages. */
const INPUT_WIDTH = 2512;
const isHidden: Check = (v) => {
  if (!Array.isArray(v) || !v.every((h) => Number.isInteger(h) && h > 0)) return 'a list of positive integers, e.g. [100, 100]';
  if (v.length > MODEL_SIZE_LIMITS.layers) return `at most ${MODEL_SIZE_LIMITS.layers} layers`;
  const big = v.find((h) => h > MODEL_SIZE_LIMITS.hidden);
  if (big !== undefined) return `a list of layer sizes of at most ${MODEL_SIZE_LIMITS.hidden.toLocaleString('en-US')} units (a layer of ${big.toLocaleString('en-US')} units after a ${INPUT_WIDTH.toLocaleString('en-US')}-wide input would take ${gb(big * INPUT_WIDTH * 4 * 4)} with its Adam moments and gradient)`;
  return null;
};
const isArch: Check = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'an object { model, hidden }';
  for (const [k, x] of Object.entries(v)) {
    if (k === 'model' && isModel(x)) return `an object whose "model" is ${isModel(x)}`;
    if (k === 'hidden' && isHidden(x)) return `an object whose "hidden" is ${isHidden(x)}`;
    if (k !== 'model' && k !== 'hidden') return `an object with only "model" and "hidden" (found "${k}")`;
  }
  return null;
};

function isModelOptions(v: unknown): string | null {
  const shape = 'an object of model kinds, each an object of settings (numbers, strings, booleans), e.g. { "lda": { "passes": 20 } }';
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return shape;
  for (const [kind, o] of Object.entries(v)) {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return `${shape} (the value of "${kind}" is not an object)`;
    for (const [k, x] of Object.entries(o)) {
      if (!['number', 'string', 'boolean'].includes(typeof x) || (typeof x === 'number' && !Number.isFinite(x))) return `${shape} ("${kind}.${k}" is ${describe(x)})`;
    }
  }
  return null;
}

/** Parses `--model-options key=value,key=value` (numbers and true/false as such, the rest as strings). */
/**
 * The losses with the `ce` loss's soft labels taken from the word logits after (`post-bn`) or
 * before (`pre-bn`) the decoder's batch norm (`--ce-logits`); other losses unchanged.
 */
export function withCeLogits(losses: readonly LossSpec[] | undefined, logits: string): LossSpec[] {
  if (logits !== 'pre-bn' && logits !== 'post-bn') throw new ConfigError(`--ce-logits must be pre-bn or post-bn, got ${JSON.stringify(logits)}`, 'ceLogits');
  const specs = losses ?? [...DEFAULT_LOSSES];
  if (!specs.some((s) => lossName(s) === 'ce')) throw new ConfigError('--ce-logits applies to the ce loss, which the losses do not include', 'ceLogits');
  return specs.map((s) => (lossName(s) === 'ce' ? { name: 'ce', weight: lossWeight(s), options: { ...(typeof s === 'string' ? {} : s.options), logits } } : s));
}

export function parseModelOptions(text: string): ModelOptions {
  const out: ModelOptions = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--model-options takes key=value pairs separated by commas (e.g. passes=20,iterations=100), got "${part}"`, 'modelOptions');
    const [k, raw] = [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    out[k] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

/** JSON Schema (draft 2020-12) of one value. */
export type JsonSchema = Record<string, unknown>;
/** A config key, declared once: its check (the message says what is allowed), its JSON Schema and what it does. */
interface Field {
  check: Check | 'plugin';
  json: JsonSchema;
  doc: string;
}
const int = (minimum: number, maximum?: number): JsonSchema => ({ type: 'integer', minimum, ...(maximum !== undefined ? { maximum } : {}) });
const str: JsonSchema = { type: 'string', minLength: 1 };
const hiddenJson: JsonSchema = { type: 'array', maxItems: MODEL_SIZE_LIMITS.layers, items: int(1, MODEL_SIZE_LIMITS.hidden) };
const modelJson: JsonSchema = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$' };
const archJson: JsonSchema = { type: 'object', additionalProperties: false, properties: { model: modelJson, hidden: hiddenJson } };
const encoderJson: JsonSchema = { oneOf: [str, { type: 'object', required: ['type'], properties: { type: { type: 'string' } } }] };
const object = (values: JsonSchema): JsonSchema => ({ type: 'object', additionalProperties: values });

/**
 * The one schema of a run's configuration: config files (JSON/YAML), flags (each checked as
 * its key) and the API's options are validated by it, and `runConfigJsonSchema()` writes it
 * as JSON Schema for editors (`topickd.config.schema.json` in the topickd package). Keys
 * marked 'plugin' are checked by core's `validatePluginConfig`, and their names against
 * the registered plugins when the run starts.
 */
const FIELDS: Record<keyof RunConfig, Field> = {
  backend: { check: 'plugin', json: str, doc: 'Tensor backend: wasm (default), node, cpu, webgpu, or one a plugin registers.' },
  fallback: { check: 'plugin', json: str, doc: 'Backend to use when `backend` is unavailable here.' },
  encoder: { check: 'plugin', json: encoderJson, doc: 'Sentence encoder: "use" (default), "precomputed:FILE.npy", or { type, ...options } (onnx, transformers, a plugin\'s).' },
  teacherEncoder: { check: 'plugin', json: encoderJson, doc: "The teacher's encoder in `experiment` (default: `encoder`)." },
  losses: {
    check: 'plugin',
    json: { type: 'array', items: { oneOf: [str, { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' }, weight: { type: 'number', minimum: 0 }, options: { type: 'object' } } }] } },
    doc: 'Distillation losses: names or { name, weight, options } (default w2 + ce).',
  },
  plugins: { check: 'plugin', json: { type: 'array', items: { type: 'string' } }, doc: 'Modules (npm names or paths) that bind backends, encoders, losses or model kinds.' },
  backendOptions: { check: 'plugin', json: object({ type: 'object' }), doc: 'Options of each backend by name, e.g. { wasm: { threads: 2 } }.' },
  data: { check: isStr, json: str, doc: 'Corpus: a bundled dataset (m10, 20ng), an OCTIS folder, a .txt/.tsv/.jsonl file.' },
  textField: { check: isStr, json: str, doc: 'JSONL corpora: the field holding the text (default "text").' },
  model: { check: isModel, json: modelJson, doc: 'Model kind: combined (default), zeroshot, or a baseline/plugin kind.' },
  modelOptions: { check: isModelOptions, json: object(object({ type: ['number', 'string', 'boolean'] })), doc: "Each model kind's own settings, by kind, e.g. { lda: { passes: 20 } }." },
  topics: {
    check: (v) => (v === 1 ? 'at least 2 (one topic explains every document the same way)' : upTo(MODEL_SIZE_LIMITS.numTopics)(v)),
    json: int(2, MODEL_SIZE_LIMITS.numTopics),
    doc: 'Number of topics K.',
  },
  hidden: { check: (v) => (Array.isArray(v) && v.length === 0 ? null : isHidden(v)), json: hiddenJson, doc: 'Hidden layer sizes of the inference network, e.g. [100, 100].' },
  epochs: { check: upTo(1_000_000), json: int(1, 1_000_000), doc: 'Training epochs.' },
  batchSize: {
    check: upTo(65_536, (b) => `a batch of ${b.toLocaleString('en-US')} documents over a 2,000-word vocabulary takes ${gb(b * 2000 * 4 * 6)} of activations`),
    json: int(1, 65_536),
    doc: 'Documents per training batch.',
  },
  learningRate: { check: isPosNum, json: { type: 'number', exclusiveMinimum: 0 }, doc: "Adam's learning rate." },
  seed: { check: (v) => (isSeed(v) ? null : 'an integer from 0 to 4294967295 (2³² − 1)'), json: int(0, 4294967295), doc: 'Random seed (0 … 2³² − 1).' },
  dropout: { check: isFraction, json: { type: 'number', minimum: 0, exclusiveMaximum: 1 }, doc: 'Dropout of the inference network.' },
  validationFraction: { check: isFraction, json: { type: 'number', minimum: 0, exclusiveMaximum: 1 }, doc: 'Share of documents held out for early stopping (0: none).' },
  patience: { check: isPosInt, json: int(1), doc: 'Epochs without improvement of the held-out loss before training stops.' },
  alpha: { check: isUnit, json: { type: 'number', minimum: 0, maximum: 1 }, doc: "Distillation: the weight α of the teacher's losses (default: the recipe's)." },
  temperature: { check: isPosNum, json: { type: 'number', exclusiveMinimum: 0 }, doc: "Distillation: the temperature T of the softened word distributions (default: the recipe's)." },
  recipe: { check: (v) => (isDistillRecipe(v) ? null : `one of ${DISTILL_RECIPES.join(', ')}`), json: { enum: [...DISTILL_RECIPES] }, doc: 'How α, T and the distillation phase not given are chosen: auto (default) or paper.' },
  kdEpochs: { check: isNonNegInt, json: int(0), doc: "Distillation: epochs with the teacher's losses, then the VAE loss alone (default: the recipe's)." },
  seedTopics: {
    check: (v) => (typeof v === 'string' ? isStr(v) : seedListsProblem(v)),
    json: { oneOf: [str, { type: 'array', minItems: 1, items: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1, pattern: '\\S' } } }] },
    doc: 'Seeded topics: topic k steered towards the k-th list of words, e.g. [["gene", "protein"], ["market", "stock"]], or a JSON file holding the lists.',
  },
  seedStrength: { check: isPosNum, json: { type: 'number', exclusiveMinimum: 0 }, doc: 'Seeded topics: the weight of the seed term per document (default 0.3).' },
  student: { check: isArch, json: archJson, doc: 'Student architecture for distill/experiment: { model, hidden }.' },
  teacher: { check: isArch, json: archJson, doc: 'Teacher architecture for experiment: { model, hidden }.' },
  out: { check: isStr, json: str, doc: 'Output folder.' },
  cacheDir: { check: isStr, json: str, doc: 'Embedding cache folder (default .topickd-cache).' },
  samples: {
    check: upTo(10_000, (n) => `${n.toLocaleString('en-US')} samples of a 512-document batch with 50 topics take ${gb(n * 512 * 50 * 4 * 3)}`),
    json: int(1, 10_000),
    doc: 'Samples of θ averaged per document at inference.',
  },
  checkpointEvery: { check: isPosInt, json: int(1), doc: 'Write a resumable checkpoint every N epochs.' },
  threads: { check: upTo(256), json: int(1, 256), doc: 'Threads for embedding, training and θ inference (embeddingThreads / trainingThreads set one alone).' },
  embeddingThreads: { check: upTo(256), json: int(1, 256), doc: 'Worker threads for embedding (default: threads, else all cores).' },
  trainingThreads: { check: upTo(256), json: int(1, 256), doc: 'Threads the training backend computes on (default: threads, else 1).' },
  quantize: { check: (v) => (v === 'int8' || v === 'float16' ? null : 'int8 or float16'), json: { enum: ['int8', 'float16'] }, doc: 'Run the use encoder with quantized weights (export: write them so).' },
  vocabularySize: { check: upTo(MODEL_SIZE_LIMITS.vocabSize), json: int(1, MODEL_SIZE_LIMITS.vocabSize), doc: 'Raw text corpora: the most frequent words kept (default 2000).' },
  minDf: { check: isPosNum, json: { type: 'number', exclusiveMinimum: 0 }, doc: 'Raw text corpora: the fewest documents a word appears in (a count ≥ 1, or a share < 1).' },
  maxDf: { check: isUnit, json: { type: 'number', minimum: 0, maximum: 1 }, doc: 'Raw text corpora: the largest share of documents a word may appear in.' },
  queueTimeout: {
    check: (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'a number of seconds ≥ 0 (0: wait for ever)'),
    json: { type: 'number', minimum: 0 },
    doc: 'Seconds a queued run (or a worker) rides out a Redis outage before it gives up (default 300; 0: for ever).',
  },
  streamMb: { check: isPosNum, json: { type: 'number', exclusiveMinimum: 0 }, doc: '`fit`: corpus files larger than this many MiB are streamed from disk (default: the smaller of 64 and the read limit).' },
  pluginTimeout: { check: isPosNum, json: { type: 'number', exclusiveMinimum: 0 }, doc: "Seconds a plugin's module may take to load (default 60)." },
  baseDir: { check: isStr, json: str, doc: 'Set by the loader: the folder relative paths resolve against.' },
};
const SCHEMA = Object.fromEntries(Object.entries(FIELDS).map(([k, f]) => [k, f.check])) as Record<keyof RunConfig, Check | 'plugin'>;

/** The run configuration as JSON Schema (draft 2020-12), for editors of `topickd.config.yaml`/`.json`. */
export function runConfigJsonSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = { $schema: { description: 'This schema, for editors (ignored by TopicKD).', type: 'string' } };
  for (const k of RUN_CONFIG_KEYS) properties[k] = { description: FIELDS[k].doc, ...FIELDS[k].json };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'TopicKD run configuration (topickd.config.yaml / .json)',
    description: 'Generated from the schema that validates configs (packages/topickd/src/app/run/run-config.ts): `topickd info --config-schema`.',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

/** Every key a config file may hold (`baseDir` is set by the loader, not written). */
export const RUN_CONFIG_KEYS = Object.keys(SCHEMA).filter((k) => k !== 'baseDir') as (keyof RunConfig)[];

/** Validates a run config: unknown keys and wrong values are errors naming the key, the value and what is allowed. */
export function validateRunConfig(raw: unknown, where = 'config'): RunConfig {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${where} must be an object (key: value), got ${describe(raw)}`);
  const c = raw as Record<string, unknown>;
  for (const [k, v] of Object.entries(c)) {
    const check = Object.prototype.hasOwnProperty.call(SCHEMA, k) ? SCHEMA[k as keyof RunConfig] : undefined;
    if (!check) {
      throw new ConfigError(`${where}: unknown key "${k}"; allowed keys: ${RUN_CONFIG_KEYS.join(', ')}`, k);
    }
    if (v === undefined || check === 'plugin') continue;
    const problem = check(v);
    if (problem) throw new ConfigError(`${where}: key "${k}" must be ${problem}, got ${describe(v)}`, k);
  }
  const plugin: Record<string, unknown> = {};
  for (const k of ['backend', 'fallback', 'encoder', 'losses', 'plugins', 'backendOptions'] as const) if (c[k] !== undefined) plugin[k] = c[k];
  try {
    validatePluginConfig(plugin);
    if (c.teacherEncoder !== undefined) validatePluginConfig({ encoder: c.teacherEncoder });
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${where}: ${e.message}`, e.key);
    throw e;
  }
  return c as RunConfig;
}

/** Reads a JSON or YAML config file (never executes it). */
export function loadConfigFile(path: string): RunConfig {
  if (!existsSync(path)) throw new ConfigError(`config file ${path} does not exist`, 'config');
  const text = readTextChecked(path, 'config file', 16 * 2 ** 20);
  let raw: unknown;
  if (nestingDepth(text, MAX_NESTING) > MAX_NESTING) throw new ConfigError(`config file ${path} nests brackets deeper than ${MAX_NESTING} levels; a TopicKD config is a flat set of keys — check the file`, 'config');
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`, 'config');
  }
  // "$schema" names the JSON Schema for editors (topickd.config.schema.json); it is not a setting
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && typeof (raw as Record<string, unknown>).$schema === 'string') {
    const { $schema: _schema, ...rest } = raw as Record<string, unknown>;
    raw = rest;
  }
  const cfg = validateRunConfig(raw, path);
  return { ...cfg, baseDir: dirname(resolve(path)) };
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The environment variables that set a config key — the only place TopicKD reads its own
 * variables (TOPICKD_MAX_INPUT_MB, the read limit of files, is core's: it guards every
 * read, including a program's that uses core alone).
 */
export const ENVIRONMENT_KEYS = {
  TOPICKD_THREADS: 'threads',
  TOPICKD_STREAM_MB: 'streamMb',
  TOPICKD_PLUGIN_TIMEOUT_S: 'pluginTimeout',
} as const satisfies Record<string, keyof RunConfig>;

/** The config keys the environment sets (ENVIRONMENT_KEYS), each checked as its key is; an empty variable counts as unset. */
export function environmentConfig(env: Record<string, string | undefined> = process.env): RunConfig {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENVIRONMENT_KEYS)) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const v = Number(raw);
    const problem = (SCHEMA[key] as Check)(v);
    if (problem) throw new ConfigError(`the environment variable ${name} must be ${problem}, got ${JSON.stringify(raw)}; fix or unset it`, name);
    out[key] = v;
  }
  return out as RunConfig;
}

/**
 * A run's configuration, resolved in one order: defaults (where each setting is used) < the
 * config file < the environment (environmentConfig) < flags that were given. Each flag is
 * checked as its config key is, and named as the flag.
 */
export function mergeConfig(file: RunConfig, flags: Partial<RunConfig>, env: RunConfig = environmentConfig()): RunConfig {
  const out: RunConfig = { ...file, ...env };
  for (const [k, v] of Object.entries(flags)) {
    if (v === undefined) continue;
    const check = Object.prototype.hasOwnProperty.call(SCHEMA, k) ? SCHEMA[k as keyof RunConfig] : undefined;
    if (typeof check === 'function') {
      const problem = check(v);
      if (problem) throw new ConfigError(`--${kebab(k)} must be ${problem}, got ${Array.isArray(v) ? v.join(',') : String(v)}`, k);
    }
    (out as Record<string, unknown>)[k] = v;
  }
  return validateRunConfig(out, 'flags');
}
