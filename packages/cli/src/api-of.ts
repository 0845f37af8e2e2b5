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

/** The training options every command that trains reads from the run configuration (flags → the API's options object). */
export function trainingOptionsOf(cfg: RunConfig) {
  const { epochs, seed, batchSize, learningRate, dropout, validationFraction, patience, seedTopics, seedStrength, textField, samples } = cfg;
  return { epochs, seed, batchSize, learningRate, dropout, validationFraction, patience, seedTopics, seedStrength, textField, samples };
}
