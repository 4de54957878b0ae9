/** Editor features for experiment files: pure functions of a parsed document and a position. */
export { editorDocument, filePathFromUri, ParseCache, toRange, type EditorDocument } from './document';
export { hover } from './hover';
export { complete } from './completion';
export { diagnostics, DIAGNOSTIC_SOURCE } from './diagnostics';
export { codeLenses, RUN_LENS_TITLE } from './codeLens';
export { ExperimentFilePatterns, DEFAULT_EXPERIMENT_FILES, globToRegExp } from './filePatterns';
