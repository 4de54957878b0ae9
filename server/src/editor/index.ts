/** Editor features for experiment files: pure functions of a parsed document and a position. */
export { editorDocument, filePathFromUri, ParseCache, toRange, type EditorDocument } from './document';
export { hover } from './hover';
export { complete } from './completion';
export { diagnostics, documentIssues, DIAGNOSTIC_SOURCE } from './diagnostics';
export { codeActions } from './codeActions';
export { codeLenses, freeSeeds, RUN_LENS_TITLE, SEED_COUNT, type LensRuns } from './codeLens';
export { documentSymbols } from './symbols';
export { definition, type DefinitionContext } from './definition';
export { ExperimentFilePatterns, DEFAULT_EXPERIMENT_FILES, globToRegExp } from './filePatterns';
export { RunLensIndex } from './runLenses';
