/**
 * Starts, queues, watches and stops training runs for the language server. Each run trains
 * in its own child process (`dist/worker.js`) that records the run folder itself; the
 * manager relays what the worker reports as batched events and makes sure no run is left
 * marked 'running' once its worker is gone.
 *
 * Queue: at most `maxConcurrentRuns` workers train at once; further runs (new, resumed,
 * sweep combinations) wait as 'queued' and start in the order they were queued.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Emitter } from 'vscode-jsonrpc/node';
import {
  TERMINAL_STATUSES,
  type MetricRow,
  type SamplesRow,
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
  withBestMeanReturn,
  writeRunSummary,
  readRunConfig as readResolvedConfig,
  setRunMeta,
  settleOrphans,
  isAlive,
  type StoredRun,
} from './runStore';
import { exportPolicy } from './exportPolicy';
import { healthConfigOf, HealthMonitor } from './health';
import { readRunConfig, storedRunAlerts } from './runHealth';
import { isFromWorker, type FromWorker, type ToWorker } from './workerMessages';
import type { EvaluationResult, TabularValues } from '../protocol/types';
import { readValueTable } from './valueTableFile';
import { readSamples } from './samplesFile';

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
  /** Workers training at once (setting rlLab.maxConcurrentRuns); more runs wait as 'queued'. Default 2. */
  maxConcurrentRuns?: number;
}

export const DEFAULT_MAX_CONCURRENT_RUNS = 2;

/** A run waiting for a free worker slot. */
interface QueuedRun {
  run: RunSummary;
  config: ResolvedConfig;
  /** Continue from the newest checkpoint (ResumeRun) instead of starting fresh. */
  resume: boolean;
  /** The status to go back to when a queued resume is cancelled. */
  previousStatus?: RunStatus;
}

/** Options of one new run beyond its config. */
export interface StartOptions {
  filePath: string;
  experiment: string;
  config: ResolvedConfig;
  sweepId?: string;
  sweepParams?: Record<string, unknown>;
  tags?: string[];
}

/** Metric rows are relayed in batches this often (the protocol promises at least once a second). */
const METRICS_FLUSH_MS = 250;
/** Progress-only status updates are sent at most this often per run (~2/s). */
const PROGRESS_EMIT_MS = 500;
/** A stop request ends training after the current rollout; a worker stuck longer is killed. */
const DEFAULT_STOP_GRACE_MS = 10_000;
/** Kept from a worker's stderr to explain a crash. */
const STDERR_TAIL_CHARS = 2000;
/**
 * How often runs trained by another process (the CLI, another window, or the worker of a
 * server that died) are re-read: they write only their own files, so polling run.json is the
 * one way this server learns that they progressed or ended.
 */
const FOREIGN_POLL_MS = 2000;

interface LiveRun {
  run: RunSummary;
  child: ChildProcess;
  pendingRows: MetricRow[];
  stopRequested: boolean;
  killTimer?: NodeJS.Timeout;
  lastProgressEmit: number;
  progressDirty: boolean;
  stderrTail: string;
  /** Health checks over the rows relayed so far; their alerts go on `run.alerts`. */
  health: HealthMonitor;
}

export class RunManager {
  private readonly runsDir: string;
  private readonly live = new Map<string, LiveRun>();
  private readonly queue: QueuedRun[] = [];
  private readonly statusEmitter = new Emitter<RunSummary>();
  private readonly metricsEmitter = new Emitter<RunMetricsNotification>();
  private flushTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Running runs owned by another process: id -> what was last reported (status and step). */
  private readonly foreign = new Map<string, string>();
  private foreignTimer: NodeJS.Timeout | undefined;

  readonly onStatus = this.statusEmitter.event;
  readonly onMetrics = this.metricsEmitter.event;

  constructor(private readonly opts: RunManagerOptions) {
    this.runsDir = opts.runsDir ?? defaultRunsDir(opts.workspaceRoot);
    this.markInterrupted();
    this.watchForeign(listRuns(this.runsDir).runs);
  }

  /** Workers that may train at once. */
  get maxConcurrentRuns(): number {
    const n = this.opts.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS;
    return Number.isInteger(n) && n >= 1 ? n : DEFAULT_MAX_CONCURRENT_RUNS;
  }

  /**
   * Creates the run folder and queues the run; it starts at once ('running') when a worker
   * slot is free, else it waits as 'queued'.
   */
  start(p: StartOptions): RunSummary {
    if (this.disposed) throw new Error('run manager is disposed');
    // One run trains one combination: the sweep declaration is not part of what it trained.
    const { sweep: _sweep, ...rest } = p.config;
    const config: ResolvedConfig = { ...rest, experiment: p.experiment };
    // The server owns the run (pid) until the worker records its own.
    const stored = createRun({
      runsDir: this.runsDir,
      workspaceRoot: this.opts.workspaceRoot,
      filePath: p.filePath,
      config,
      pid: process.pid,
      status: 'queued',
      ...(p.sweepId ? { sweepId: p.sweepId } : {}),
      ...(p.sweepParams ? { sweepParams: p.sweepParams } : {}),
      ...(p.tags ? { tags: p.tags } : {}),
    });
    return this.enqueue({ run: toSummary(stored), config, resume: false });
  }

  /** Queues every trial of a sweep (one run each, sharing a sweep id). */
  sweep(p: { filePath: string; experiment: string; trials: { config: ResolvedConfig; params: Record<string, unknown> }[] }): { sweepId: string; runs: RunSummary[] } {
    const sweepId = `sweep-${p.experiment.replace(/[^A-Za-z0-9._-]+/g, '-')}-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(2).toString('hex')}`;
    const runs = p.trials.map((t) =>
      this.start({ filePath: p.filePath, experiment: p.experiment, config: t.config, sweepId, sweepParams: t.params, tags: ['sweep'] }),
    );
    return { sweepId, runs };
  }

  /**
   * Continues a stopped, interrupted or failed run from its newest checkpoint in the same
   * folder (from the start when it has none); queued like a new run.
   */
  resume(runId: string): RunSummary {
    if (this.disposed) throw new Error('run manager is disposed');
    const runDir = this.runDir(runId);
    const stored = readRunSummary(runDir);
    if (!['stopped', 'interrupted', 'failed'].includes(stored.status)) {
      throw new Error(`run ${runId} is ${stored.status}; only stopped, interrupted or failed runs can be resumed`);
    }
    if (this.isBusy(runId)) throw new Error(`run ${runId} is already training or queued`);
    const config = readResolvedConfig(runDir);
    const { pid: _pid, ...rest } = stored;
    const queued = writeRunSummary(runDir, { ...rest, status: 'queued', pid: process.pid });
    return this.enqueue({ run: toSummary(queued), config, resume: true, previousStatus: stored.status });
  }

  /** A new run with the run's config (config.yaml) and seed, or a freshly drawn seed. */
  rerun(runId: string, newSeed = false): RunSummary {
    const runDir = this.runDir(runId);
    const stored = readRunSummary(runDir);
    const config = readResolvedConfig(runDir);
    const filePath = isAbsolute(stored.file) ? stored.file : resolve(this.opts.workspaceRoot, stored.file);
    const { sweep: _sweep, ...base } = config;
    return this.start({ filePath, experiment: stored.experiment, config: { ...base, seed: newSeed ? randomInt(0, 2 ** 31 - 1) : config.seed } });
  }

  /**
   * Plays the run's saved policy deterministically in a worker process (it loads TensorFlow.js
   * and may take seconds; the server stays responsive) and records the result in the run.
   */
  evaluate(runId: string, episodes: number): Promise<EvaluationResult> {
    const runDir = this.runDir(runId);
    return new Promise<EvaluationResult>((resolvePromise, reject) => {
      const child = fork(this.opts.workerPath, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let stderr = '';
      let settled = false;
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)));
      child.on('message', (message: unknown) => {
        if (!isFromWorker(message) || settled) return;
        if (message.type === 'evaluation') {
          settled = true;
          resolvePromise(message.result);
          this.refresh(runId);
        } else if (message.type === 'error') {
          settled = true;
          reject(new Error(message.message));
        }
      });
      child.on('close', (code, signal) => {
        if (!settled) reject(new Error(crashMessage(code, signal, stderr)));
        settled = true;
      });
      child.on('error', (err) => {
        if (!settled) reject(err);
        settled = true;
      });
      const message: ToWorker = { type: 'evaluate', runDir, episodes, ...(this.opts.backend ? { backend: this.opts.backend } : {}) };
      child.send(message, () => undefined);
    });
  }

  /** Writes the policy of the run's newest checkpoint as a TensorFlow.js layers model. */
  exportPolicy(runId: string): { dir: string; modelJson: string } {
    return exportPolicy(this.runDir(runId));
  }

  /** Stars / tags a run; listeners get the updated summary. */
  setMeta(runId: string, meta: { starred?: boolean; tags?: string[] }): RunSummary {
    const written = setRunMeta(this.runDir(runId), meta);
    const entry = this.live.get(runId);
    const patch: Partial<RunSummary> = { starred: written.starred, tags: written.tags };
    if (entry) entry.run = { ...entry.run, ...patch };
    const queued = this.queue.find((q) => q.run.id === runId);
    if (queued) queued.run = { ...queued.run, ...patch };
    const summary = entry?.run ?? queued?.run ?? toSummary(written);
    if (!this.disposed) this.statusEmitter.fire(summary);
    return summary;
  }

  /** Deletes a run folder (the client confirmed with the user). Live and queued runs are refused. */
  delete(runId: string): boolean {
    if (this.isBusy(runId)) throw new Error(`run ${runId} is training or queued; stop it first`);
    const runDir = this.runDir(runId);
    if (!existsSync(runDir)) throw new Error(`no run '${runId}'`);
    rmSync(runDir, { recursive: true, force: true });
    return true;
  }

  /**
   * Queued, or training. A worker that already recorded its final status is only exiting: its
   * run may be resumed or deleted (a resumed run's new entry replaces the exiting one).
   */
  private isBusy(runId: string): boolean {
    const entry = this.live.get(runId);
    return this.queue.some((q) => q.run.id === runId) || (entry !== undefined && !TERMINAL_STATUSES.includes(entry.run.status));
  }

  /** The folder of a run id in this manager's store; throws for ids that are not one folder name. */
  private runDir(runId: string): string {
    if (!isValidRunId(runId)) throw new Error(`not a run id: '${runId}'`);
    return join(this.runsDir, runId);
  }

  /** Re-reads a finished run's summary and tells listeners (after an evaluation wrote it). */
  private refresh(runId: string): void {
    if (this.disposed || this.live.has(runId)) return;
    try {
      this.statusEmitter.fire(toSummary(readRunSummary(this.runDir(runId))));
    } catch {
      // gone meanwhile
    }
  }

  private enqueue(job: QueuedRun): RunSummary {
    this.queue.push(job);
    this.pump();
    const live = this.live.get(job.run.id);
    if (live) return live.run;
    this.statusEmitter.fire(job.run);
    return job.run;
  }

  /** Starts queued runs, in order, while worker slots are free. */
  private pump(): void {
    while (!this.disposed && this.queue.length && this.live.size < this.maxConcurrentRuns) this.launch(this.queue.shift()!);
  }

  /** Forks the worker of a queued run. */
  private launch(job: QueuedRun): void {
    const { config } = job;
    const run: RunSummary = { ...job.run, status: 'running' };
    // execArgv cleared: the server may run under tsx or --inspect, which must not leak into the worker.
    const child = fork(this.opts.workerPath, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const entry: LiveRun = {
      run, child, pendingRows: [], stopRequested: false, lastProgressEmit: 0, progressDirty: false, stderrTail: '',
      health: new HealthMonitor(healthConfigOf(config as unknown as Record<string, unknown>)),
    };
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
    this.sendTo(entry, { type: 'start', runDir: run.runDir, config, ...(this.opts.backend ? { backend: this.opts.backend } : {}), ...(job.resume ? { resume: true } : {}) });
    this.ensureFlushTimer();
    this.statusEmitter.fire(run);
  }

  /** Asks a live run to stop (it is killed if it has not stopped after the grace period); a queued run leaves the queue. */
  stop(runId: string): boolean {
    const queuedAt = this.queue.findIndex((q) => q.run.id === runId);
    if (queuedAt >= 0) {
      const [job] = this.queue.splice(queuedAt, 1);
      this.settleQueued(job, job.previousStatus ?? 'stopped');
      return true;
    }
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
    this.watchForeign(runs);
    const listed = runs.map((r) => this.live.get(r.id)?.run ?? withStoredAlerts(toSummary(r)));
    for (const [id, entry] of this.live) if (!runs.some((r) => r.id === id)) listed.unshift(entry.run);
    return listed;
  }

  get(runId: string): RunSummary | undefined {
    const entry = this.live.get(runId);
    if (entry) return entry.run;
    if (!isValidRunId(runId)) return undefined;
    try {
      return withStoredAlerts(toSummary(readRunSummary(join(this.runsDir, runId))));
    } catch {
      return undefined;
    }
  }

  /**
   * Every stored metric row of a run (live or finished), from its metrics.jsonl. A logged NaN
   * (null in the file) stays NaN, null again over JSON: the dashboard marks it on the chart.
   */
  metrics(runId: string): MetricRow[] {
    if (!isValidRunId(runId)) return [];
    return readMetrics(join(this.runsDir, runId), { keepNaN: true });
  }

  /** An RLHF run's sampled completions (samples.jsonl) logged after `afterStep`; [] when it has none. */
  samples(runId: string, afterStep?: number): SamplesRow[] {
    if (!isValidRunId(runId)) return [];
    return readSamples(join(this.runsDir, runId), afterStep);
  }

  /** The run's resolved config (config.yaml) as data, null when it has none. */
  config(runId: string): Record<string, unknown> | null {
    if (!isValidRunId(runId)) return null;
    return readRunConfig(join(this.runsDir, runId));
  }

  /** The run's recorded evaluation episode (playback.json), null when it has none. */
  playback(runId: string): PlaybackEpisode | null {
    if (!isValidRunId(runId)) return null;
    return readPlayback(join(this.runsDir, runId));
  }

  /** A tabular run's table (q_table.json, rewritten while it trains), null when it has none. */
  valueTable(runId: string): TabularValues | null {
    if (!isValidRunId(runId)) return null;
    return readValueTable(join(this.runsDir, runId));
  }

  /**
   * Stops every live run and drops listeners. Workers finish their rollout and record
   * 'stopped' on their own (they also stop when the IPC channel closes with this process).
   */
  dispose(): void {
    if (this.disposed) return;
    // Runs still waiting never started: they can be resumed (= started) later.
    for (const job of this.queue.splice(0)) this.settleQueued(job, 'interrupted');
    this.disposed = true;
    for (const entry of this.live.values()) {
      entry.stopRequested = true;
      this.sendTo(entry, { type: 'stop' });
    }
    this.flush();
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = undefined;
    if (this.foreignTimer) clearInterval(this.foreignTimer);
    this.foreignTimer = undefined;
    this.foreign.clear();
    this.statusEmitter.dispose();
    this.metricsEmitter.dispose();
  }

  // ------------------------------------------------------------------ internals

  /** A queued run that will not start: record `status` (its previous one for a cancelled resume). */
  private settleQueued(job: QueuedRun, status: RunStatus): void {
    let settled: RunSummary = { ...job.run, status };
    try {
      const { pid: _pid, ...rest } = readRunSummary(job.run.runDir);
      const fresh = !job.resume;
      settled = toSummary(
        writeRunSummary(job.run.runDir, {
          ...rest,
          status,
          ...(fresh || status !== job.previousStatus ? { endTime: new Date().toISOString() } : {}),
          ...(status === 'interrupted' ? { error: 'the language server shut down before the queued run started' } : {}),
        }),
      );
    } catch {
      // The folder is gone; listeners still learn the outcome.
    }
    if (!this.disposed) this.statusEmitter.fire(settled);
  }

  private onWorkerMessage(entry: LiveRun, message: FromWorker): void {
    switch (message.type) {
      case 'metrics': {
        entry.pendingRows.push(...message.rows);
        entry.health.push(message.rows);
        const alerts = entry.health.messages();
        if (alerts.length !== (entry.run.alerts?.length ?? 0)) {
          entry.run = { ...entry.run, alerts };
          entry.progressDirty = true;
        }
        return;
      }
      case 'progress': {
        const { globalStep, totalSteps, meanReturn } = message;
        entry.run = withBestMeanReturn({ ...entry.run, globalStep, totalSteps, ...(meanReturn !== undefined ? { meanReturn } : {}) });
        entry.progressDirty = true;
        this.emitProgress(entry);
        return;
      }
      case 'status': {
        // Rows logged before a final status go out first, so listeners see them in order.
        this.flushRun(entry);
        entry.run = { ...message.run, runDir: entry.run.runDir, ...alertsOf(entry) };
        entry.progressDirty = false;
        entry.lastProgressEmit = Date.now();
        this.statusEmitter.fire(entry.run);
        return;
      }
      case 'evaluation':
      case 'error':
        return; // answers to `evaluate`, which training workers never get
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
      // Killed by a signal (kill -9, OOM, a crashed machine): interrupted, resumable from its
      // last checkpoint. A worker that exits with an error code failed.
      const status: RunStatus = entry.stopRequested && !spawnError ? 'stopped' : signal && !spawnError ? 'interrupted' : 'failed';
      const error = spawnError
        ? `worker failed to start: ${spawnError}`
        : status !== 'stopped'
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
    if (!alreadyReported) final = { ...final, ...alertsOf(entry) };
    entry.run = final;
    if (!this.disposed && !alreadyReported) this.statusEmitter.fire(final);
    this.pump();
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
   * was killed, become 'interrupted' (runStore.settleOrphans); runs whose recorded trainer
   * pid is alive belong to another window or to the CLI and are left alone.
   */
  private markInterrupted(): void {
    settleOrphans(this.runsDir);
  }

  /** Starts following the stored runs that are training in another process. */
  private watchForeign(runs: readonly StoredRun[]): void {
    if (this.disposed) return;
    for (const run of runs) {
      const ours = this.live.has(run.id) || run.pid === process.pid;
      if (run.damaged || !isActive(run.status) || ours || this.foreign.has(run.id)) continue;
      this.foreign.set(run.id, foreignKey(run));
    }
    if (this.foreign.size > 0 && !this.foreignTimer) {
      this.foreignTimer = setInterval(() => this.pollForeign(), FOREIGN_POLL_MS);
      this.foreignTimer.unref();
    }
  }

  /**
   * Re-reads each followed run: a dead trainer's run becomes 'interrupted' (never left
   * 'running'), and any change of status or step is reported like a run of our own.
   */
  private pollForeign(): void {
    for (const [id, last] of this.foreign) {
      if (this.live.has(id)) {
        this.foreign.delete(id); // resumed here meanwhile: reported as our own from now on
        continue;
      }
      let run: StoredRun;
      try {
        run = readRunSummary(join(this.runsDir, id));
      } catch {
        this.foreign.delete(id); // deleted or damaged meanwhile: the next list() shows why
        continue;
      }
      if (isActive(run.status) && run.pid !== undefined && !isAlive(run.pid)) {
        settleOrphans(this.runsDir);
        run = readRunSummary(join(this.runsDir, id));
      }
      const key = foreignKey(run);
      if (key !== last) {
        this.foreign.set(id, key);
        this.statusEmitter.fire(withStoredAlerts(toSummary(run)));
      }
      if (!isActive(run.status)) this.foreign.delete(id);
    }
    if (this.foreign.size === 0 && this.foreignTimer) {
      clearInterval(this.foreignTimer);
      this.foreignTimer = undefined;
    }
  }

}

function isActive(status: RunStatus): boolean {
  return status === 'running' || status === 'queued';
}

function foreignKey(run: RunSummary): string {
  return `${run.status}:${run.globalStep}`;
}

function alertsOf(entry: LiveRun): Pick<RunSummary, 'alerts'> {
  const alerts = entry.health.messages();
  return alerts.length > 0 ? { alerts } : {};
}

function withStoredAlerts(run: RunSummary): RunSummary {
  const alerts = storedRunAlerts(run.runDir);
  return alerts.length > 0 ? { ...run, alerts } : run;
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
