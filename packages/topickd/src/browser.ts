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
} from '@topickd/core';
import { WasmBackend, type WasmBackendOptions } from '@topickd/backend-wasm';
import { UseEncoder } from '@topickd/encoders/browser';
import { TopicModelView } from './model-view.js';

export { TopicKDError, isTopicKDError, ModelFileError, type ActiveBackend, type TopicModel } from '@topickd/core';

export interface BrowserTopicKDConfig {
  /** Where tfjs's `.wasm` files are served (a URL prefix ending in "/", or a map of file → URL). */
  wasmPaths?: WasmBackendOptions['wasmPaths'];
  /** Any other option of the wasm backend. */
  backendOptions?: Omit<WasmBackendOptions, 'wasmPaths'>;
}

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

/** An exported model, loaded in the page: its topics and θ for new text. */
export class BrowserTopicModel extends TopicModelView {
  constructor(
    model: TopicModel,
    vocabulary: string[],
    readonly encoder: EncoderReference,
    readonly preprocessing: PreprocessingRecord | undefined,
    private readonly embedder: UseEncoder,
  ) {
    super(model, vocabulary);
  }

  /** θ rows (one per text): its own preprocessing for the bag of words, its encoder for the embedding. */
  async transform(texts: readonly string[], options: { samples?: number; seed?: number } = {}): Promise<number[][]> {
    const embeddings = await this.embedder.embed(texts);
    return this.thetaRows(bagOfWordsFor(texts, this.vocabulary, this.preprocessing), embeddings, options);
  }

  dispose(): void {
    this.model.dispose();
    this.embedder.dispose?.();
  }
}

/** A configured TopicKD in the page: the wasm backend active. */
export class BrowserTopicKD {
  private constructor(readonly backend: ActiveBackend) {}

  static async create(config: BrowserTopicKDConfig = {}): Promise<BrowserTopicKD> {
    const backend = await new WasmBackend({ ...config.backendOptions, wasmPaths: config.wasmPaths }).activate();
    return new BrowserTopicKD(backend);
  }

  /**
   * Loads a bundle written by `topickd export` (a URL of the folder holding bundle.json):
   * the model (manifest digest and weight checksum verified) and its encoder's files.
   */
  async load(bundleUrl: string, fetchFn: typeof fetch = fetch): Promise<BrowserTopicModel> {
    const base = bundleUrl.replace(/\/+$/, '');
    const res = await fetchFn(`${base}/bundle.json`);
    if (!res.ok) throw new ModelFileError(`${base}/bundle.json`, `HTTP ${res.status}: no bundle here; write one with \`topickd export --model DIR --out BUNDLE\` and serve the folder`);
    const bundle = (await res.json()) as BundleDescription;
    if (bundle.format !== 'topickd-bundle') throw new ModelFileError(`${base}/bundle.json`, 'is not a TopicKD bundle (field "format")');
    const saved = await loadModelFrom(fetchStore(`${base}/${bundle.model}`, fetchFn));
    if (saved.encoder.type !== 'use' || !bundle.encoder.files) {
      saved.model.dispose();
      throw new TopicKDError('ENCODER_UNAVAILABLE', `this model uses the encoder ${saved.encoder.id}; in a browser TopicKD runs the Universal Sentence Encoder shipped in the bundle (export a model trained with the default encoder)`);
    }
    const embedder = new UseEncoder({ url: `${base}/${bundle.encoder.files}` });
    await embedder.load();
    return new BrowserTopicModel(saved.model, saved.vocabulary, saved.encoder, saved.preprocessing, embedder);
  }
}

/** Starts TopicKD in a browser page (the wasm backend). */
export function createTopicKD(config: BrowserTopicKDConfig = {}): Promise<BrowserTopicKD> {
  return BrowserTopicKD.create(config);
}
