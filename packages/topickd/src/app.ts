// topickd/app — the application layer the CLI and the scripts are built on: runtimes, data,
// runs, experiments, tuning, reports, worker pools, the queue's job handlers. For programs,
// `topickd` (the API: createTopicKD and its types) is the stable surface; this subpath follows
// the CLI's needs and may change between minor versions.
export * from './api.js';
export * from './app/pipeline.js';
export * from './app/experiment.js';
export * from './app/experiment-results.js';
export { gridReference, GRID_REFERENCES, type GridReference } from './app/grid-reference.js';
export * from './app/report.js';
export * from './app/run-config.js';
export * from './app/progress.js';
export * from './app/format.js';
export { embeddingPool, embeddingThreads } from './app/embed-pool.js';
export { inferThetaParallel } from './app/infer-pool.js';
export { inferShards } from './shared/infer-shards.js';
export * from './app/comparisons.js';
export * from './model-view.js';
export { TopicKDError, isTopicKDError, ConfigError, DataError, ModelFileError } from '@topickd/core';
export * from './app/distributed.js';
export { runExperimentOnQueue, experimentJobHandlers, EXPERIMENT_RESULTS, EXPERIMENT_SEED, EXPERIMENT_TEACHER } from './app/experiment-queue.js';
export { seedFolder, type SeedPart } from './app/experiment-steps.js';
export { tune, TUNE_TRIAL, type TuneRequest, type TuneResults, type TuneTask } from './app/tune.js';
export { halvingRungs, haltonCandidates, successiveHalving, type Candidate, type SearchSpace, type TuneTrial, type Rung } from './app/tune-search.js';
export { renderTunePage } from './app/tune-page.js';
