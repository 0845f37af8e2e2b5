/**
 * topickd — TopicKD with batteries included: one API for code (`createTopicKD`), the CLI built on it.
 * The application layer under the CLI (runs, experiments, reports, pools) is `topickd/app`.
 *
 * @module topickd
 */
export {
  createTopicKD,
  TopicKD,
  TrainedTopicModel,
  type Texts,
  type TopicKDConfig,
  type FitOptions,
  type DistillOptions,
  type ExperimentRequest,
  type TuneApiRequest,
  type TopicsTuneRequest,
  type EvaluationResult,
} from './api.js';
export type { ExperimentResults, RunRecord, Role } from './app/experiment/experiment-results.js';
export type { Comparison } from './app/experiment/comparisons.js';
export type { TuneResults } from './app/tune/tune.js';
export type { TopicsSearchResults } from './app/tune/topics-search.js';
export type { TopicsOverTime, TimeBins } from './app/report/topics-over-time.js';
export type { ProgressEvent } from './app/run/progress.js';
export type { TrainingRun } from './app/run/fit-run.js';
export type { InferOutcome } from './app/run/infer-run.js';
export type { BundleRecord } from './app/run/export-bundle.js';
export type { ModelArchitecture } from './app/run/run-config.js';
export { TopicModelView } from './model-view.js';
// Errors a program catches: every TopicKD error is a TopicKDError with a `code` and a `kind`.
export { TopicKDError, isTopicKDError, ConfigError, DataError, ModelFileError } from '@topickd/core';
