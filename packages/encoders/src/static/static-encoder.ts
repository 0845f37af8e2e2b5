import { AbortError, DataError, EncoderUnavailableError, type EmbedOptions, type Encoder, type Float32Matrix } from '@topickd/core';
import { nodeBuiltin, sha256Hex } from '@topickd/core/plugin';
import { UseTokenizer } from '../use/use-tokenizer.js';
import type { UseFileSource } from '../use/use-package.js';
import { urlSource } from '../use/use-encoder.js';

/** The files of a static encoder's folder (`topickd distill-encoder` writes them). */
export const STATIC_FILES = { manifest: 'static.json', vectors: 'vectors.i8', scales: 'scales.f32', vocabulary: 'vocab.json' } as const;

/** `static.json`: what a static encoder's folder holds. */
export interface StaticEncoderManifest {
  format: 'topickd-static';
  version: 1;
  /** Embedding size (the PCA's dimensions). */
  dim: number;
  /** Rows of the table: one per vocabulary piece, the piece's id its row. */
  tokens: number;
  /** The tokenizer the pieces come from (the Universal Sentence Encoder's SentencePiece vocabulary). */
  tokenizer: 'use-sentencepiece';
  /** The sentence encoder the vectors were distilled from (its id). */
  source: string;
  /** How pieces are weighted in the mean: SIF, a / (a + p(piece)) with p from the corpus. */
  weighting: { kind: 'sif'; a: number; corpusDocuments: number };
  /** Each piece's vector before PCA: the encoder's of the piece alone, or the mean of the corpus documents' it occurs in (with its own `prior` times). */
  pieces: { kind: 'alone' } | { kind: 'corpus-mean'; prior: number; refineEpochs: number; cosine?: { before: number; after: number } };
  /** int8 per row with a float32 scale per row (value = scale · q). */
  quantization: 'int8-row';
  /** SHA-256 of vectors.i8 + scales.f32 (the encoder's id carries its first 16 hex digits). */
  sha256: string;
}

export interface StaticEncoderOptions {
  /** The folder written by `topickd distill-encoder` (Node). */
  path?: string;
  /** Where the folder's files are served (browsers). */
  url?: string;
  /** A source of the folder's files (tests, bundles). */
  source?: UseFileSource;
}

/**
 * A static (Model2Vec-style) sentence encoder: a table of one vector per vocabulary piece,
 * distilled from a sentence encoder (`topickd distill-encoder`: each piece through the
 * encoder, PCA, weights from the corpus's piece frequencies), stored as int8. A text's
 * embedding is the mean of its pieces' vectors, scaled to unit length — no network to run,
 * so it embeds thousands of times faster than the encoder it came from, in a table of a few MB.
 */
export class StaticEncoder implements Encoder {
  readonly type = 'static';
  /** A table lookup: faster in this thread than through worker threads' messages. */
  readonly workerThreads = false;
  readonly cacheable = false;
  /** The int8 vectors, one row per piece, and each row's scale: kept as stored (a float32 copy would be 4× the memory). */
  private table: { ints: Int8Array; scales: Float32Array } | undefined;
  private tokenizer: UseTokenizer | undefined;
  private manifest: StaticEncoderManifest | undefined;
  private loading: Promise<void> | undefined;
  private idValue: string | undefined;
  private space: number[] | undefined;

  constructor(private readonly options: StaticEncoderOptions) {
    if (!options.path && !options.url && !options.source) throw new EncoderUnavailableError('static', 'give the folder: static:DIR or { type: "static", path: DIR } (written by topickd distill-encoder)');
  }

  /** `static@` + the first 16 hex digits of the table's SHA-256 (known after load; the folder before). */
  get id(): string {
    return this.idValue ?? `static@${this.options.path ?? this.options.url ?? this.options.source!.location}`;
  }

  get dim(): number {
    return this.manifest?.dim ?? 0;
  }

  load(): Promise<void> {
    this.loading ??= this.doLoad();
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  private source(): UseFileSource {
    if (this.options.source) return this.options.source;
    if (this.options.path) {
      const fs = nodeBuiltin<typeof import('node:fs/promises')>('node:fs/promises');
      const path = nodeBuiltin<typeof import('node:path')>('node:path');
      if (!fs || !path) throw new EncoderUnavailableError('static', 'a folder path needs Node; in a browser give { url } where the static encoder files are served');
      const dir = path.resolve(this.options.path);
      return { location: dir, read: async (name) => new Uint8Array(await fs.readFile(path.join(dir, name))) };
    }
    return urlSource(this.options.url!, fetch, 'static');
  }

  private async doLoad(): Promise<void> {
    const src = this.source();
    let manifest: StaticEncoderManifest;
    let vocab: [string, number][];
    let q: Uint8Array;
    let scalesBytes: Uint8Array;
    try {
      manifest = JSON.parse(new TextDecoder().decode(await src.read(STATIC_FILES.manifest)));
      vocab = JSON.parse(new TextDecoder().decode(await src.read(STATIC_FILES.vocabulary)));
      q = await src.read(STATIC_FILES.vectors);
      scalesBytes = await src.read(STATIC_FILES.scales);
    } catch (e) {
      throw new EncoderUnavailableError('static', `cannot read the static encoder in ${src.location} (${(e as Error).message}); write it with topickd distill-encoder`, e);
    }
    if (manifest.format !== 'topickd-static' || manifest.version !== 1 || manifest.quantization !== 'int8-row') {
      throw new DataError(`${src.location}/${STATIC_FILES.manifest} is not a TopicKD static encoder of version 1 (format ${JSON.stringify(manifest.format)}, version ${manifest.version}); write it again with topickd distill-encoder`, 'MODEL_FILE');
    }
    const { dim, tokens } = manifest;
    if (!Number.isInteger(dim) || dim < 1 || !Number.isInteger(tokens) || tokens < 1 || q.byteLength !== dim * tokens || scalesBytes.byteLength !== 4 * tokens || vocab.length !== tokens) {
      throw new DataError(`${src.location}: the static encoder's files do not match static.json (${tokens} pieces × ${dim} dims: vectors ${q.byteLength} bytes, scales ${scalesBytes.byteLength}, vocabulary ${vocab.length}); write it again with topickd distill-encoder`, 'MODEL_FILE');
    }
    const digest = await staticTableDigest(q, scalesBytes);
    if (digest !== manifest.sha256) throw new DataError(`${src.location}: the static encoder's table does not match its checksum (damaged or edited); write it again with topickd distill-encoder`, 'MODEL_FILE');
    const scales = new Float32Array(scalesBytes.buffer.slice(scalesBytes.byteOffset, scalesBytes.byteOffset + scalesBytes.byteLength));
    this.table = { ints: new Int8Array(q.buffer, q.byteOffset, q.byteLength), scales };
    this.tokenizer = new UseTokenizer(vocab);
    this.manifest = manifest;
    this.idValue = `static@${digest.slice(0, 16)}`;
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Matrix> {
    await this.load();
    const dim = this.dim;
    const { ints, scales } = this.table!;
    const out = new Float32Array(texts.length * dim);
    for (let i = 0; i < texts.length; i++) {
      // the same prefix of a long text as the use encoder reads (128 pieces)
      let ids = this.tokenizer!.encodePrefix(texts[i], 128);
      // a text with no pieces (empty) is read as a single space, as the use encoder reads it
      if (!ids.length) ids = this.space ??= this.tokenizer!.encode(' ');
      const row = out.subarray(i * dim, (i + 1) * dim);
      for (const id of ids) {
        // the piece's float32 vector, as a float32 table would hold it, added
        const scale = scales[id];
        const base = id * dim;
        for (let j = 0; j < dim; j++) row[j] += Math.fround(scale * ints[base + j]);
      }
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += row[j] * row[j];
      if (norm > 0) {
        const inv = 1 / Math.sqrt(norm);
        for (let j = 0; j < dim; j++) row[j] *= inv;
      }
      if (options.signal?.aborted) throw new AbortError('embedding');
      if ((i & 1023) === 1023) options.onProgress?.({ done: i + 1, total: texts.length });
    }
    options.onProgress?.({ done: texts.length, total: texts.length });
    return { rows: texts.length, cols: dim, data: out };
  }

  dispose(): void {
    this.table = undefined;
    this.loading = undefined;
  }
}

/** SHA-256 (hex) of a static table: its int8 vectors, then its scales (what static.json's sha256 holds). */
export function staticTableDigest(vectors: Uint8Array, scales: Uint8Array): Promise<string> {
  const all = new Uint8Array(vectors.byteLength + scales.byteLength);
  all.set(vectors, 0);
  all.set(scales, vectors.byteLength);
  return sha256Hex(all);
}
