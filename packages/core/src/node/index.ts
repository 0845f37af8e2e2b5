// @topickd/core/node — Node-only helpers: corpus files, model directories, atomic writes.
export * from './corpus-files.js';
export * from './atomic-write.js';
export * from './model-dir.js';
export * from './streaming.js';
export * from './output-dir.js';
export * from './read-file.js';
