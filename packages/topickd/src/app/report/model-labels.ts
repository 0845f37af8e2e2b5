import { ConfigError, encoderType, preprocessingRecord, type EncoderSpec, type Float32Matrix, type SavedModel } from '@topickd/core';
import { loadCorpus } from '@topickd/core/node';
import { INFER_BATCH } from '../queue/distributed.js';
import { thetaOfCorpus } from '../run/corpus-theta.js';
import { resolveDataPath, type Runtime } from '../run/pipeline.js';
import type { Progress } from '../run/progress.js';
import type { RunConfig } from '../run/run-config.js';
import { topicLabels } from './topic-labels.js';

/**
 * A label per topic of a saved model (see topicLabels), from documents and their θ under it.
 * Phrases are embedded by `spec`, the encoder θ was inferred with; a model that reads no
 * embeddings, or precomputed ones (which embed no new text), is labelled by its words alone.
 * What `report --labels` shows; `labelsOfData` below is `topics --labels` and `export --labels`.
 */
export async function modelLabels(
  rt: Runtime,
  saved: SavedModel,
  spec: EncoderSpec | null | undefined,
  docs: { texts: readonly string[]; theta: Float32Matrix; pretokenized: boolean },
  options: { diversity?: number; candidates?: number } = {},
): Promise<string[]> {
  const encoder = spec && saved.encoder.dim > 0 && encoderType(spec) !== 'precomputed' ? rt.registry.createEncoder(spec) : null;
  try {
    const labels = await topicLabels({
      texts: docs.texts,
      theta: docs.theta,
      topicWord: saved.model.topicWordDistribution(),
      vocabulary: saved.vocabulary,
      preprocessing: saved.preprocessing ?? preprocessingRecord({ pretokenized: docs.pretokenized }),
      pretokenized: docs.pretokenized,
      embed: encoder ? (t) => encoder.embed(t) : null,
      ...options,
    });
    return labels.map((l) => l.label);
  } finally {
    encoder?.dispose?.(); // the encoder's weights (USE: 28 MB of tensors) go with it
  }
}

/** The corpus `--labels` takes its phrases from (`--data`, config `data`); a usage error without one. */
export function requireLabelData(cfg: RunConfig): string {
  if (!cfg.data) throw new ConfigError('--labels takes its phrases from documents: give --data PATH (the training corpus or one like it)', 'data');
  return cfg.data;
}

/**
 * `--labels` with `--data PATH` (the config's `data`): the model's labels from that corpus, its
 * θ inferred as `infer` does. Refuses a missing `--data` before any work.
 */
export async function labelsOfData(rt: Runtime, cfg: RunConfig, saved: SavedModel, modelDir: string, progress: Progress): Promise<string[]> {
  const corpus = loadCorpus(resolveDataPath(requireLabelData(cfg), cfg.baseDir), { textField: cfg.textField });
  const { theta, spec } = await thetaOfCorpus(rt, cfg, saved, modelDir, corpus, progress, { shardSize: 2 * INFER_BATCH });
  return modelLabels(rt, saved, spec, { texts: corpus.encoderTexts ?? corpus.documents, theta, pretokenized: corpus.pretokenized && !corpus.encoderTexts });
}
