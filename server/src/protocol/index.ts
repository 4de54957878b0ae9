/**
 * The one contract between the extension host, the training language server and the
 * dashboard webview. Every custom LSP method, every command id and every webview message
 * is declared here, typed, and imported by all three sides; no method name or message
 * type is spelled as a bare string anywhere else.
 *
 * The webview imports `./types` directly (no Node or `vscode` imports there).
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type {
  DeleteRunResult,
  EvaluateRunParams,
  EvaluateRunResult,
  ExportPolicyResult,
  RerunParams,
  RunResult,
  SetRunMetaParams,
  SweepParams,
  SweepResult,
  ListRunsResult,
  RunIdParams,
  RunMetricsNotification,
  RunConfigResult,
  RunMetricsResult,
  RunPlaybackResult,
  RunValueTableResult,
  RunSamplesParams,
  RunSamplesResult,
  RunSummary,
  StartRunParams,
  StartRunResult,
  StopRunResult,
  WorkspaceTrustParams,
} from './types';

export * from './types';

export const StartRunRequest = new RequestType<StartRunParams, StartRunResult, void>('rlLab/startRun');
export const StopRunRequest = new RequestType<RunIdParams, StopRunResult, void>('rlLab/stopRun');
export const ListRunsRequest = new RequestType<Record<string, never>, ListRunsResult, void>('rlLab/listRuns');
/** All stored metrics of a run, read from its files (finished or live). */
export const RunMetricsRequest = new RequestType<RunIdParams, RunMetricsResult, void>('rlLab/runMetrics');
/** The run's recorded evaluation episode (`playback.json`), for the dashboard's playback. */
export const RunPlaybackRequest = new RequestType<RunIdParams, RunPlaybackResult, void>('rlLab/runPlayback');
/** A tabular run's Q-table / value function (`q_table.json`, rewritten while it trains), for the dashboard's heatmap. */
export const RunValueTableRequest = new RequestType<RunIdParams, RunValueTableResult, void>('rlLab/runValueTable');
/** An RLHF run's sampled completions with their rewards (`samples.jsonl`), for the dashboard's samples table. */
export const RunSamplesRequest = new RequestType<RunSamplesParams, RunSamplesResult, void>('rlLab/runSamples');
/** The run's resolved config (config.yaml), for the dashboard's hyperparameter table and health checks. */
export const RunConfigRequest = new RequestType<RunIdParams, RunConfigResult, void>('rlLab/runConfig');
/** Sent whenever a run's status or progress changes. */
export const RunStatusNotification = new NotificationType<RunSummary>('rlLab/runStatus');
/** New metric rows of a live run, batched (at least once a second while it logs). */
export const RunMetricsNotificationType = new NotificationType<RunMetricsNotification>('rlLab/runMetrics');
/** Extension -> server: the workspace became trusted (custom environments may run from now on). */
export const WorkspaceTrustNotification = new NotificationType<WorkspaceTrustParams>('rlLab/workspaceTrust');
/** Continues a stopped, interrupted or failed run from its newest checkpoint, in the same folder (queued first). */
export const ResumeRunRequest = new RequestType<RunIdParams, RunResult, void>('rlLab/resumeRun');
/** A new run with the same config (and seed, unless newSeed). */
export const RerunRunRequest = new RequestType<RerunParams, RunResult, void>('rlLab/rerunRun');
/** Plays the saved policy deterministically; the result is recorded in the run (evaluations.jsonl, run.json). */
export const EvaluateRunRequest = new RequestType<EvaluateRunParams, EvaluateRunResult, void>('rlLab/evaluateRun');
/** Deletes the run folder (the client confirmed with the user). A live run is refused. */
export const DeleteRunRequest = new RequestType<RunIdParams, DeleteRunResult, void>('rlLab/deleteRun');
/** Stars / tags a run (stored in run.json); answers with the updated summary. */
export const SetRunMetaRequest = new RequestType<SetRunMetaParams, RunResult, void>('rlLab/setRunMeta');
/** Queues every combination of an experiment's `sweep:`. */
export const SweepRequest = new RequestType<SweepParams, SweepResult, void>('rlLab/sweep');
/** Writes the policy of the newest checkpoint as a TensorFlow.js layers model into `<runDir>/export/tfjs/`. */
export const ExportPolicyRequest = new RequestType<RunIdParams, ExportPolicyResult, void>('rlLab/exportPolicy');
