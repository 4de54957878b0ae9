import type { DashboardViewSettings } from '../../../server/src/protocol/types';
import type { RunSeries } from '../data/runSeries';
import { initialSmoothingState, smoothInto, type SmoothingState } from './smoothing';

export type XAxisKind = DashboardViewSettings['xAxis'];

/**
 * One metric of one run, ready to draw: x (on the chosen axis), the raw values and their
 * smoothed line, over the rows that logged a finite value, in typed arrays. Live rows are
 * taken in incrementally (`update` continues where it stopped); a change of axis or
 * smoothing, or a replaced series, rebuilds it.
 */
export class MetricTrack {
  x: Float64Array = new Float64Array(64);
  y: Float64Array = new Float64Array(64);
  smooth: Float64Array = new Float64Array(64);
  /** Row index in the run's series of each point (to map an alert's step to x). */
  length = 0;
  private consumed = 0;
  private key = '';
  private series: RunSeries | undefined;
  private generation = -1;
  private state: SmoothingState = initialSmoothingState();

  constructor(readonly metric: string) {}

  update(series: RunSeries, view: DashboardViewSettings): void {
    const key = `${view.xAxis}|${view.smoothing}|${view.emaWeight}|${view.window}`;
    if (key !== this.key || series !== this.series || series.generation !== this.generation) {
      this.key = key;
      this.series = series;
      this.generation = series.generation;
      this.length = 0;
      this.consumed = 0;
      this.state = initialSmoothingState();
    }
    const col = series.column(this.metric);
    const total = series.length;
    if (!col || this.consumed >= total) {
      this.consumed = total;
      return;
    }
    const from = this.length;
    const t0 = series.times[0];
    for (let i = this.consumed; i < total; i++) {
      const v = col[i];
      if (!Number.isFinite(v)) continue;
      if (this.length === this.x.length) this.grow();
      this.x[this.length] = xOf(view.xAxis, series, i, t0);
      this.y[this.length] = v;
      this.length++;
    }
    this.consumed = total;
    smoothInto(this.y, this.smooth, from, this.length, { kind: view.smoothing, weight: view.emaWeight, window: view.window }, this.state);
  }

  private grow(): void {
    const n = this.x.length * 2;
    for (const k of ['x', 'y', 'smooth'] as const) {
      const b = new Float64Array(n);
      b.set(this[k]);
      this[k] = b;
    }
  }
}

/** x of row i: env steps, update (row index), wall time (ms since epoch), seconds since the run's first row. */
export function xOf(axis: XAxisKind, series: RunSeries, i: number, t0 = series.times[0]): number {
  switch (axis) {
    case 'step':
      return series.steps[i];
    case 'update':
      return i;
    case 'wall':
      return series.times[i];
    case 'relative':
      return (series.times[i] - t0) / 1000;
  }
}

/** The x of the first row at or after `step` (alerts are logged by step), NaN when beyond the series. */
export function xAtStep(axis: XAxisKind, series: RunSeries, step: number): number {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (series.steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  return lo < series.length ? xOf(axis, series, lo) : Number.NaN;
}
