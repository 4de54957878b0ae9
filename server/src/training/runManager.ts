/**
 * Starts, watches and stops training runs for the language server. Each run trains in its
 * own child process (`dist/worker.js`) that records the run folder itself; the manager
 * relays what the worker reports as batched events and makes sure no run is left marked
 * 'running' once its worker is gone.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Emitter } from 'vscode-jsonrpc/node';
import {
  TERMINAL_STATUSES,
  type MetricRow,
  type PlaybackEpisode,
  type RunMetricsNotification,
  type RunStatus,
  type RunSummary,
} from '../protocol/types';
import type { ResolvedConfig } from '../schema';
import {
  createRun,
  defaultRunsDir,
  isValidRunId,
  listRuns,
  readMetrics,
  readPlayback,
  readRunSummary,
  toSummary,
  writeRunSummary,
  type StoredRun,
} from './runStore';
import { isFromWorker, type FromWorker, type ToWorker } from './workerMessages';

export interface RunManagerOptions {
  workspaceRoot: string;
  /** Path of the bundled worker entry, `dist/worker.js`. */
  workerPath: string;
  /** Preferred backend ('auto' or undefined: best that loads). */
  backend?: string;
  /** Runs folder; defaults to `<workspaceRoot>/.rl-lab/runs`. */
  runsDir?: string;
  /** How long a worker may take to stop after a stop request before it is killed. */
  stopGraceMs?: number;
}

/** Metric rows are relayed in batches this often (the protocol promises at least once a second). */
const METRICS_FLUSH_MS = 250;
/** Progress-only status updates are sent at most this often per run (~2/s). */
const PROGRESS_EMIT_MS = 500;
/** A stop request ends training after the current rollout; a worker stuck longer is killed. */
const DEFAULT_STOP_GRACE_MS = 10_000;
/** Kept from a worker's stderr to explain a crash. */
const STDERR_TAIL_CHARS = 2000;

interface LiveRun {
  run: RunSummary;
  child: ChildProcess;
  pendingRows: MetricRow[];
  stopRequested: boolean;
  killTimer?: NodeJS.Timeout;
  lastProgressEmit: number;
  progressDirty: boolean;
  stderrTail: string;
}

export class RunManager {
  private readonly runsDir: string;
  private readonly live = new Map<string, LiveRun>();
  private readonly statusEmitter = new Emitter<RunSummary>();
  private readonly metricsEmitter = new Emitter<RunMetricsNotification>();
  private flushTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  readonly onStatus = this.statusEmitter.event;
  readonly onMetrics = this.metricsEmitter.event;

  constructor(private readonly opts: RunManagerOptions) {
    this.runsDir = opts.runsDir ?? defaultRunsDir(opts.workspaceRoot);
    this.markInterrupted();
  }

  /** Creates the run folder and starts its worker; the run is 'running' from the start. */
  start(p: { filePath: string; experiment: string; config: ResolvedConfig }): RunSummary {
    if (this.disposed) throw new Error('run manager is disposed');
    const config = { ...p.config, experiment: p.experiment };
    // The server owns the run until the worker records its own pid.
    const stored = createRun({ runsDir: this.runsDir, workspaceRoot: this.opts.workspaceRoot, filePath: p.filePath, config, pid: process.pid });
    const run = toSummary(stored);
    // execArgv cleared: the server may run under tsx or --inspect, which must not leak into the worker.
    const child = fork(this.opts.workerPath, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const entry: LiveRun = { run, child, pendingRows: [], stopRequested: false, lastProgressEmit: 0, progressDirty: false, stderrTail: '' };
    this.live.set(run.id, entry);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      entry.stderrTail = (entry.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on('message', (message: unknown) => {
      if (isFromWorker(message) && this.live.get(run.id) === entry) this.onWorkerMessage(entry, message);
    });
    // 'error' covers a fork that failed (no 'exit' follows) and a failed send.
    child.on('error', (err) => {
      if (child.pid === undefined || child.exitCode !== null) this.finish(entry, null, null, err.message);
    });
    // 'close' rather than 'exit': it comes after the last IPC message and stderr chunk.
    child.on('close', (code, signal) => this.finish(entry, code, signal));
    this.sendTo(entry, { type: 'start', runDir: run.runDir, config, ...(this.opts.backend ? { backend: this.opts.backend } : {}) });
    this.ensureFlushTimer();
    this.statusEmitter.fire(run);
    return run;
  }

  /** Asks a live run to stop; it is killed if it has not stopped after the grace period. */
  stop(runId: string): boolean {
    const entry = this.live.get(runId);
    // A worker that reported its final status is only exiting; there is nothing to stop.
    if (!entry || TERMINAL_STATUSES.includes(entry.run.status)) return false;
    if (!entry.stopRequested) {
      entry.stopRequested = true;
      this.sendTo(entry, { type: 'stop' });
      entry.killTimer = setTimeout(() => entry.child.kill('SIGKILL'), this.opts.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
    }
    return true;
  }

  /** Every run in the store, newest first, with live runs as the manager last heard of them. */
  list(): RunSummary[] {
    const { runs } = listRuns(this.runsDir);
    const listed = runs.map((r) => this.live.get(r.id)?.run ?? toSummary(r));
    for (const [id, entry] of this.live) if (!runs.some((r) => r.id === id)) listed.unshift(entry.run);
    return listed;
  }

  get(runId: string): RunSummary | undefined {
    const entry = this.live.get(runId);
    if (entry) return entry.run;
    if (!isValidRunId(runId)) return undefined;
    try {
      return toSummary(readRunSummary(join(this.runsDir, runId)));
    } catch {
      return undefined;
    }
  }

  /** Every stored metric row of a run (live or finished), from its metrics.jsonl. */
  metrics(runId: string): MetricRow[] {
    if (!isValidRunId(runId)) return [];
    return readMetrics(join(this.runsDir, runId));
  }

  /** The run's recorded evaluation episode (playback.json), null when it has none. */
  playback(runId: string): PlaybackEpisode | null {
    if (!isValidRunId(runId)) return null;
    return readPlayback(join(this.runsDir, runId));
  }

  /**
   * Stops every live run and drops listeners. Workers finish their rollout and record
   * 'stopped' on their own (they also stop when the IPC channel closes with this process).
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const entry of this.live.values()) {
      entry.stopRequested = true;
      this.sendTo(entry, { type: 'stop' });
    }
    this.flush();
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = undefined;
    this.statusEmitter.dispose();
    this.metricsEmitter.dispose();
  }

  // ------------------------------------------------------------------ internals

  private onWorkerMessage(entry: LiveRun, message: FromWorker): void {
    switch (message.type) {
      case 'metrics':
        entry.pendingRows.push(...message.rows);
        return;
      case 'progress': {
        const { globalStep, totalSteps, meanReturn } = message;
        entry.run = { ...entry.run, globalStep, totalSteps, ...(meanReturn !== undefined ? { meanReturn } : {}) };
        entry.progressDirty = true;
        this.emitProgress(entry);
        return;
      }
      case 'status': {
        // Rows logged before a final status go out first, so listeners see them in order.
        this.flushRun(entry);
        entry.run = { ...message.run, runDir: entry.run.runDir };
        entry.progressDirty = false;
        entry.lastProgressEmit = Date.now();
        this.statusEmitter.fire(entry.run);
        return;
      }
      default: {
        const unknown: never = message;
        throw new Error(`unknown worker message ${JSON.stringify(unknown)}`);
      }
    }
  }

  private emitProgress(entry: LiveRun): void {
    const now = Date.now();
    if (now - entry.lastProgressEmit < PROGRESS_EMIT_MS) return; // the flush timer sends it later
    entry.lastProgressEmit = now;
    entry.progressDirty = false;
    this.statusEmitter.fire(entry.run);
  }

  /** The worker is gone: settle the run's final status, from run.json when the worker wrote one. */
  private finish(entry: LiveRun, code: number | null, signal: NodeJS.Signals | null, spawnError?: string): void {
    if (this.live.get(entry.run.id) !== entry) return; // already settled ('error' and 'exit' can both fire)
    this.live.delete(entry.run.id);
    if (entry.killTimer) clearTimeout(entry.killTimer);
    this.flushRun(entry);
    let stored: StoredRun | undefined;
    try {
      stored = readRunSummary(entry.run.runDir);
    } catch {
      stored = undefined;
    }
    let final: RunSummary;
    if (stored && TERMINAL_STATUSES.includes(stored.status)) {
      final = toSummary(stored);
      // The worker's own final status message was relayed already.
      if (entry.run.status === final.status) final = entry.run;
    } else {
      const base: StoredRun = { ...(stored ?? entry.run), ...progressOf(entry.run) };
      const status: RunStatus = entry.stopRequested && !spawnError ? 'stopped' : 'failed';
      const error = spawnError
        ? `worker failed to start: ${spawnError}`
        : status === 'failed'
          ? crashMessage(code, signal, entry.stderrTail)
          : undefined;
      const { pid: _pid, ...rest } = base;
      const settled: StoredRun = { ...rest, status, endTime: new Date().toISOString(), ...(error ? { error } : {}) };
      try {
        writeRunSummary(entry.run.runDir, settled);
      } catch {
        // The folder is gone; listeners still learn the outcome.
      }
      final = toSummary(settled);
    }
    const alreadyReported = final === entry.run;
    entry.run = final;
    if (!this.disposed && !alreadyReported) this.statusEmitter.fire(final);
    if (this.live.size === 0 && this.flushTimer) {
      clearInterval(this.flushTimer);
      this.flushTimer = undefined;
    }
  }

  private sendTo(entry: LiveRun, message: ToWorker): void {
    if (!entry.child.connected) return;
    // A failed send means the worker is exiting; its 'exit' event settles the run.
    entry.child.send(message, () => undefined);
  }

  private ensureFlushTimer(): void {
    if (this.flushTimer) return;
    this.flushTimer = setInterval(() => this.flush(), METRICS_FLUSH_MS);
    // Live workers keep their own handles open; the timer alone must not hold the server up.
    this.flushTimer.unref();
  }

  private flush(): void {
    for (const entry of this.live.values()) {
      this.flushRun(entry);
      if (entry.progressDirty) this.emitProgress(entry);
    }
  }

  private flushRun(entry: LiveRun): void {
    if (!entry.pendingRows.length) return;
    const rows = entry.pendingRows;
    entry.pendingRows = [];
    if (!this.disposed) this.metricsEmitter.fire({ runId: entry.run.id, rows });
  }

  /**
   * Runs left 'running' (or 'queued') by a trainer that no longer exists, e.g. a server that
   * was killed, become 'interrupted'. Runs whose recorded trainer pid is alive belong to
   * another window or to the CLI and are left alone.
   */
  private markInterrupted(): void {
    for (const run of listRuns(this.runsDir).runs) {
      if (run.status !== 'running' && run.status !== 'queued') continue;
      if (run.pid !== undefined && isAlive(run.pid)) continue;
      const { pid: _pid, ...rest } = run;
      try {
        writeRunSummary(run.runDir, {
          ...rest,
          status: 'interrupted',
          endTime: rest.endTime ?? new Date().toISOString(),
          error: rest.error ?? 'the process training this run ended before it finished',
        });
      } catch {
        // A read-only or vanished folder stays as it is; listing still works.
      }
    }
  }
}

function progressOf(run: RunSummary): Pick<RunSummary, 'globalStep' | 'totalSteps' | 'meanReturn'> {
  return { globalStep: run.globalStep, totalSteps: run.totalSteps, ...(run.meanReturn !== undefined ? { meanReturn: run.meanReturn } : {}) };
}

function crashMessage(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): string {
  const how = signal ? `signal ${signal}` : `code ${code}`;
  // Node ends an uncaught error with the stack and its own version line; the `...Error: message`
  // line is the one that explains.
  const lines = stderrTail.split('\n').map((l) => l.trim()).filter((l) => l && !/^Node\.js v\d/.test(l));
  const reason = [...lines].reverse().find((l) => /^\w*Error\b/.test(l)) ?? lines[lines.length - 1];
  return `worker exited with ${how}` + (reason ? `: ${reason}` : '');
}

/** Signal 0 tests for existence without touching the process; EPERM means it exists under another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
