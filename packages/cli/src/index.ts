export { main, COMMANDS, type MainIo } from './main.js';
export { loadConfigFile, mergeConfig, validateRunConfig, type RunConfig } from './run-config.js';
export { createRuntime, loadDataset, embedDataset, fitOn, resolveDataPath, loadPluginModules, datasetsDir } from './pipeline.js';
export { runExperiment, resultsTable, type ExperimentOptions, type ExperimentResults } from './experiment.js';
export { renderReport, intertopicMap, reportModelData, mergeReportData, relevanceCandidates, alignTopics, jsDistance, ReportDocuments, type ReportData, type ReportModelData, type ReportTopic } from './report.js';
