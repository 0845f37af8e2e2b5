// topickd in a browser — what a web page needs to run an exported model: the same names as
// the Node API (`createTopicKD`, `load`, `topics`, `transform`), over the wasm backend and
// the Universal Sentence Encoder fetched from the bundle. The `browser` export condition
// maps `import … from 'topickd'` here, so a plain `esbuild --bundle --platform=browser` (or
// Vite) of an app builds with no plugins or stubs: nothing here imports a Node module.
import {
  bagOfWordsFor,
  fetchStore,
  loadModelFrom,
  TopicKDError,
  ModelFileError,
  type ActiveBackend,
  type EncoderReference,
  type PreprocessingRecord,
  type TopicModel,
  type Encoder,
} from '@topickd/core';
import { WasmBackend } from '@topickd/backend-wasm';
import { StaticEncoder, UseEncoder } from '@topickd/encoders/browser';
import { TopicModelView } from '../model-view.js';
import { concatRows } from '../shared/concat-rows.js';
import { INFER_BATCH, inferShards } from '../shared/infer-shards.js';
import { BrowserWorkerPool, type BrowserWorkersOption } from './worker-pool.js';
import type { BrowserTopicKDConfig } from './protocol.js';
import { toRowArrays, type Float32Matrix } from '@topickd/core';

export type { BrowserWorkersOption, WorkerLike } from './worker-pool.js';
export type { BrowserTopicKDConfig } from './protocol.js';

export { TopicKDError, isTopicKDError, ModelFileError, type ActiveBackend, type TopicModel } from '@topickd/core';


/** What `topickd export` writes beside the model: `bundle.json`. */
export interface BundleDescription {
  format: 'topickd-bundle';
  formatVersion: number;
  /** The model folder, relative to the bundle. */
  model: string;
  encoder: EncoderReference & { files: string | null };
  kind: string;
  topics: number;
  params: number;
  topicWords: string[][];
}

/** How `load` fetches the bundle and whether it starts Web Workers. */
export interface BrowserLoadOptions {
  /** The fetch to read the bundle with (default: the page's). Workers fetch with their own. */
  fetch?: typeof fetch;
  /**
   * Web Workers for θ of many texts: `{ count, create }`, `create` starting a worker whose
   * script calls `serveTopicKDWorker()` from 'topickd/worker'. Each loads the bundle itself;
   * `transform` then splits inputs of more than 512 texts across them.
   */
  workers?: BrowserWorkersOption;
}

/** An exported model, loaded in the page: its topics and θ for new text. */
export class BrowserTopicModel extends TopicModelView {
  constructor(
    model: TopicModel,
    vocabulary: string[],
    readonly encoder: EncoderReference,
    readonly preprocessing: PreprocessingRecord | undefined,
    private readonly embedder: Encoder,
    private pool: BrowserWorkerPool | null = null,
  ) {
    super(model, vocabulary);
  }

  /** How many Web Workers `transform` uses (0: it runs in this thread). */
  get workers(): number {
    return this.pool?.size ?? 0;
  }

  /**
   * θ rows (one per text): its own preprocessing for the bag of words, its encoder for the
   * embedding. With workers (`load(…, { workers })`), inputs of more than one 512-text batch
   * are split into shards of whole batches, one per worker, each seeded as its part of the
   * input: the rows are the ones this thread computes. `workers: 0` keeps it in this thread.
   */
  async transform(texts: readonly string[], options: { samples?: number; seed?: number; workers?: number } = {}): Promise<number[][]> {
    this.checkLive('transform');
    const samples = options.samples ?? 20;
    const seed = options.seed ?? 0;
    const shards = this.pool ? inferShards(texts.length, Math.min(this.pool.size, options.workers ?? this.pool.size)) : [];
    if (!this.pool || shards.length < 2) return toRowArrays(await this.thetaShard(texts, { samples, seed, offset: 0 }));
    const pool = this.pool;
    const parts = await Promise.all(shards.map(([s, e], i) => pool.theta(i, texts.slice(s, e), { samples, seed, offset: s })));
    return parts.flatMap(toRowArrays);
  }

  /** θ of texts that are rows `offset`… (a multiple of 512) of a larger input, as there (what a worker computes). */
  async thetaShard(texts: readonly string[], options: { samples: number; seed: number; offset: number }): Promise<Float32Matrix> {
    // embedded 512 texts at a time (the encoder orders a call's texts by length, so a block's
    // rows come out the same whichever thread embeds it; shards are whole blocks); no text:
    // one empty call, for the encoder's width
    const blocks: Float32Matrix[] = [];
    for (let s = 0; s < Math.max(1, texts.length); s += INFER_BATCH) blocks.push(await this.embedder.embed(texts.slice(s, s + INFER_BATCH)));
    const embeddings = concatRows(blocks);
    return this.thetaMatrix(bagOfWordsFor(texts, this.vocabulary, this.preprocessing), embeddings, options);
  }

  override dispose(): void {
    this.pool?.terminate();
    this.pool = null;
    super.dispose();
    this.embedder.dispose?.();
  }
}

/** A configured TopicKD in the page: the wasm backend active. */
export class BrowserTopicKD {
  private constructor(
    readonly backend: ActiveBackend,
    private readonly config: BrowserTopicKDConfig,
  ) {}

  static async create(config: BrowserTopicKDConfig = {}): Promise<BrowserTopicKD> {
    const backend = await new WasmBackend({ ...config.backendOptions, wasmPaths: config.wasmPaths }).activate();
    return new BrowserTopicKD(backend, config);
  }

  /**
   * Loads a bundle written by `topickd export` (a URL of the folder holding bundle.json):
   * the model (manifest digest and weight checksum verified) and its encoder's files. With
   * `options.workers`, also starts that many Web Workers, each loading the same bundle.
   */
  async load(bundleUrl: string, options: BrowserLoadOptions | typeof fetch = {}): Promise<BrowserTopicModel> {
    const opts: BrowserLoadOptions = typeof options === 'function' ? { fetch: options } : options;
    const fetchFn = opts.fetch ?? fetch;
    // workers resolve URLs against their own script: give them absolute ones
    const here = (globalThis as { location?: { href: string } }).location?.href;
    const base = (here ? new URL(bundleUrl, here).href : bundleUrl).replace(/\/+$/, '');
    const res = await fetchFn(`${base}/bundle.json`);
    if (!res.ok) throw new ModelFileError(`${base}/bundle.json`, `HTTP ${res.status}: no bundle here; write one with \`topickd export --model DIR --out BUNDLE\` and serve the folder`);
    const bundle = (await res.json()) as BundleDescription;
    if (bundle.format !== 'topickd-bundle') throw new ModelFileError(`${base}/bundle.json`, 'is not a TopicKD bundle (field "format")');
    const saved = await loadModelFrom(fetchStore(`${base}/${bundle.model}`, fetchFn));
    if ((saved.encoder.type !== 'use' && saved.encoder.type !== 'static') || !bundle.encoder.files) {
      saved.model.dispose();
      throw new TopicKDError('ENCODER_UNAVAILABLE', `this model uses the encoder ${saved.encoder.id}; in a browser TopicKD runs the encoder shipped in the bundle — the Universal Sentence Encoder or a static one (export a model trained with --encoder use or static:DIR, without --no-encoder)`);
    }
    const files = `${base}/${bundle.encoder.files}`;
    const embedder: Encoder = saved.encoder.type === 'static' ? new StaticEncoder({ url: files }) : new UseEncoder({ url: files });
    try {
      await embedder.load();
      // a static encoder is its table: the bundle's must be the one the model was trained with
      if (saved.encoder.type === 'static' && embedder.id !== saved.encoder.id) {
        throw new ModelFileError(files, `holds the static encoder ${embedder.id}, but the model was trained with ${saved.encoder.id}; export the model again`);
      }
      const pool = opts.workers ? await BrowserWorkerPool.start(opts.workers, base, this.workerConfig(here)) : null;
      return new BrowserTopicModel(saved.model, saved.vocabulary, saved.encoder, saved.preprocessing, embedder, pool);
    } catch (e) {
      saved.model.dispose();
      embedder.dispose?.();
      throw e;
    }
  }

  /** This instance's config with the wasm files' prefix made absolute (a worker's relative URLs resolve against its script). */
  private workerConfig(here: string | undefined): BrowserTopicKDConfig {
    const w = this.config.wasmPaths;
    if (!here || !w) return this.config;
    const abs = (u: string) => new URL(u, here).href;
    const wasmPaths = typeof w === 'string' ? abs(w) : (Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v && abs(v)])) as typeof w);
    return { ...this.config, wasmPaths };
  }
}

/** Starts TopicKD in a browser page (the wasm backend). */
export function createTopicKD(config: BrowserTopicKDConfig = {}): Promise<BrowserTopicKD> {
  return BrowserTopicKD.create(config);
}
