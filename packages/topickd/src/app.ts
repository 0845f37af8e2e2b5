// topickd/app — the application layer the CLI and the scripts are built on: runtimes, data,
// runs, experiments, tuning, reports, worker pools, the queue's job handlers. For programs,
// `topickd` (the API: createTopicKD and its types) is the stable surface; this subpath follows
// the CLI's needs and may change between minor versions.
export * from './api.js';
export * from './app/run/pipeline.js';
export { canStreamCorpus, collectGarbage, corpusChunks, countCorpusDocuments, linesOf, type CorpusChunkOptions } from './app/run/corpus-chunks.js';
export { writeBundle, type BundleRecord, type BundleOptions } from './app/run/export-bundle.js';
export { runInfer, type InferRequest, type InferOutcome, type ThetaBlock } from './app/run/infer-run.js';
export { evaluateTopicsOf, type TopicsEvaluation, type TopicsSource, type EvaluateOptions } from './app/run/evaluate-topics.js';
export { runReport, readTopicsSearch, type ReportRequest, type ReportOutcome, type ReportedModel } from './app/report/report-run.js';
export { runEmbed, type EmbedRequest, type EmbedOutcome } from './app/run/embed-run.js';
export { runFit, trainingRunOf, type FitRequest, type FitOutcome, type TrainingRun } from './app/run/fit-run.js';
export { checkpointHooks, fingerprintedOptions, readResume, type CheckpointRequest, type LoadedCheckpoint } from './app/run/checkpointing.js';
export { runDistillation, vocabularyTeacher, type DistillationTeacher, type DistillationPlan, type DistillationRequest, type DistillationOutcome } from './app/run/distillation-run.js';
export * from './app/experiment/experiment.js';
export * from './app/experiment/experiment-results.js';
export { gridReference, GRID_REFERENCES, type GridReference } from './app/experiment/grid-reference.js';
export * from './app/report/report.js';
export * from './app/run/run-config.js';
export * from './app/run/seed-topics.js';
export * from './app/run/reduce.js';
export * from './app/run/progress.js';
export * from './app/run/format.js';
export { embeddingPool, embeddingThreads } from './app/workers/embed-pool.js';
export { inferThetaParallel } from './app/workers/infer-pool.js';
export { thetaOfCorpus, thetaOfChunks, type ThetaChunk } from './app/run/corpus-theta.js';
export { updateModel, unknownTokenShare, type UpdateResult } from './app/run/update.js';
export { binDocuments, documentGrouping, groupingValues, jsonlFieldValues, parseBins, parseTime, topicsOverTimeOf, type DocumentGrouping, type TimeBins, type TopicsOverTime } from './app/report/topics-over-time.js';
export { renderTopicsOverTimePage, topicsOverTimeSection, TOPICS_OVER_TIME_STYLE } from './app/report/topics-over-time-page.js';
export { candidatePhrases, topicLabels, type LabelInputs, type TopicLabel } from './app/report/topic-labels.js';
export { labelsOfData, modelLabels, requireLabelData } from './app/report/model-labels.js';
export { inferShards } from './shared/infer-shards.js';
export { concatRows } from './shared/concat-rows.js';
export * from './app/experiment/comparisons.js';
export * from './model-view.js';
export { TopicKDError, isTopicKDError, ConfigError, DataError, ModelFileError } from '@topickd/core';
export * from './app/queue/distributed.js';
export { queueModule } from './app/queue/queue-module.js';
export { runExperimentOnQueue, experimentJobHandlers, EXPERIMENT_RESULTS, EXPERIMENT_SEED, EXPERIMENT_TEACHER } from './app/queue/experiment-queue.js';
export { seedFolder, type SeedPart } from './app/experiment/experiment-steps.js';
export { tune, TUNE_TRIAL, type TuneRequest, type TuneResults, type TuneTask } from './app/tune/tune.js';
export { halvingRungs, haltonCandidates, successiveHalving, type Candidate, type SearchSpace, type TuneTrial, type Rung } from './app/tune/tune-search.js';
export { renderTunePage } from './app/tune/tune-page.js';
export { searchTopics, parseTopicsRange, summarizeTopicsRuns, TOPICS_RULE, MIN_TOPIC_DIVERSITY, type TopicsSearchRequest, type TopicsSearchResults, type TopicsSearchPoint, type TopicsSearchRun } from './app/tune/topics-search.js';
export { renderTopicsSearchPage, topicsSearchSection, topicsCurve, TOPICS_SEARCH_STYLE } from './app/tune/topics-search-page.js';
export { distillStaticEncoder, type DistillEncoderOptions, type DistilledEncoder } from './app/encoder/distill-encoder.js';
