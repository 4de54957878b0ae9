import {
  TERMINAL_STATUSES,
  type HostToWebview,
  type MetricRow,
  type RunSummary,
} from '../../server/src/protocol/types';
import { healthConfigOf, HealthMonitor, type HealthAlert } from '../../server/src/training/health';
import { RunSeries } from './data/runSeries';

type Snapshot = Extract<HostToWebview, { type: 'snapshot' }>['payload'];

/**
 * The dashboard's data, free of DOM and chart code: every run the host reported, the metric
 * series of the runs whose rows the page holds (columnar, `RunSeries`), their resolved
 * configs, the run in focus and the runs compared with it. Increments may overlap what a
 * snapshot or a full series already holds (the host reads files while notifications
 * stream), so rows are appended only when they are new; see `appendNewRows`.
 */
export class DashboardModel {
  private readonly runs = new Map<string, RunSummary>();
  private readonly series = new Map<string, RunSeries>();
  /** Stored series arriving in parts, until the last part. */
  private readonly pending = new Map<string, RunSeries>();
  private readonly configs = new Map<string, Record<string, unknown>>();
  private readonly health = new Map<string, { monitor: HealthMonitor; seen: number; series: RunSeries }>();
  private selectedId: string | undefined;
  private readonly compared = new Set<string>();
  /** A run the host asked to show before the page heard of it (it just started). */
  private pendingFocus: string | undefined;

  get selected(): string | undefined {
    return this.selectedId;
  }

  applySnapshot(snapshot: Snapshot): void {
    this.runs.clear();
    this.series.clear();
    this.health.clear();
    for (const run of snapshot.runs) this.runs.set(run.id, run);
    for (const [runId, rows] of Object.entries(snapshot.metrics)) {
      const s = new RunSeries();
      s.append(rows);
      this.series.set(runId, s);
    }
    for (const id of [...this.compared]) if (!this.runs.has(id)) this.compared.delete(id);
    const keep = this.selectedId !== undefined && this.runs.has(this.selectedId) ? this.selectedId : undefined;
    this.selectedId = pick(snapshot.focus, this.runs) ?? keep ?? this.runList()[0]?.id;
  }

  /** Live rows. Returns how many rows were added (0 when the page does not hold that run's series). */
  applyMetrics(runId: string, rows: MetricRow[]): number {
    let held = this.series.get(runId);
    if (!held) {
      // A run the page has not heard of started after the snapshot: its rows start here. A known
      // run without a series is a finished one whose rows come with `runMetrics` when needed.
      if (this.runs.has(runId)) return 0;
      held = new RunSeries();
      this.series.set(runId, held);
    }
    return held.append(rows);
  }

  /**
   * One part of a run's stored series sent in parts: collected aside, and swapped in (as
   * `applyRunMetrics` does) with the last part. Returns true when the series is complete.
   */
  applyRunMetricsPart(runId: string, rows: MetricRow[], part: { index: number; count: number }): boolean {
    let pending = this.pending.get(runId);
    if (part.index === 0 || !pending) {
      pending = new RunSeries();
      this.pending.set(runId, pending);
    }
    pending.append(rows);
    if (part.index < part.count - 1) return false;
    this.pending.delete(runId);
    this.swapIn(runId, pending);
    return true;
  }

  /** A run's full stored series; rows that arrived live after it was read are kept. */
  applyRunMetrics(runId: string, rows: MetricRow[]): void {
    const merged = new RunSeries();
    merged.append(rows);
    this.swapIn(runId, merged);
  }

  private swapIn(runId: string, merged: RunSeries): void {
    const held = this.series.get(runId);
    if (held && held.length > 0) {
      // Only the held rows after the stored ones can be new: find the first of them.
      const lastStep = merged.length > 0 ? merged.steps[merged.length - 1] : -Infinity;
      let from = held.length;
      while (from > 0 && held.steps[from - 1] >= lastStep) from--;
      merged.append(held.rows(from));
    }
    this.series.set(runId, merged);
    this.health.delete(runId);
  }

  applyConfig(runId: string, config: Record<string, unknown> | null): void {
    if (config) this.configs.set(runId, config);
    this.health.delete(runId);
  }

  config(runId: string): Record<string, unknown> | undefined {
    return this.configs.get(runId);
  }

  hasConfig(runId: string): boolean {
    return this.configs.has(runId);
  }

  /** Returns true when the run is new to the page. */
  applyStatus(run: RunSummary): boolean {
    const isNew = !this.runs.has(run.id);
    this.runs.set(run.id, run);
    if (isNew && !this.series.has(run.id)) this.series.set(run.id, new RunSeries());
    if (this.pendingFocus === run.id) {
      this.pendingFocus = undefined;
      this.selectedId = run.id;
    }
    this.selectedId ??= run.id;
    return isNew;
  }

  select(runId: string): boolean {
    if (!this.runs.has(runId)) return false;
    this.selectedId = runId;
    this.pendingFocus = undefined;
    return true;
  }

  /** Like `select`, but a run not known yet is selected as soon as its status arrives. */
  focus(runId: string): boolean {
    if (this.select(runId)) return true;
    this.pendingFocus = runId;
    return false;
  }

  /** Adds or removes a run from the comparison. */
  setCompared(runId: string, on: boolean): void {
    if (on) this.compared.add(runId);
    else this.compared.delete(runId);
  }

  /** Compare exactly these runs (the first one in focus). */
  compareOnly(runIds: readonly string[]): void {
    this.compared.clear();
    for (const id of runIds) this.compared.add(id);
    const first = runIds.find((id) => this.runs.has(id));
    if (first !== undefined) this.select(first);
    else if (runIds[0] !== undefined) this.focus(runIds[0]);
  }

  isCompared(runId: string): boolean {
    return this.compared.has(runId) || runId === this.selectedId;
  }

  comparedIds(): string[] {
    return [...this.compared];
  }

  /** The runs on the charts: the one in focus, then the compared ones (known runs only). */
  shownRuns(): RunSummary[] {
    const ids = [this.selectedId, ...this.compared].filter((id): id is string => id !== undefined);
    return [...new Set(ids)].map((id) => this.runs.get(id)).filter((r): r is RunSummary => r !== undefined);
  }

  hasSeries(runId: string): boolean {
    return this.series.has(runId);
  }

  seriesOf(runId: string | undefined): RunSeries | undefined {
    return runId === undefined ? undefined : this.series.get(runId);
  }

  /** Newest first. */
  runList(): RunSummary[] {
    return [...this.runs.values()].sort((a, b) => b.startTime.localeCompare(a.startTime) || a.id.localeCompare(b.id));
  }

  run(runId: string | undefined): RunSummary | undefined {
    return runId === undefined ? undefined : this.runs.get(runId);
  }

  /** The run's rows as objects (materialized: for tests and small series). */
  rows(runId: string | undefined): readonly MetricRow[] {
    return this.seriesOf(runId)?.rows() ?? [];
  }

  /** Health alerts of a run's held rows, checked incrementally as rows arrive. */
  alerts(runId: string): HealthAlert[] {
    const series = this.series.get(runId);
    if (!series) return [];
    let h = this.health.get(runId);
    if (!h || h.series !== series) {
      h = { monitor: new HealthMonitor(healthConfigOf(this.configs.get(runId))), seen: 0, series };
      this.health.set(runId, h);
    }
    if (h.seen < series.length) {
      series.observeLosses(h.seen, series.length, h.monitor);
      h.seen = series.length;
    }
    return h.monitor.alerts();
  }
}

export function isLive(run: RunSummary): boolean {
  return !TERMINAL_STATUSES.includes(run.status);
}

function pick(id: string | undefined, runs: Map<string, RunSummary>): string | undefined {
  return id !== undefined && runs.has(id) ? id : undefined;
}

/**
 * Appends `rows` to `series` (in place, returned) skipping rows it already holds. Rows of one run
 * are written in order of (step, time), so an incoming row ordered before the last held row is
 * old; one with the same (step, time) is old only if an identical row is held (episode rows and
 * update rows can share a step and a millisecond). `RunSeries.append` applies the same rule.
 */
export function appendNewRows(series: MetricRow[], rows: readonly MetricRow[]): MetricRow[] {
  for (const row of rows) {
    const last = series[series.length - 1];
    if (last) {
      const order = row.step - last.step || row.time - last.time;
      if (order < 0) continue;
      if (order === 0 && holdsSameRow(series, row)) continue;
    }
    series.push(row);
  }
  return series;
}

function holdsSameRow(series: MetricRow[], row: MetricRow): boolean {
  for (let i = series.length - 1; i >= 0; i--) {
    const held = series[i];
    if (held.step !== row.step || held.time !== row.time) return false;
    if (sameRow(held, row)) return true;
  }
  return false;
}

function sameRow(a: MetricRow, b: MetricRow): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.is(a[k], b[k]));
}
