import type { DashboardViewSettings, RunSummary } from '../../../server/src/protocol/types';
import type { HealthAlert } from '../../../server/src/training/health';
import type { RunSeries } from '../data/runSeries';
import { aggregateSeries, type XYSeries } from './aggregate';
import { lowerBound, lttbIndices, minMaxEnvelope } from './decimate';
import { MetricTrack, xAtStep } from './track';

export type Point = { x: number; y: number };

/** One line on a chart (a run, or the mean of an experiment's runs) in display form. */
export interface DrawSeries {
  id: string;
  label: string;
  colorIndex: number;
  /** Smoothed (or mean) line, decimated. */
  line: Point[];
  /** The raw series, decimated, drawn faint behind (absent for a mean, or without smoothing). */
  raw?: Point[];
  /** A band: min/max envelope of the raw values, or the mean's std / 95% CI. */
  band?: { lo: Point[]; hi: Point[]; kind: 'envelope' | 'std' | 'ci95' };
  /** Full-resolution line for the crosshair read-out. */
  lookup: XYSeries;
  /** Stored points of this metric (all of them, before decimation). */
  stored: number;
}

export interface ChartMark {
  x0: number;
  x1: number;
  text: string;
  kind: HealthAlert['kind'];
}

export interface RunInput {
  run: RunSummary;
  series: RunSeries;
  alerts: HealthAlert[];
}

/** Points per chart (about one per pixel of a typical chart). */
export const DISPLAY_POINTS = 600;
const AGGREGATE_POINTS = 300;

/**
 * Tracks per run and metric, kept between frames so live rows only extend them; `forget`
 * drops runs no longer shown.
 */
export class TrackStore {
  private readonly tracks = new Map<string, MetricTrack>();

  get(runId: string, metric: string, series: RunSeries, view: DashboardViewSettings): MetricTrack {
    const key = `${runId}\u0000${metric}`;
    let t = this.tracks.get(key);
    if (!t) {
      t = new MetricTrack(metric);
      this.tracks.set(key, t);
    }
    t.update(series, view);
    return t;
  }

  forget(keepRunIds: ReadonlySet<string>): void {
    for (const key of this.tracks.keys()) if (!keepRunIds.has(key.split('\u0000')[0])) this.tracks.delete(key);
  }
}

/**
 * What one metric's chart draws for the shown runs: per run (or per experiment group when
 * aggregating runs of one experiment) the decimated line, faint raw series and band, within
 * the x range on screen.
 */
export function chartFrame(
  metric: string,
  inputs: readonly RunInput[],
  view: DashboardViewSettings,
  tracks: TrackStore,
  range: { min: number; max: number } | undefined,
): { series: DrawSeries[]; marks: ChartMark[] } {
  const out: DrawSeries[] = [];
  const marks: ChartMark[] = [];
  const groups = new Map<string, { input: RunInput; track: MetricTrack }[]>();
  for (const input of inputs) {
    const track = tracks.get(input.run.id, metric, input.series, view);
    if (track.length === 0) continue;
    const group = view.groupByExperiment ? seedGroup(input.run) : input.run.id;
    const list = groups.get(group) ?? [];
    list.push({ input, track });
    groups.set(group, list);
    for (const alert of input.alerts) {
      if (alert.metric !== metric) continue;
      const x0 = xAtStep(view.xAxis, input.series, alert.step);
      const x1 = xAtStep(view.xAxis, input.series, alert.endStep);
      if (Number.isFinite(x0)) marks.push({ x0, x1: Number.isFinite(x1) ? x1 : x0, text: `${input.run.experiment} s${input.run.seed}: ${alert.message}`, kind: alert.kind });
    }
  }
  let colorIndex = 0;
  for (const [group, members] of groups) {
    if (members.length >= 2) {
      const lookups = members.map(({ track }) => ({ x: track.x.subarray(0, track.length), y: track.smooth.subarray(0, track.length) }));
      const agg = aggregateSeries(lookups, AGGREGATE_POINTS, view.band, range ? [range.min, range.max] : undefined);
      out.push({
        id: `group:${group}`,
        label: `${group} (mean of ${members.length} runs)`,
        colorIndex: colorIndex++,
        line: agg.x.map((x, i) => ({ x, y: agg.mean[i] })),
        band: { lo: agg.x.map((x, i) => ({ x, y: agg.lo[i] })), hi: agg.x.map((x, i) => ({ x, y: agg.hi[i] })), kind: view.band },
        lookup: { x: agg.x, y: agg.mean },
        stored: members.reduce((n, m) => n + m.track.length, 0),
      });
      continue;
    }
    const { input, track } = members[0];
    const n = track.length;
    let from = 0;
    let to = n;
    if (range) {
      // One point either side of the window, so lines run to the edges.
      from = Math.max(0, lowerBound(track.x, range.min, 0, n) - 1);
      to = Math.min(n, lowerBound(track.x, range.max, 0, n) + 1);
    }
    const smoothed = view.smoothing !== 'none';
    const line = pick(track.x, track.smooth, lttbIndices(track.x, track.smooth, from, to, DISPLAY_POINTS));
    const draw: DrawSeries = {
      id: input.run.id,
      label: `${input.run.experiment} · seed ${input.run.seed}`,
      colorIndex: colorIndex++,
      line,
      lookup: { x: track.x.subarray(0, n), y: track.smooth.subarray(0, n) },
      stored: n,
    };
    if (smoothed) draw.raw = pick(track.x, track.y, lttbIndices(track.x, track.y, from, to, DISPLAY_POINTS));
    if (view.envelope) {
      const env = minMaxEnvelope(track.x, track.y, from, to, DISPLAY_POINTS / 3);
      draw.band = { lo: env.x.map((x, i) => ({ x, y: env.min[i] })), hi: env.x.map((x, i) => ({ x, y: env.max[i] })), kind: 'envelope' };
    }
    out.push(draw);
  }
  return { series: out, marks };
}

function pick(xs: Float64Array, ys: Float64Array, idx: Uint32Array): Point[] {
  const points = new Array<Point>(idx.length);
  for (let i = 0; i < idx.length; i++) points[i] = { x: xs[idx[i]], y: ys[idx[i]] };
  return points;
}

/**
 * The aggregation group of a run: its experiment, and for a sweep combination also the values it
 * set other than the seed, so a sweep's seeds average per setting, never across settings.
 */
export function seedGroup(run: { experiment: string; sweepParams?: Record<string, unknown> }): string {
  const params = Object.entries(run.sweepParams ?? {}).filter(([key]) => key !== 'seed');
  return params.length ? `${run.experiment} ${params.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}` : run.experiment;
}
