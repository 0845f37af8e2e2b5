import { createTopicKD, type TopicKD, type TopicKDConfig } from 'topickd';
import type { Logger } from '@topickd/core';
import type { RunConfig } from 'topickd/app';

/**
 * The API instance a command runs on: the run configuration (defaults < config file <
 * environment < flags, resolved by the CLI) mapped onto `createTopicKD`'s settings, key for
 * key — what a program would write. Commands that are adapters over the API start here.
 */
export function topicKDOf(cfg: RunConfig, logger: Logger): Promise<TopicKD> {
  const { backend, fallback, encoder, losses, plugins, backendOptions, threads, embeddingThreads, trainingThreads, quantize, cacheDir, baseDir } = cfg;
  const settings: TopicKDConfig = { backend, fallback, encoder, losses, plugins, backendOptions, threads, embeddingThreads, trainingThreads, quantize, cacheDir, baseDir, logger };
  return createTopicKD(Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as TopicKDConfig);
}
