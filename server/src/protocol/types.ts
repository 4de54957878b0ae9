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
  /**
   * Best rolling mean of 20 consecutive episodic returns (`charts/episodic_return` in
   * metrics.jsonl) seen during the run; `meanReturn` is the last such mean.
   */
  bestMeanReturn?: number;
  /** Set when the run folder has missing or corrupt files: why (shown in the tree's tooltip). */
  damaged?: string;
  /** Marked by the user in the Runs tree (SetRunMeta); starred runs are listed first. */
  starred?: boolean;
  /** User tags (SetRunMeta), for filtering. */
  tags?: string[];
  /** The sweep that queued this run, when it is one combination of an experiment's `sweep:`. */
  sweepId?: string;
  /** The values this sweep combination set (`key -> value`, seed included), for grouping and labels. */
  sweepParams?: Record<string, unknown>;
  /** Env step of the newest checkpoint in `<runDir>/checkpoints/` (resume continues from it). */
  checkpointStep?: number;
  /** How often the run was resumed from a checkpoint. */
  resumes?: number;
  /** The newest evaluation (EvaluateRun / `rl-lab eval`); every one is in evaluations.jsonl. */
  evaluation?: EvaluationSummary;
  /** Reproducibility record: versions of what trained the run. */
  versions?: { rlLab: string; tfjsCore?: string; node: string };
  /** Reproducibility record: the machine that created the run. */
  machine?: MachineSummary;
  /** The resolved config, relative to the run folder (`config.yaml`). */
  configFile?: string;
  /**
   * Training health alerts (NaN loss, KL far above target, entropy collapse, explained
   * variance below zero for long), one line each; computed by the server from the metrics
   * (`server/src/training/health.ts`). Absent when there are none.
   */
  alerts?: string[];
}

export interface MachineSummary {
  /** `os.type() os.release() os.arch()`. */
  os: string;
  cpu: string;
  cores: number;
  memoryGb: number;
}

/** One deterministic evaluation of a run's saved policy (a line of evaluations.jsonl). */
export interface EvaluationSummary {
  /** ISO time. */
  time: string;
  episodes: number;
  /** Env step of the checkpoint evaluated. */
  step: number;
  meanReturn: number;
  stdReturn: number;
  minReturn: number;
  maxReturn: number;
  meanLength: number;
}
export interface EvaluationResult extends EvaluationSummary {
  returns: number[];
  lengths: number[];
  /** Episode i resets from Rng.stream(seed + i, 'playback'): episode 0 is the run's playback episode. */
  seed: number;
  deterministic: true;
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
/** ResumeRun, RerunRun and Sweep answer with the runs they queued or started. */
export interface RunResult {
  run: RunSummary;
}
export interface RerunParams {
  runId: string;
  /** true: a freshly drawn seed; false/absent: the same seed (and config) as the run. */
  newSeed?: boolean;
}
export interface EvaluateRunParams {
  runId: string;
  /** Deterministic episodes to play (default 10). */
  episodes?: number;
}
export interface EvaluateRunResult {
  evaluation: EvaluationResult;
}
/** DeleteRun: the client asks the user first; the server removes the folder. */
export interface DeleteRunResult {
  deleted: boolean;
}
export interface SetRunMetaParams {
  runId: string;
  starred?: boolean;
  /** Replaces the run's tags. */
  tags?: string[];
}
export interface SweepParams {
  /** Document URI of the experiment file. */
  uri: string;
  experiment: string;
}
export interface SweepResult {
  sweepId: string;
  runs: RunSummary[];
}
export interface ExportPolicyResult {
  /** Folder holding model.json + weights.bin (TensorFlow.js layers-model format). */
  dir: string;
  modelJson: string;
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
/** The run's resolved config (config.yaml) as data; null when the run has none. */
export interface RunConfigResult {
  config: Record<string, unknown> | null;
}
/**
 * How the states of a tabular env lie on its grid, for the dashboard's heatmap: state
 * s = cell * layers + layer, cell = row * cols + col. FrozenLake and CliffWalking have one
 * layer; Taxi has 20 (passenger location x destination) over its 5x5 cells.
 */
export interface TabularGrid {
  rows: number;
  cols: number;
  layers: number;
  /** Names of the layers (Taxi: "passenger R, to G"); absent with one layer. */
  layerNames?: string[];
  /** One letter per cell: FrozenLake's S F H G, CliffWalking's S C G (cliff), Taxi's stands R G Y B. */
  tiles?: string[];
  /** Tiles drawn as themselves rather than with a value: where the agent never acts (holes, cliff, goal). */
  endTiles?: string[];
  /** Each action's symbol: an arrow for a move (←↓→↑), or a letter (Taxi's P pickup, D dropoff). */
  actionSymbols: string[];
}

/**
 * A tabular run's table (`q_table.json` in the run folder, rewritten about once a second while
 * it trains): action values, state values and the greedy action of every state.
 */
export interface TabularValues {
  env: string;
  algo: string;
  /** Global step (env steps; sweeps for dynamic programming) the table is from. */
  step: number;
  nS: number;
  nA: number;
  /** q[s][a]; dynamic programming fills it with the one-step lookahead of its V. */
  q: number[][];
  /** v[s] = max_a q[s][a] (or the evaluated policy's value, for policy iteration). */
  v: number[];
  /** The greedy action of each state (first maximum, as np.argmax). */
  policy: number[];
  grid?: TabularGrid;
}

/** Shape check for a TabularValues read from a file or received as a message. */
export function isTabularValues(data: unknown): data is TabularValues {
  if (typeof data !== 'object' || data === null) return false;
  const t = data as Record<string, unknown>;
  const numbers = (v: unknown, n: number): boolean => Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number');
  if (typeof t.env !== 'string' || typeof t.algo !== 'string' || typeof t.step !== 'number') return false;
  if (typeof t.nS !== 'number' || typeof t.nA !== 'number') return false;
  const nS = t.nS;
  const nA = t.nA;
  if (!numbers(t.v, nS) || !numbers(t.policy, nS) || !Array.isArray(t.q) || t.q.length !== nS || !t.q.every((row) => numbers(row, nA))) return false;
  if (t.grid === undefined) return true;
  const g = t.grid as Record<string, unknown> | null;
  return (
    !!g &&
    typeof g.rows === 'number' &&
    typeof g.cols === 'number' &&
    typeof g.layers === 'number' &&
    g.rows * g.cols * g.layers === nS &&
    Array.isArray(g.actionSymbols) &&
    g.actionSymbols.length === nA
  );
}

export interface RunValueTableResult {
  /** null when the run has no table (not tabular, or none written yet). */
  table: TabularValues | null;
}

/** One sampled completion of an RLHF run, with the reward it got. */
export interface SampledCompletion {
  prompt: string;
  completion: string;
  reward: number;
}

/** One logged step of sampled completions: a line of `samples.jsonl` in an RLHF run's folder. */
export interface SamplesRow {
  /** The step the samples were logged at (the step of the metric rows logged with them). */
  step: number;
  samples: SampledCompletion[];
}

export interface RunSamplesParams {
  runId: string;
  /** Only rows with a step above this one (the dashboard asks again as the run trains). */
  afterStep?: number;
}

export interface RunSamplesResult {
  runId: string;
  /** In step order; [] when the run logged none (not an RLHF run, or none yet). */
  rows: SamplesRow[];
}

export function isSamplesRow(data: unknown): data is SamplesRow {
  if (typeof data !== 'object' || data === null) return false;
  const r = data as Record<string, unknown>;
  return (
    typeof r.step === 'number' &&
    Array.isArray(r.samples) &&
    r.samples.every((s: unknown) => {
      if (typeof s !== 'object' || s === null) return false;
      const c = s as Record<string, unknown>;
      // A NaN reward went through JSON as null.
      return typeof c.prompt === 'string' && typeof c.completion === 'string' && (typeof c.reward === 'number' || c.reward === null);
    })
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
  /** Code lens: StartRun once per seed; arguments `RunWithSeedsArgs` (the server picks seeds not yet used). */
  runExperimentWithSeeds: 'rlLab.runExperimentWithSeeds',
  /** Code lens on an experiment that declares `sweep:`; arguments `RunSweepArgs`. */
  runSweep: 'rlLab.runSweep',
  /** Code lens: open the dashboard on the experiment's latest run; argument its run id. */
  openLastRun: 'rlLab.openLastRun',
  /** Opens the dashboard comparing runs: arguments are run ids (or tree items), or the tree's (item, selectedItems). */
  compareRuns: 'rlLab.compareRuns',
  // The Runs tree's actions (context menu, inline buttons, view title). Each takes a run id or
  // a tree element, plus the tree's selection; from the palette they ask which run.
  rerunRun: 'rlLab.rerunRun',
  rerunRunNewSeed: 'rlLab.rerunRunNewSeed',
  resumeRun: 'rlLab.resumeRun',
  evaluateRun: 'rlLab.evaluateRun',
  exportPolicy: 'rlLab.exportPolicy',
  revealRunConfig: 'rlLab.revealRunConfig',
  openRunFolder: 'rlLab.openRunFolder',
  copyRunId: 'rlLab.copyRunId',
  deleteRun: 'rlLab.deleteRun',
  starRun: 'rlLab.starRun',
  unstarRun: 'rlLab.unstarRun',
  tagRun: 'rlLab.tagRun',
  filterRuns: 'rlLab.filterRuns',
  filterRunsByStatusOrTag: 'rlLab.filterRunsByStatusOrTag',
  clearRunsFilter: 'rlLab.clearRunsFilter',
} as const;

/** Arguments of the `runExperiment` command, as the server puts them in a code lens. */
export interface RunExperimentArgs {
  uri: string;
  experiment: string;
}

/** Arguments of `runExperimentWithSeeds`: one StartRun per seed. */
export interface RunWithSeedsArgs extends RunExperimentArgs {
  seeds: number[];
}

/**
 * Arguments of `runSweep`: the experiment and, expanded by the server from its `sweep:` block,
 * every run it queues (grid: every combination; random: `n_trials` draws, seeded by the
 * experiment name so the lens and the runs agree), each once per seed. `overrides` use the
 * `--set key=value` syntax of StartRun.
 */
export interface RunSweepArgs extends RunExperimentArgs {
  runs: { seed?: number; overrides: string[] }[];
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
  /**
   * The full stored series of one run (answer to `selectRun`); replaces what the webview held.
   * A long series comes in parts (`part`), each small enough to clone without stalling the
   * page; the webview swaps the series in when the last part arrives.
   */
  | { type: 'runMetrics'; payload: RunMetricsResult & { part?: { index: number; count: number } } }
  /** Show this run (the dashboard was opened for it while already open). */
  | { type: 'focus'; payload: RunIdParams }
  /** The evaluation episode of a run (answer to `requestPlayback`); null when it has none. */
  | { type: 'playback'; payload: { runId: string; episode: PlaybackEpisode | null } }
  /** A tabular run's current table (answer to `requestValueTable`); null when it has none. */
  | { type: 'valueTable'; payload: { runId: string; table: TabularValues | null } }
  /** Sampled completions of an RLHF run (answer to `requestSamples`); `afterStep` as asked. */
  | { type: 'samples'; payload: RunSamplesResult & { afterStep?: number } }
  /** A run's resolved config (answer to `requestRun` and `selectRun`). */
  | { type: 'runConfig'; payload: { runId: string; config: Record<string, unknown> | null } }
  /** Compare exactly these runs (the `compareRuns` command); the first is put in focus. */
  | { type: 'compare'; payload: { runIds: string[] } };

/** Webview -> host. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'stopRun'; payload: RunIdParams }
  /** The user picked a run; the host remembers it and answers with `runMetrics` when needed. */
  | { type: 'selectRun'; payload: RunIdParams }
  /** The page wants the run's evaluation episode; the host answers with `playback`. */
  | { type: 'requestPlayback'; payload: RunIdParams }
  /** The page wants a tabular run's table (asked again while it trains); the host answers with `valueTable`. */
  | { type: 'requestValueTable'; payload: RunIdParams }
  /** The page wants an RLHF run's sampled completions (after a step, as it trains); the host answers with `samples`. */
  | { type: 'requestSamples'; payload: RunSamplesParams }
  /** The page needs a run's config, and its stored rows when `metrics` (a run added to the comparison). */
  | { type: 'requestRun'; payload: { runId: string; metrics: boolean } }
  /** Save this CSV text (the chosen runs and metrics) where the user picks; `fileName` is a suggestion. */
  | { type: 'exportCsv'; payload: { fileName: string; csv: string } }
  /** Save this chart image (a `data:image/png;base64,` URL). */
  | { type: 'exportPng'; payload: { fileName: string; dataUrl: string } }
  /** What the page keeps with `setState`, for the host to keep too (see `DashboardPersistedState.savedAt`). */
  | { type: 'saveState'; payload: DashboardPersistedState }
  | { type: 'error'; payload: { message: string } };

/** What the dashboard keeps with `vscode.setState`; the panel serializer reads it back on reload. */
export interface DashboardPersistedState {
  selected?: string;
  /** Runs compared with the selected one. */
  compare?: string[];
  /** Metrics whose charts the user hid. */
  hiddenMetrics?: string[];
  view?: DashboardViewSettings;
  /**
   * When the page saved it (ms since epoch). The page also sends it to the host
   * (`saveState`), which keeps it in workspace storage: a browser-hosted VS Code may reload
   * before it stored the webview's own state, so the newer of the two wins on revival.
   */
  savedAt?: number;
}

/** The dashboard's chart settings (kept with the webview state). */
export interface DashboardViewSettings {
  smoothing: 'none' | 'ema' | 'window';
  /** EMA weight in [0, 0.999]. */
  emaWeight: number;
  /** Moving-average window, points. */
  window: number;
  /** Show the raw series' min/max band. */
  envelope: boolean;
  xAxis: 'step' | 'update' | 'wall' | 'relative';
  logScale: boolean;
  /** Compared runs of one experiment are drawn as their mean with a band. */
  groupByExperiment: boolean;
  band: 'std' | 'ci95';
}

/** `initializationOptions` the extension sends the language server (settings `rlLab.*`). */
export interface ServerInitializationOptions {
  /** Glob patterns of experiment files. */
  experimentFiles: string[];
  /** Preferred TensorFlow.js backend; `auto` picks the best that loads. */
  backend: BackendSetting;
  /** Runs training at once (setting `rlLab.maxConcurrentRuns`); more wait as `queued`. Default 2. */
  maxConcurrentRuns?: number;
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
export type BackendSetting = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const BACKEND_SETTINGS: readonly BackendSetting[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

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
