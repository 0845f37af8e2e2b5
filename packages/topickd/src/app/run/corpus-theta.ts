import type { Corpus, CsrMatrix, Encoder, EncoderSpec, Float32Matrix } from '@topickd/core';
import type { SavedModel } from '@topickd/core';
import { resolve } from 'node:path';
import { embedInBlocks } from '../queue/distributed.js';
import { embeddingPool } from '../workers/embed-pool.js';
import { inferThetaParallel } from '../workers/infer-pool.js';
import { bowForModel, embeddingCacheVariant, inferenceEncoderSpec, noEmbeddings, type Runtime } from './pipeline.js';
import type { Progress } from './progress.js';
import type { RunConfig } from './run-config.js';

/** θ of one chunk of documents, with what it was computed from. */
export interface ThetaChunk {
  theta: Float32Matrix & { threads?: number };
  bow: CsrMatrix;
  /** Index of the chunk's first document in the whole input. */
  offset: number;
}

/**
 * θ of a corpus's documents with a saved model, in this process, chunk by chunk: for each
 * chunk the bag of words over the model's vocabulary, the model's encoder (through the cache,
 * in blocks of `shardSize`), then θ in the inference pool, seeded as that part of the whole
 * input — so the θ rows equal one pass over all documents, while memory holds one chunk. The
 * encoder is created once. Every chunk but the last must hold a multiple of `shardSize`
 * documents, itself a multiple of the inference batch (512).
 */
export async function* thetaOfChunks(
  rt: Runtime,
  cfg: RunConfig,
  saved: SavedModel,
  modelDir: string,
  chunks: Iterable<Corpus> | AsyncIterable<Corpus>,
  progress: Progress,
  options: {
    samples?: number;
    seed?: number;
    shardSize: number;
    /** Documents in the whole input, when known (for progress). */
    total?: number;
    /** Called after each chunk is yielded (the CLI's infer collects garbage there). */
    betweenChunks?: () => void;
  },
): AsyncGenerator<ThetaChunk & { spec: EncoderSpec | null }> {
  const spec = inferenceEncoderSpec(cfg, saved);
  let encoder: Encoder | undefined;
  let pool: ReturnType<typeof embeddingPool>;
  let offset = 0;
  let computed = 0;
  const onProgress = spec ? progress.embedding('embedding') : undefined;
  try {
    for await (const corpus of chunks) {
      if (offset > 0 && offset % options.shardSize !== 0) throw new Error(`a chunk before the last held ${offset} documents, not a multiple of ${options.shardSize}`);
      const texts = corpus.encoderTexts ?? corpus.documents;
      const bow = bowForModel(corpus.documents, saved, corpus.pretokenized);
      let emb;
      if (!spec) {
        emb = noEmbeddings(bow.rows); // a model that reads the bag of words alone (LDA)
      } else {
        if (!encoder) {
          encoder = rt.registry.createEncoder(spec);
          pool = embeddingPool(rt.backend, cfg, spec, { encoder });
        }
        const base = offset;
        emb = await embedInBlocks(encoder, texts, cfg.cacheDir ?? '.topickd-cache', options.shardSize, {
          onProgress: (done) => onProgress!({ done: base + done, total: Math.max(options.total ?? 0, base + texts.length) }),
          logger: rt.logger,
          parallel: pool?.parallel,
          variant: embeddingCacheVariant(rt.backend),
        });
        computed += emb.computed;
      }
      const theta = await inferThetaParallel(rt.backend, cfg, saved.model, resolve(modelDir), { bow, embeddings: emb }, { samples: options.samples ?? 20, seed: options.seed ?? 0, offset });
      yield { theta, bow, offset, spec };
      offset += bow.rows;
      options.betweenChunks?.();
    }
  } finally {
    await pool?.close();
    encoder?.dispose?.();
  }
  if (spec) progress.embedded('embedding', offset, offset - computed);
}

/**
 * θ of a whole corpus (one chunk of `thetaOfChunks`): what `topics --labels`, `topics-over-time`
 * and `infer` of an OCTIS folder run; returns θ with the bag of words and the encoder it was
 * computed from.
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
  let out: { theta: Float32Matrix & { threads?: number }; bow: CsrMatrix; spec: EncoderSpec | null } | undefined;
  for await (const c of thetaOfChunks(rt, cfg, saved, modelDir, [corpus], progress, options)) out = c;
  return out!;
}
