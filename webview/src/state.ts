import {
  TERMINAL_STATUSES,
  type HostToWebview,
  type MetricRow,
  type RunSummary,
} from '../../server/src/protocol/types';

type Snapshot = Extract<HostToWebview, { type: 'snapshot' }>['payload'];

/**
 * The dashboard's data, free of DOM and chart code: every run the host reported, the metric
 * series of the runs whose rows the page holds, and the run on screen. Increments may overlap
 * what a snapshot or a full series already holds (the host reads files while notifications
 * stream), so rows are appended only when they are new; see `appendNewRows`.
 */
export class DashboardModel {
  private readonly runs = new Map<string, RunSummary>();
  private readonly series = new Map<string, MetricRow[]>();
  private selectedId: string | undefined;
  /** A run the host asked to show before the page heard of it (it just started). */
  private pendingFocus: string | undefined;

  get selected(): string | undefined {
    return this.selectedId;
  }

  applySnapshot(snapshot: Snapshot): void {
    this.runs.clear();
    this.series.clear();
    for (const run of snapshot.runs) this.runs.set(run.id, run);
    for (const [runId, rows] of Object.entries(snapshot.metrics)) this.series.set(runId, appendNewRows([], rows));
    const keep = this.selectedId !== undefined && this.runs.has(this.selectedId) ? this.selectedId : undefined;
    this.selectedId = pick(snapshot.focus, this.runs) ?? keep ?? this.runList()[0]?.id;
  }

  /** Live rows. Returns the rows actually added (empty when the page does not hold that run's series). */
  applyMetrics(runId: string, rows: MetricRow[]): MetricRow[] {
    let held = this.series.get(runId);
    if (!held) {
      // A run the page has not heard of started after the snapshot: its rows start here. A known
      // run without a series is a finished one whose rows come with `runMetrics` when selected.
      if (this.runs.has(runId)) return [];
      held = [];
      this.series.set(runId, held);
    }
    const before = held.length;
    appendNewRows(held, rows);
    return held.slice(before);
  }

  /** A run's full stored series; rows that arrived live after it was read are kept. */
  applyRunMetrics(runId: string, rows: MetricRow[]): void {
    const merged = appendNewRows([], rows);
    appendNewRows(merged, this.series.get(runId) ?? []);
    this.series.set(runId, merged);
  }

  /** Returns true when the run is new to the page. */
  applyStatus(run: RunSummary): boolean {
    const isNew = !this.runs.has(run.id);
    this.runs.set(run.id, run);
    if (isNew && !this.series.has(run.id)) this.series.set(run.id, []);
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

  hasSeries(runId: string): boolean {
    return this.series.has(runId);
  }

  /** Newest first. */
  runList(): RunSummary[] {
    return [...this.runs.values()].sort((a, b) => b.startTime.localeCompare(a.startTime) || a.id.localeCompare(b.id));
  }

  run(runId: string | undefined): RunSummary | undefined {
    return runId === undefined ? undefined : this.runs.get(runId);
  }

  rows(runId: string | undefined): readonly MetricRow[] {
    return (runId !== undefined && this.series.get(runId)) || [];
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
 * update rows can share a step and a millisecond).
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
