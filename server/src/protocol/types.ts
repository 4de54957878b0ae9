/**
 * Data types, command ids and webview messages of the RL Lab contract. No imports: the
 * webview bundle takes this file alone. `index.ts` adds the LSP method objects.
 */

// ---------------------------------------------------------------- shared data

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'stopped' | 'interrupted';

export const TERMINAL_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'stopped', 'interrupted'];

/** One line of `metrics.jsonl`: the global env step, wall time (ms since epoch) and namespaced metrics. */
export interface MetricRow {
  step: number;
  time: number;
  [metric: string]: number;
}

/** What `run.json` holds and what the tree and dashboard show for a run. */
export interface RunSummary {
  id: string;
  experiment: string;
  /** Experiment file, workspace-relative when it lies in the workspace. */
  file: string;
  algo: string;
  env: string;
  seed: number;
  status: RunStatus;
  /** ISO timestamps. */
  startTime: string;
  endTime?: string;
  backend?: string;
  /** Why better backends were skipped, one line each. */
  backendNotes?: string[];
  packageVersion?: string;
  gitCommit?: string;
  gitDirty?: boolean;
  globalStep: number;
  totalSteps: number;
  /** Mean of the last 20 episodic returns, when any episode finished. */
  meanReturn?: number;
  error?: string;
  runDir: string;
}

// ---------------------------------------------------------------- LSP methods

export interface StartRunParams {
  /** Document URI of the experiment file. */
  uri: string;
  experiment: string;
  seed?: number;
  /** `key=value` overrides, the same syntax as the CLI's `--set`. */
  overrides?: string[];
}
export interface StartRunResult {
  run: RunSummary;
}
export interface RunIdParams {
  runId: string;
}
export interface StopRunResult {
  stopped: boolean;
}
export interface ListRunsResult {
  runs: RunSummary[];
}
export interface RunMetricsResult {
  runId: string;
  rows: MetricRow[];
}
export interface RunMetricsNotification {
  runId: string;
  rows: MetricRow[];
}

// ---------------------------------------------------------------- editor commands

/** Command ids: contributed in package.json, registered by the extension, used by code lenses. */
export const CommandIds = {
  runExperiment: 'rlLab.runExperiment',
  stopRun: 'rlLab.stopRun',
  openDashboard: 'rlLab.openDashboard',
  refreshRuns: 'rlLab.refreshRuns',
} as const;

/** Arguments of the `runExperiment` command, as the server puts them in a code lens. */
export interface RunExperimentArgs {
  uri: string;
  experiment: string;
}

export const ViewIds = {
  runs: 'rlLab.runs',
  dashboard: 'rlLab.dashboard',
} as const;

// ---------------------------------------------------------------- webview messages

/** Host -> webview. After `ready` the host sends one `snapshot`, then increments. */
export type HostToWebview =
  | { type: 'snapshot'; payload: { runs: RunSummary[]; metrics: Record<string, MetricRow[]>; focus?: string } }
  | { type: 'metrics'; payload: RunMetricsNotification }
  | { type: 'runStatus'; payload: RunSummary }
  /** The full stored series of one run (answer to `selectRun`); replaces what the webview held. */
  | { type: 'runMetrics'; payload: RunMetricsResult }
  /** Show this run (the dashboard was opened for it while already open). */
  | { type: 'focus'; payload: RunIdParams };

/** Webview -> host. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'stopRun'; payload: RunIdParams }
  /** The user picked a run; the host remembers it and answers with `runMetrics` when needed. */
  | { type: 'selectRun'; payload: RunIdParams }
  | { type: 'error'; payload: { message: string } };

/** What the dashboard keeps with `vscode.setState`; the panel serializer reads it back on reload. */
export interface DashboardPersistedState {
  selected?: string;
}

/** `initializationOptions` the extension sends the language server (settings `rlLab.*`). */
export interface ServerInitializationOptions {
  /** Glob patterns of experiment files. */
  experimentFiles: string[];
  /** Preferred TensorFlow.js backend; `auto` picks the best that loads. */
  backend: BackendSetting;
}
export type BackendSetting = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_SETTINGS: readonly BackendSetting[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export type HostMessageType = HostToWebview['type'];
export type WebviewMessageType = WebviewToHost['type'];

/** Metrics the dashboard pins first, in this order. */
export const PINNED_METRICS = [
  'charts/episodic_return',
  'losses/approx_kl',
  'losses/policy_loss',
  'losses/value_loss',
  'losses/entropy',
] as const;
