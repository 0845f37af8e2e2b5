import type { Corpus, CsrMatrix, EncoderSpec, Float32Matrix } from '@topickd/core';
import type { SavedModel } from '@topickd/core';
import { resolve } from 'node:path';
import { embedInBlocks } from '../queue/distributed.js';
import { embeddingPool } from '../workers/embed-pool.js';
import { inferThetaParallel } from '../workers/infer-pool.js';
import { bowForModel, embeddingCacheVariant, inferenceEncoderSpec, noEmbeddings, type Runtime } from './pipeline.js';
import type { Progress } from './progress.js';
import type { RunConfig } from './run-config.js';

/**
 * θ of a corpus's documents with a saved model, in this process: the bag of words over the
 * model's vocabulary, the model's encoder (through the cache, in blocks of `shardSize`), then
 * θ in the inference pool. What `topickd infer` (without --queue), `topics --labels` and
 * `topics-over-time` run; returns θ with the bag of words and the encoder it was computed from.
 */
export async function thetaOfCorpus(
  rt: Runtime,
  cfg: RunConfig,
  saved: SavedModel,
  modelDir: string,
  corpus: Corpus,
  progress: Progress,
  options: { samples?: number; seed?: number; shardSize: number },
): Promise<{ theta: Float32Matrix & { threads?: number }; bow: CsrMatrix; spec: EncoderSpec | null }> {
  const texts = corpus.encoderTexts ?? corpus.documents;
  const bow = bowForModel(corpus.documents, saved, corpus.pretokenized);
  const spec = inferenceEncoderSpec(cfg, saved);
  let emb;
  if (!spec) {
    emb = noEmbeddings(bow.rows); // a model that reads the bag of words alone (LDA)
  } else {
    const encoder = rt.registry.createEncoder(spec);
    const pool = embeddingPool(rt.backend, cfg, spec, { encoder });
    try {
      const onProgress = progress.embedding('embedding');
      emb = await embedInBlocks(encoder, texts, cfg.cacheDir ?? '.topickd-cache', options.shardSize, { onProgress: (done, total) => onProgress({ done, total }), logger: rt.logger, parallel: pool?.parallel, variant: embeddingCacheVariant(rt.backend) });
    } finally {
      await pool?.close();
    }
    progress.embedded('embedding', emb.rows, emb.rows - emb.computed);
  }
  const theta = await inferThetaParallel(rt.backend, cfg, saved.model, resolve(modelDir), { bow, embeddings: emb }, { samples: options.samples ?? 20, seed: options.seed ?? 0 });
  return { theta, bow, spec };
}
