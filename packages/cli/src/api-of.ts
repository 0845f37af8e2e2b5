import { createTopicKD, type TopicKD, type TopicKDConfig } from 'topickd';
import type { Logger } from '@topickd/core';
import type { Progress, RunConfig } from 'topickd/app';

/**
 * The API instance a command runs on: the run configuration (defaults < config file <
 * environment < flags, resolved by the CLI) mapped onto `createTopicKD`'s settings, key for
 * key — what a program would write. Progress is drawn on stderr unless --quiet.
 */
export function topicKDOf(cfg: RunConfig, logger: Logger, progress?: Progress): Promise<TopicKD> {
  const { backend, fallback, encoder, losses, plugins, backendOptions, threads, embeddingThreads, trainingThreads, quantize, cacheDir, baseDir, streamMb, pluginTimeout } = cfg;
  const settings: TopicKDConfig = { backend, fallback, encoder, losses, plugins, backendOptions, threads, embeddingThreads, trainingThreads, quantize, cacheDir, baseDir, streamMb, pluginTimeout, logger, showProgress: progress ? !progress.quiet : false };
  return createTopicKD(Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as TopicKDConfig);
}

/**
 * The training options every command that trains reads from the run configuration (flags → the
 * API's options object); with `run`, also its checkpoints (every --checkpoint-every epochs into
 * --out) and --resume.
 */
export function trainingOptionsOf(cfg: RunConfig, run?: { out: string; resume?: string }) {
  const { epochs, seed, batchSize, learningRate, dropout, validationFraction, patience, seedTopics, seedStrength, textField, samples } = cfg;
  const checkpoint = run && cfg.checkpointEvery ? { dir: run.out, every: cfg.checkpointEvery } : undefined;
  return { epochs, seed, batchSize, learningRate, dropout, validationFraction, patience, seedTopics, seedStrength, textField, samples, checkpoint, resume: run?.resume };
}

/** The seed words a model was steered with, as its record has them (for a command's JSON). */
export function seededOf(training: Record<string, unknown>): { seedTopics?: unknown; seedStrength?: unknown } {
  return training.seedTopics !== undefined ? { seedTopics: training.seedTopics, ...(training.seedStrength !== undefined ? { seedStrength: training.seedStrength } : {}) } : {};
}

/** The settings an `experiment` request takes from the run configuration besides its grid (the demo's too). */
export function experimentSettingsOf(cfg: RunConfig) {
  const { epochs, alpha, temperature, recipe, kdEpochs, losses, modelOptions, queueTimeout, batchSize, learningRate, dropout, validationFraction, patience, vocabularySize, minDf, maxDf, textField } = cfg;
  return { epochs, alpha, temperature, recipe, kdEpochs, losses, modelOptions, queueTimeout, batchSize, learningRate, dropout, validationFraction, patience, vocabularySize, minDf, maxDf, textField };
}
