/**
 * Updating a trained model with new documents (`topickd update`, `tkd.update`): training goes on
 * from the model's weights (a fresh optimizer) on the new documents' bags of words over the
 * model's own vocabulary — words it does not know are counted, not learned — and the result
 * records its lineage (the parent's manifest digest, the documents added).
 */
import { ConfigError, DataError, MergedTopicModel, documentTokens, isSelfTrainedTopicModel, preprocessOptionsOf, stopwordSet, trainModel, type Corpus, type ModelLineage, type SavedModel, type TopicModel, type TrainResult } from '@topickd/core';
import { copyModel, datasetForModel, embedDataset, encoderSpecOfModel, noEmbeddings, preprocessingOf, trainOptionsOf, type Runtime } from './pipeline.js';
import type { Progress } from './progress.js';
import type { RunConfig } from './run-config.js';
import type { Dataset, EmbeddingRows } from '@topickd/core';

/** Share of the documents' tokens (as the model's training corpus was tokenized) its vocabulary does not know. */
export function unknownTokenShare(corpus: Pick<Corpus, 'documents' | 'pretokenized'>, saved: Pick<SavedModel, 'preprocessing' | 'vocabulary'>): number {
  const options = preprocessOptionsOf(preprocessingOf(saved, corpus.pretokenized), saved.vocabulary);
  const stop = stopwordSet(options);
  const known = new Set(saved.vocabulary);
  let total = 0;
  let unknown = 0;
  for (const text of corpus.documents) {
    for (const t of documentTokens(text, options, stop)) {
      total++;
      if (!known.has(t)) unknown++;
    }
  }
  return total ? unknown / total : 0;
}

export interface UpdateResult {
  model: TopicModel;
  dataset: Dataset;
  embeddings: EmbeddingRows;
  result: TrainResult;
  lineage: ModelLineage;
}

/**
 * Trains a copy of `saved.model` for `cfg.epochs` (default 20) on `corpus`; `parentDigest` is
 * the parent's manifest digest (a model never saved has none: lineage needs one).
 */
export async function updateModel(rt: Runtime, cfg: RunConfig, saved: SavedModel, parentDigest: string, corpus: Corpus, progress: Progress): Promise<UpdateResult> {
  if (isSelfTrainedTopicModel(saved.model)) {
    if (saved.model instanceof MergedTopicModel) throw new ConfigError('a merged model (topickd reduce) is not trained itself: update the model it was reduced from, then reduce the update again', 'model');
    throw new ConfigError(`a "${saved.model.kind}" model trains itself in one pass and cannot go on from its weights; train it again on the old and new documents together (topickd fit)`, 'model');
  }
  const share = unknownTokenShare(corpus, saved);
  if (share >= 1) throw new DataError(`none of the ${corpus.documents.length} new documents has a word of the model's ${saved.vocabulary.length}-word vocabulary (${(100 * share).toFixed(1)}% of their tokens are unknown to it); train a new model on them (topickd fit)`, 'EMPTY_CORPUS');
  const dataset = datasetForModel(corpus, saved);
  let embeddings: EmbeddingRows;
  if (saved.encoder.dim === 0) embeddings = noEmbeddings(dataset.bow.rows);
  else {
    const emb = await embedDataset(rt, dataset, cfg.encoder ?? encoderSpecOfModel(saved.encoder), cfg, progress);
    if (emb.encoderId !== saved.encoder.id) {
      throw new ConfigError(`the model was trained on ${saved.encoder.id} embeddings, these are ${emb.encoderId}; update it with the model's own encoder (leave --encoder out, or give the same one)`, 'encoder');
    }
    embeddings = emb.embeddings;
  }
  const epochs = cfg.epochs ?? 20;
  const seed = cfg.seed ?? 0;
  // a copy: the parent stays as it was
  const model = copyModel(rt, saved.model, seed);
  try {
    const result = await trainModel(model, { bow: dataset.bow, embeddings }, trainOptionsOf(rt, { ...cfg, epochs }, progress, `update of ${saved.model.kind}`, seed));
    const ancestors = saved.lineage ? [saved.lineage.parent, ...(saved.lineage.ancestors ?? [])] : [];
    const lineage: ModelLineage = { parent: parentDigest, documentsAdded: dataset.bow.rows, unknownTokenShare: share, epochs: result.epochs, ...(ancestors.length ? { ancestors } : {}) };
    return { model, dataset, embeddings, result, lineage };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
