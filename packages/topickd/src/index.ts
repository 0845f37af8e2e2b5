// topickd — TopicKD with batteries included: one API for code, the CLI built on it.
export * from './api.js';
// The application layer (what the CLI and scripts use): runs, data, experiments, reports.
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
// Errors a program catches: every TopicKD error is a TopicKDError with a `code` and a `kind`.
export { TopicKDError, isTopicKDError, ConfigError, DataError, ModelFileError } from '@topickd/core';
export * from './app/distributed.js';
export { runExperimentOnQueue, experimentJobHandlers, EXPERIMENT_RESULTS, EXPERIMENT_SEED, EXPERIMENT_TEACHER } from './app/experiment-queue.js';
export { seedFolder, type SeedPart } from './app/experiment-steps.js';
export { tune, TUNE_TRIAL, type TuneRequest, type TuneResults, type TuneTask } from './app/tune.js';
export { halvingRungs, haltonCandidates, successiveHalving, type Candidate, type SearchSpace, type TuneTrial, type Rung } from './app/tune-search.js';
export { renderTunePage } from './app/tune-page.js';
