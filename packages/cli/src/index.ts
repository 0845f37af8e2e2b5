export { main, COMMANDS, type MainIo } from './main.js';
export { loadConfigFile, mergeConfig, validateRunConfig, type RunConfig } from 'topickd/app';
export { createRuntime, loadDataset, embedDataset, fitOn, resolveDataPath, loadPluginModules, datasetsDir } from 'topickd/app';
export { runExperiment, resultsTable, type ExperimentOptions, type ExperimentResults } from 'topickd/app';
export { renderReport, intertopicMap, reportModelData, mergeReportData, relevanceCandidates, alignTopics, jsDistance, ReportDocuments, type ReportData, type ReportModelData, type ReportTopic } from 'topickd/app';
export { cliReference, configReference } from './reference.js';
