import { AbortError, EncoderUnavailableError, type EmbedOptions, type Encoder, type Float32Matrix } from '@topickd/core';

export interface TransformersEncoderOptions {
  /** Local model folder in the transformers.js layout: config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx. */
  modelDir: string;
  /** L2-normalise the pooled embeddings (default true). */
  normalize?: boolean;
  /** Documents per call (default 32). */
  batchSize?: number;
}

/** The files a local transformers.js feature-extraction model needs. */
export const TRANSFORMERS_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'] as const;

type Extractor = (texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

const dynamicImport = (s: string) => import(/* @vite-ignore */ /* webpackIgnore: true */ s);

/**
 * @huggingface/transformers' `feature-extraction` pipeline (mean pooling) on a local model
 * folder. Remote models are disabled: nothing is ever downloaded.
 */
export class TransformersEncoder implements Encoder {
  private extractor: Extractor | undefined;
  private loading: Promise<void> | undefined;
  private dimension = 0;
  readonly id: string;

  constructor(private readonly options: TransformersEncoderOptions) {
    if (!options.modelDir) throw new EncoderUnavailableError('transformers', 'give the model folder: { type: "transformers", modelDir } or --encoder transformers --model-dir DIR');
    this.id = `transformers:${options.modelDir.replace(/\/+$/, '').split('/').pop()}${options.normalize === false ? ':raw' : ''}`;
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
    const { existsSync, statSync } = await import('node:fs');
    const { basename, dirname, join, resolve } = await import('node:path');
    const dir = resolve(this.options.modelDir);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new EncoderUnavailableError('transformers', `model folder ${dir} does not exist; it must hold ${TRANSFORMERS_FILES.join(', ')} (remote models are disabled)`);
    }
    const missing = TRANSFORMERS_FILES.filter((f) => !existsSync(join(dir, f)));
    if (missing.length) {
      throw new EncoderUnavailableError('transformers', `model folder ${dir} lacks ${missing.join(', ')}; it must hold ${TRANSFORMERS_FILES.join(', ')} (remote models are disabled)`);
    }
    let t: { env: Record<string, unknown>; pipeline: (task: string, model: string, options: object) => Promise<Extractor> };
    try {
      t = (await dynamicImport('@huggingface/transformers')) as typeof t;
    } catch (e) {
      throw new EncoderUnavailableError('transformers', 'needs @huggingface/transformers: pnpm add @huggingface/transformers', e);
    }
    t.env.allowRemoteModels = false;
    t.env.allowLocalModels = true;
    t.env.localModelPath = dirname(dir) + '/';
    try {
      this.extractor = await t.pipeline('feature-extraction', basename(dir), { local_files_only: true, dtype: 'fp32' });
    } catch (e) {
      throw new EncoderUnavailableError('transformers', `could not load ${dir}: ${(e as Error).message}`, e);
    }
    const probe = await this.extractor(['a'], { pooling: 'mean', normalize: false });
    this.dimension = probe.dims[probe.dims.length - 1];
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Matrix> {
    await this.load();
    const batchSize = options.batchSize ?? this.options.batchSize ?? 32;
    const D = this.dimension;
    const out = new Float32Array(texts.length * D);
    for (let s = 0; s < texts.length; s += batchSize) {
      if (options.signal?.aborted) throw new AbortError('embedding');
      const batch = texts.slice(s, s + batchSize);
      const res = await this.extractor!(batch as string[], { pooling: 'mean', normalize: this.options.normalize !== false });
      out.set(res.data.subarray(0, batch.length * D), s * D);
      options.onProgress?.({ done: Math.min(texts.length, s + batchSize), total: texts.length });
    }
    return { rows: texts.length, cols: D, data: out };
  }
}
