import { AbortError, EncoderUnavailableError, type EmbedOptions, type Encoder, type Float32Matrix } from '@topickd/core';
import { WordPieceTokenizer } from './wordpiece-tokenizer.js';

export interface OnnxEncoderOptions {
  /** Local folder with `model.onnx` and `tokenizer.json` (a sentence-transformers ONNX export). */
  modelDir: string;
  /** L2-normalise the pooled embeddings (default true, as sentence-transformers' Normalize). */
  normalize?: boolean;
  /** Tokens per text including [CLS]/[SEP] (default: tokenizer.json's truncation, else 256). */
  maxLength?: number;
  /** Documents per forward pass (default 32). */
  batchSize?: number;
}

/** The slice of onnxruntime's API (node or web) this encoder uses. */
interface OrtTensor {
  data: unknown;
  dims: readonly number[];
}
interface OrtSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}
interface Ort {
  InferenceSession: { create(model: Uint8Array, options?: object): Promise<OrtSession> };
  Tensor: new (type: string, data: BigInt64Array | Float32Array, dims: number[]) => OrtTensor;
  env?: { wasm?: { numThreads?: number } };
}

const dynamicImport = (s: string) => import(/* @vite-ignore */ /* webpackIgnore: true */ s);

/** onnxruntime-node where installed (native, Node only), else onnxruntime-web (WebAssembly; Node and browsers). */
async function loadOrt(): Promise<{ ort: Ort; runtime: string }> {
  const isNode = typeof process !== 'undefined' && process.versions?.node != null;
  if (isNode) {
    try {
      return { ort: (await dynamicImport('onnxruntime-node')) as Ort, runtime: 'onnxruntime-node' };
    } catch {
      /* not installed: fall through to the web runtime */
    }
  }
  try {
    const mod = (await dynamicImport('onnxruntime-web')) as Ort & { default?: Ort };
    const ort = mod.InferenceSession ? mod : mod.default!;
    if (ort.env?.wasm) ort.env.wasm.numThreads = 1;
    return { ort, runtime: 'onnxruntime-web' };
  } catch (e) {
    throw new EncoderUnavailableError('onnx', 'needs onnxruntime-web (or onnxruntime-node): pnpm add onnxruntime-web', e);
  }
}

/**
 * A sentence-transformers model exported to ONNX, from a local folder: WordPiece
 * tokenization from tokenizer.json, the transformer in onnxruntime, mean pooling over
 * the attention mask, optional L2 normalisation. No network access, ever.
 */
export class OnnxEncoder implements Encoder {
  private session: OrtSession | undefined;
  private ort: Ort | undefined;
  private tokenizer: WordPieceTokenizer | undefined;
  private loading: Promise<void> | undefined;
  private dimension = 0;
  id: string;
  runtime = '';

  constructor(private readonly options: OnnxEncoderOptions) {
    if (!options.modelDir) throw new EncoderUnavailableError('onnx', 'give the model folder: { type: "onnx", modelDir } or --encoder onnx --model-dir DIR');
    this.id = `onnx:${options.modelDir.replace(/\/+$/, '').split('/').pop()}`;
  }

  get dim(): number {
    return this.dimension;
  }

  load(): Promise<void> {
    this.loading ??= this.doLoad();
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  private async doLoad(): Promise<void> {
    const { readFile, stat } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { createHash } = await import('node:crypto');
    const dir = this.options.modelDir;
    const files = ['model.onnx', 'tokenizer.json'];
    for (const f of files) {
      const ok = await stat(join(dir, f)).then((s) => s.isFile()).catch(() => false);
      if (!ok) throw new EncoderUnavailableError('onnx', `${join(dir, f)} is missing; the folder must hold model.onnx and tokenizer.json (a sentence-transformers ONNX export)`);
    }
    const modelBytes = new Uint8Array(await readFile(join(dir, 'model.onnx')));
    let tokenizerJson: unknown;
    try {
      tokenizerJson = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8'));
    } catch (e) {
      throw new EncoderUnavailableError('onnx', `${join(dir, 'tokenizer.json')} is not valid JSON`, e);
    }
    this.tokenizer = new WordPieceTokenizer(tokenizerJson as never, join(dir, 'tokenizer.json'));
    const { ort, runtime } = await loadOrt();
    this.ort = ort;
    this.runtime = runtime;
    try {
      this.session = await ort.InferenceSession.create(modelBytes);
    } catch (e) {
      throw new EncoderUnavailableError('onnx', `${join(dir, 'model.onnx')} could not be loaded by ${runtime}: ${(e as Error).message}`, e);
    }
    if (!this.session.inputNames.includes('input_ids')) {
      throw new EncoderUnavailableError('onnx', `${join(dir, 'model.onnx')} has inputs ${this.session.inputNames.join(', ')}; expected input_ids (and attention_mask)`);
    }
    const digest = createHash('sha256').update(modelBytes).digest('hex').slice(0, 12);
    this.id = `onnx:${dir.replace(/\/+$/, '').split('/').pop()}@${digest}${this.options.normalize === false ? ':raw' : ''}`;
    // the embedding size: run one tiny text
    const probe = await this.forward([this.tokenizer.encode('a', 8)]);
    this.dimension = probe.cols;
  }

  private async forward(batch: { ids: number[]; attentionMask: number[] }[]): Promise<Float32Matrix> {
    const ort = this.ort!;
    const B = batch.length;
    const L = Math.max(...batch.map((b) => b.ids.length));
    const ids = new BigInt64Array(B * L);
    const mask = new BigInt64Array(B * L);
    batch.forEach((b, i) => b.ids.forEach((id, j) => ((ids[i * L + j] = BigInt(id)), (mask[i * L + j] = 1n))));
    const feeds: Record<string, OrtTensor> = {};
    for (const name of this.session!.inputNames) {
      if (name === 'input_ids') feeds[name] = new ort.Tensor('int64', ids, [B, L]);
      else if (name === 'attention_mask') feeds[name] = new ort.Tensor('int64', mask, [B, L]);
      else if (name === 'token_type_ids') feeds[name] = new ort.Tensor('int64', new BigInt64Array(B * L), [B, L]);
      else throw new EncoderUnavailableError('onnx', `model input "${name}" is not one TopicKD can feed (input_ids, attention_mask, token_type_ids)`);
    }
    const outputs = await this.session!.run(feeds);
    const outName = this.session!.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : this.session!.outputNames[0];
    const out = outputs[outName];
    const data = out.data as Float32Array;
    if (out.dims.length === 2) return this.finish({ rows: B, cols: out.dims[1], data: Float32Array.from(data) });
    if (out.dims.length !== 3) throw new EncoderUnavailableError('onnx', `output "${outName}" has shape [${out.dims.join(', ')}]; expected [batch, tokens, dim]`);
    const D = out.dims[2];
    // mean pooling over the tokens the attention mask keeps
    const pooled = new Float32Array(B * D);
    for (let i = 0; i < B; i++) {
      let n = 0;
      for (let j = 0; j < L; j++) {
        if (mask[i * L + j] === 0n) continue;
        n++;
        const base = (i * L + j) * D;
        for (let d = 0; d < D; d++) pooled[i * D + d] += data[base + d];
      }
      for (let d = 0; d < D; d++) pooled[i * D + d] /= Math.max(n, 1e-9);
    }
    return this.finish({ rows: B, cols: D, data: pooled });
  }

  private finish(m: Float32Matrix): Float32Matrix {
    if (this.options.normalize === false) return m;
    for (let i = 0; i < m.rows; i++) {
      let s = 0;
      for (let d = 0; d < m.cols; d++) s += m.data[i * m.cols + d] ** 2;
      const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
      for (let d = 0; d < m.cols; d++) m.data[i * m.cols + d] *= inv;
    }
    return m;
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Matrix> {
    await this.load();
    const batchSize = options.batchSize ?? this.options.batchSize ?? 32;
    const maxLength = this.options.maxLength ?? this.tokenizer!.maxLength ?? 256;
    const enc = texts.map((t) => this.tokenizer!.encode(t, maxLength));
    const order = enc.map((_, i) => i).sort((a, b) => enc[a].ids.length - enc[b].ids.length || a - b);
    const out = new Float32Array(texts.length * this.dimension);
    for (let s = 0; s < order.length; s += batchSize) {
      if (options.signal?.aborted) throw new AbortError('embedding');
      const idx = order.slice(s, s + batchSize);
      const m = await this.forward(idx.map((i) => enc[i]));
      idx.forEach((doc, r) => out.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), doc * this.dimension));
      options.onProgress?.({ done: Math.min(order.length, s + batchSize), total: order.length });
    }
    return { rows: texts.length, cols: this.dimension, data: out };
  }

  /** Token ids of a text, as the model sees them. */
  async tokenize(text: string): Promise<number[]> {
    await this.load();
    return this.tokenizer!.encode(text, this.options.maxLength).ids;
  }

  dispose(): void {
    void this.session?.release?.();
    this.session = undefined;
    this.loading = undefined;
  }
}
