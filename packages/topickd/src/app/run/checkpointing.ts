import { ConfigError, DEFAULT_TRAIN, type EncoderReference, type TopicModelConfig, type TrainOptions } from '@topickd/core';
import { CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint } from '@topickd/core/node';
import { join } from 'node:path';
import { checkResumeFingerprint } from './pipeline.js';
import type { Progress } from './progress.js';
import type { RunConfig } from './run-config.js';
import { seedFingerprint } from './seed-topics.js';

/** Checkpoints of a training run and where it continues from (`--checkpoint-every`, `--resume`; the API's `checkpoint`, `resume`). */
export interface CheckpointRequest {
  /** Write `checkpoint.tkdc` (model + optimizer + RNG) into `dir` every `every` epochs, atomically. */
  checkpoint?: { dir: string; every: number };
  /** Continue from a checkpoint (a folder holding checkpoint.tkdc, or the file) with the same data and options. */
  resume?: string;
}

export type LoadedCheckpoint = Awaited<ReturnType<typeof loadCheckpoint>>;

/** The checkpoint to resume from, read before any work (undefined when none is asked for). */
export async function readResume(req: CheckpointRequest): Promise<LoadedCheckpoint | undefined> {
  if (req.checkpoint !== undefined && !(Number.isInteger(req.checkpoint.every) && req.checkpoint.every > 0 && typeof req.checkpoint.dir === 'string')) {
    throw new ConfigError('checkpoint must be { dir: a folder, every: a positive integer of epochs }', 'checkpoint');
  }
  return req.resume ? loadCheckpoint(req.resume) : undefined;
}

/** The training options a checkpoint's fingerprint covers (with the distillation's, for a student). */
export function fingerprintedOptions(cfg: RunConfig, seed: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    seed,
    batchSize: cfg.batchSize ?? DEFAULT_TRAIN.batchSize,
    learningRate: cfg.learningRate ?? DEFAULT_TRAIN.learningRate,
    validationFraction: cfg.validationFraction ?? DEFAULT_TRAIN.validationFraction,
    ...extra,
    ...seedFingerprint(cfg),
  };
}

/**
 * The trainer's checkpoint hooks: resume from `resume` (its fingerprint checked against this run's:
 * a checkpoint of another run is refused, naming what differs) and write one every N epochs.
 */
export function checkpointHooks(
  req: CheckpointRequest,
  resume: LoadedCheckpoint | undefined,
  meta: { config: TopicModelConfig; vocabulary: string[]; encoder: EncoderReference; options: Record<string, unknown>; fingerprint: Record<string, string> },
  progress: Progress,
): Partial<TrainOptions> {
  if (resume) {
    checkResumeFingerprint(resume.path, resume.meta.fingerprint, meta.fingerprint);
    progress.log(`resuming from ${resume.path} after epoch ${resume.state.epoch}`);
  }
  const every = req.checkpoint?.every;
  const path = req.checkpoint ? join(req.checkpoint.dir, CHECKPOINT_FILE) : undefined;
  return {
    resume: resume?.state,
    checkpointEvery: every,
    onCheckpoint: path ? (state) => saveCheckpoint(path, meta, state) : undefined,
  };
}
