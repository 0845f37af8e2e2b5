import { encoderType, preprocessingRecord, type EncoderSpec, type Float32Matrix, type SavedModel } from '@topickd/core';
import type { Runtime } from '../run/pipeline.js';
import { topicLabels } from './topic-labels.js';

/**
 * A label per topic of a saved model (see topicLabels), from documents and their θ under it.
 * Phrases are embedded by `spec`, the encoder θ was inferred with; a model that reads no
 * embeddings, or precomputed ones (which embed no new text), is labelled by its words alone.
 * What `topics --labels` prints and what `report --labels` shows.
 */
export async function modelLabels(
  rt: Runtime,
  saved: SavedModel,
  spec: EncoderSpec | null | undefined,
  docs: { texts: readonly string[]; theta: Float32Matrix; pretokenized: boolean },
): Promise<string[]> {
  const encoder = spec && saved.encoder.dim > 0 && encoderType(spec) !== 'precomputed' ? rt.registry.createEncoder(spec) : null;
  const labels = await topicLabels({
    texts: docs.texts,
    theta: docs.theta,
    topicWord: saved.model.topicWordDistribution(),
    vocabulary: saved.vocabulary,
    preprocessing: saved.preprocessing ?? preprocessingRecord({ pretokenized: docs.pretokenized }),
    pretokenized: docs.pretokenized,
    embed: encoder ? (t) => encoder.embed(t) : null,
  });
  return labels.map((l) => l.label);
}
