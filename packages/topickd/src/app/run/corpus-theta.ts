import type { Corpus, Float32Matrix } from '@topickd/core';
import type { SavedModel } from '@topickd/core';
import { resolve } from 'node:path';
import { embedInBlocks } from '../queue/distributed.js';
import { embeddingPool } from '../workers/embed-pool.js';
import { inferThetaParallel } from '../workers/infer-pool.js';
import { bowForModel, embeddingCacheVariant, encoderSpecOf, encoderSpecOfModel, noEmbeddings, type Runtime } from './pipeline.js';
import type { Progress } from './progress.js';
import type { RunConfig } from './run-config.js';

/**
 * θ of a corpus's documents with a saved model, in this process: the bag of words over the
 * model's vocabulary, the model's encoder (through the cache, in blocks of `shardSize`), then
 * θ in the inference pool. What `topickd infer` (without --queue) and `topics-over-time` run.
 */
export async function thetaOfCorpus(
  rt: Runtime,
  cfg: RunConfig,
  saved: SavedModel,
  modelDir: string,
  corpus: Corpus,
  progress: Progress,
  options: { samples?: number; seed?: number; shardSize: number },
): Promise<Float32Matrix & { threads?: number }> {
  const texts = corpus.encoderTexts ?? corpus.documents;
  const bow = bowForModel(corpus.documents, saved, corpus.pretokenized);
  const modelReadsEmbeddings = !(saved.encoder.dim === 0 && !cfg.encoder);
  const spec = modelReadsEmbeddings ? encoderSpecOf(cfg.encoder ?? encoderSpecOfModel(saved.encoder), cfg.baseDir, cfg.quantize) : null;
  let emb;
  if (!spec) {
    emb = noEmbeddings(bow.rows); // a model that reads the bag of words alone (LDA)
  } else {
    const encoder = rt.registry.createEncoder(spec);
    const pool = embeddingPool(rt.backend, cfg, spec);
    try {
      const onProgress = progress.embedding('embedding');
      emb = await embedInBlocks(encoder, texts, cfg.cacheDir ?? '.topickd-cache', options.shardSize, { onProgress: (done, total) => onProgress({ done, total }), logger: rt.logger, parallel: pool?.parallel, variant: embeddingCacheVariant(rt.backend) });
    } finally {
      await pool?.close();
    }
    progress.embedded('embedding', emb.rows, emb.rows - emb.computed);
  }
  return inferThetaParallel(rt.backend, cfg, saved.model, resolve(modelDir), { bow, embeddings: emb }, { samples: options.samples ?? 20, seed: options.seed ?? 0 });
}
