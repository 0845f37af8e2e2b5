import { ConfigError, corpusToDataset, type Corpus, type EncoderReference, type TrainResult } from '@topickd/core';
import { checkpointHooks, fingerprintedOptions, readResume, type CheckpointRequest } from './checkpointing.js';
import { embedDataset, encoderReferenceOf, fitOn, kindNeedsEmbeddings, loadTrainingData, modelConfigOf, NO_ENCODER, noEmbeddings, runFingerprint, trainingRecord, type Runtime, type TrainedModel, type TrainingData } from './pipeline.js';
import type { Progress } from './progress.js';
import type { RunConfig } from './run-config.js';

export interface FitRequest extends CheckpointRequest {
  /**
   * The corpus: a path or a bundled name, read as `fit --data` reads it (a `.txt`/`.jsonl` file
   * larger than `streamMb` streamed from disk), or documents already in memory.
   */
  data: string | Corpus;
  kind: string;
  topics: number;
  hidden?: number[];
  seed: number;
  signal?: AbortSignal;
}

/** What a fit run leaves: the model and its result, the data it was trained on, and its manifest's `training` record. */
export interface FitOutcome extends TrainedModel {
  data: TrainingData;
  encoder: EncoderReference;
  training: Record<string, unknown>;
}

/** What a caller reports of a run (the CLI's JSON, the API's `TrainedTopicModel.run`). */
export interface TrainingRun {
  epochs: number;
  finalLoss: number;
  seconds: number;
  docsPerSecond: number;
  /** Documents trained on (after those empty after preprocessing were left out). */
  documents: number;
  droppedDocuments: number;
  vocabularySize: number;
  /** Whether the corpus was streamed from disk (a large file) instead of read whole. */
  streamed: boolean;
}

export function trainingRunOf(result: Pick<TrainResult, 'epochs' | 'finalLoss' | 'seconds' | 'docsPerSecond'>, data: Pick<TrainingData, 'dataset' | 'streamed'>): TrainingRun {
  const { epochs, finalLoss, seconds, docsPerSecond } = result;
  return { epochs, finalLoss, seconds, docsPerSecond, documents: data.dataset.bow.rows, droppedDocuments: data.dataset.dropped, vocabularySize: data.dataset.vocabulary.length, streamed: data.streamed };
}

/**
 * The fit run — the one `topickd fit` and `tkd.fit` both run: the training data, embeddings when
 * the kind reads them, checkpoints and resume (checked against this run's fingerprint), training,
 * and the record the model folder keeps. Each caller saves the model its own way.
 */
export async function runFit(rt: Runtime, cfg: RunConfig, progress: Progress, req: FitRequest): Promise<FitOutcome> {
  rt.registry.modelFactory(req.kind); // before any work: an unknown kind lists the registered ones
  const resume = await readResume(req);
  const data = typeof req.data === 'string' ? await loadTrainingData(rt, { ...cfg, data: req.data }, progress, { embeddings: kindNeedsEmbeddings(rt, req.kind) }) : await trainingDataOf(rt, cfg, req.data, req.kind, progress);
  const { dataset, embeddings } = data;
  if (dataset.dropped) progress.log(`${dataset.dropped} document${dataset.dropped === 1 ? ' is' : 's are'} empty after preprocessing and left out`);
  const encoder = encoderReferenceOf(data);
  const arch = { kind: req.kind, topics: req.topics, hidden: req.hidden };
  const config = modelConfigOf(arch, dataset, embeddings, cfg);
  const options = fingerprintedOptions(cfg, req.seed);
  const fingerprint = runFingerprint({ documents: dataset.bow, embeddings, config, options });
  if (resume) {
    if (JSON.stringify(resume.meta.vocabulary) !== JSON.stringify(dataset.vocabulary)) throw new ConfigError(`${resume.path} was written for another corpus (vocabulary differs); resume with the same --data`, 'resume');
    if (resume.meta.encoder.id !== data.encoderId) throw new ConfigError(`${resume.path} was trained on ${resume.meta.encoder.id} embeddings, not ${data.encoderId}; resume with the same --encoder`, 'resume');
  }
  const hooks = checkpointHooks(req, resume, { config, vocabulary: dataset.vocabulary, encoder, options, fingerprint }, progress);
  const trained = await fitOn(rt, dataset, embeddings, arch, cfg, progress, req.kind, req.seed, { ...hooks, ...(req.signal ? { signal: req.signal } : {}) });
  const training = trainingRecord(dataset, trained.result, req.seed, rt.backend.name, trained.seeded);
  return { ...trained, data, encoder, training };
}

/** Training data from documents in memory (preprocessed with `cfg`'s settings, embedded when the kind reads embeddings). */
async function trainingDataOf(rt: Runtime, cfg: RunConfig, corpus: Corpus, kind: string, progress: Progress): Promise<TrainingData> {
  const dataset = corpusToDataset(corpus, { vocabularySize: cfg.vocabularySize, minDf: cfg.minDf, maxDf: cfg.maxDf });
  for (const w of dataset.warnings) rt.logger.warn(w);
  if (!kindNeedsEmbeddings(rt, kind)) return { dataset, embeddings: noEmbeddings(dataset.bow.rows), encoderId: NO_ENCODER.id, encoderType: NO_ENCODER.type, streamed: false };
  const emb = await embedDataset(rt, dataset, cfg.encoder, cfg, progress);
  return { dataset, embeddings: emb.embeddings, encoderId: emb.encoderId, encoderType: emb.encoderType, ...(emb.encoderOptions ? { encoderOptions: emb.encoderOptions } : {}), streamed: false };
}
