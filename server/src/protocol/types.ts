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

/**
 * One evaluation episode of a finished run, for the dashboard's playback (`playback.json` in
 * the run folder). frames[i] is the environment's render state after step i (frame 0: after
 * the reset), so frames.length = rewards.length + 1. Per environment:
 *   CartPole [x, x_dot, theta, theta_dot]; Acrobot [theta1, theta2, dtheta1, dtheta2];
 *   MountainCar / MountainCarContinuous [position, velocity, action]; Pendulum [theta,
 *   theta_dot, torque]; LunarLander [x, y, angle, leg1x, leg1y, leg1angle, leg2x, leg2y,
 *   leg2angle, leg1contact, leg2contact, mainPower, sidePower] in Box2D world units, with
 *   meta = { terrain: [[x, y], ...], helipad: [x1, x2, y], W, H, ... }.
 * A custom environment without renderState() records its observations instead.
 */
export interface PlaybackEpisode {
  env: string;
  /** Seconds per frame at 1x speed. */
  dt: number;
  meta?: Record<string, unknown>;
  frames: number[][];
  /** rewards[i] was received on the step from frame i to frame i + 1. */
  rewards: number[];
  /** How the episode ended: the MDP terminated, or the time limit cut it. */
  terminated?: boolean;
  truncated?: boolean;
}
/** Shape check for a PlaybackEpisode read from a file or received as a message. */
export function isPlaybackEpisode(data: unknown): data is PlaybackEpisode {
  if (typeof data !== 'object' || data === null) return false;
  const e = data as Record<string, unknown>;
  const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
  return (
    typeof e.env === 'string' &&
    typeof e.dt === 'number' &&
    e.dt > 0 &&
    Array.isArray(e.frames) &&
    e.frames.length > 0 &&
    e.frames.every(numbers) &&
    numbers(e.rewards) &&
    e.rewards.length === e.frames.length - 1 &&
    (e.meta === undefined || (typeof e.meta === 'object' && e.meta !== null && !Array.isArray(e.meta)))
  );
}
export interface RunPlaybackResult {
  /** null when the run has no recorded playback (still training, failed, or recorded before playback existed). */
  episode: PlaybackEpisode | null;
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
  | { type: 'focus'; payload: RunIdParams }
  /** The evaluation episode of a run (answer to `requestPlayback`); null when it has none. */
  | { type: 'playback'; payload: { runId: string; episode: PlaybackEpisode | null } };

/** Webview -> host. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'stopRun'; payload: RunIdParams }
  /** The user picked a run; the host remembers it and answers with `runMetrics` when needed. */
  | { type: 'selectRun'; payload: RunIdParams }
  /** The page wants the run's evaluation episode; the host answers with `playback`. */
  | { type: 'requestPlayback'; payload: RunIdParams }
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
  /**
   * `vscode.workspace.isTrusted`. Custom environments (user code) run only when true; a
   * client that does not send it (a standalone `node dist/server.js`) counts as untrusted.
   */
  trusted?: boolean;
}
/** Sent by the extension when the user grants workspace trust while the server runs. */
export interface WorkspaceTrustParams {
  trusted: boolean;
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
