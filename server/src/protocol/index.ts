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
  ListRunsResult,
  RunIdParams,
  RunMetricsNotification,
  RunMetricsResult,
  RunPlaybackResult,
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
/** Sent whenever a run's status or progress changes. */
export const RunStatusNotification = new NotificationType<RunSummary>('rlLab/runStatus');
/** New metric rows of a live run, batched (at least once a second while it logs). */
export const RunMetricsNotificationType = new NotificationType<RunMetricsNotification>('rlLab/runMetrics');
/** Extension -> server: the workspace became trusted (custom environments may run from now on). */
export const WorkspaceTrustNotification = new NotificationType<WorkspaceTrustParams>('rlLab/workspaceTrust');
