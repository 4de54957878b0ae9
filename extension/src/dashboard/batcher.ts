import type { HostToWebview, MetricRow, RunSummary } from '../../../server/src/protocol/types';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Coalesces live updates for the dashboard: metric rows are concatenated per run and only the
 * latest status of each run is kept, then everything goes out together at most `intervalMs`
 * after the first update arrived (so the panel sees new data well within a second, without a
 * postMessage per notification). Metrics go before statuses, so a run's last rows are drawn
 * before it shows as finished. A status that changes (a new run, running -> completed, ...)
 * goes out at once with whatever is queued: the runs tree shows it on the same RunStatus
 * notification, and the header must not read "running" for another interval after the tree
 * reads "completed". Progress-only statuses wait for the batch. `hold()` keeps updates queued
 * while a snapshot is prepared.
 */
export class UpdateBatcher {
  private metrics = new Map<string, MetricRow[]>();
  private statuses = new Map<string, RunSummary>();
  /** Each run's status as last queued, to tell a change from a progress update. */
  private readonly lastStatus = new Map<string, RunSummary['status']>();
  private timer: unknown;
  private held = false;

  constructor(
    private readonly send: (messages: HostToWebview[]) => void,
    private readonly intervalMs = 250,
    private readonly timers: Timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  ) {}

  addMetrics(runId: string, rows: MetricRow[]): void {
    if (rows.length === 0) return;
    const queued = this.metrics.get(runId);
    if (queued) queued.push(...rows);
    else this.metrics.set(runId, [...rows]);
    this.schedule();
  }

  addStatus(run: RunSummary): void {
    const changed = this.lastStatus.get(run.id) !== run.status;
    this.lastStatus.set(run.id, run.status);
    this.statuses.set(run.id, run);
    if (changed) this.flush();
    else this.schedule();
  }

  /** Stop sending until `release()`; updates keep queuing. */
  hold(): void {
    this.held = true;
    this.cancelTimer();
  }

  release(): void {
    this.held = false;
    this.flush();
  }

  /** Drop everything queued (the webview went away; its next snapshot covers it). */
  clear(): void {
    this.cancelTimer();
    this.metrics.clear();
    this.statuses.clear();
    this.lastStatus.clear();
  }

  flush(): void {
    this.cancelTimer();
    if (this.held) return;
    const messages: HostToWebview[] = [];
    for (const [runId, rows] of this.metrics) messages.push({ type: 'metrics', payload: { runId, rows } });
    for (const run of this.statuses.values()) messages.push({ type: 'runStatus', payload: run });
    this.metrics.clear();
    this.statuses.clear();
    if (messages.length > 0) this.send(messages);
  }

  dispose(): void {
    this.clear();
  }

  private schedule(): void {
    if (this.held || this.timer !== undefined) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.intervalMs);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
