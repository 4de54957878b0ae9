/**
 * Aggregation of several runs of one experiment (different seeds) into a mean curve with a
 * band: the runs are resampled by linear interpolation onto a common x grid; at each grid x
 * the runs that cover it contribute.
 */
import { lowerBound } from './decimate';

export type BandKind = 'std' | 'ci95';

export interface XYSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface Aggregate {
  x: number[];
  mean: number[];
  lo: number[];
  hi: number[];
  /** How many runs cover each grid point. */
  n: number[];
}

/** Linear interpolation of an ascending series at x; NaN outside its range. */
export function interpolate(s: XYSeries, x: number): number {
  const len = s.x.length;
  if (len === 0 || x < s.x[0] || x > s.x[len - 1]) return Number.NaN;
  const i = lowerBound(s.x, x);
  if (s.x[i] === x || i === 0) return s.y[i];
  const x0 = s.x[i - 1];
  const x1 = s.x[i];
  const t = (x - x0) / (x1 - x0);
  return s.y[i - 1] + t * (s.y[i] - s.y[i - 1]);
}

/** Sample mean and unbiased standard deviation (n - 1); std is 0 for one value. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n === 1) return { mean, std: 0 };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom (standard tables). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t_{0.975, df}: the multiplier of the standard error for a 95% confidence interval. */
export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN;
  if (df <= 30) return T975[Math.floor(df) - 1];
  // Beyond the table, the normal quantile plus the first Cornish-Fisher correction.
  return 1.959964 + 2.37 / df;
}

/** Half-width of the band around the mean: one std, or the 95% CI of the mean (t * s / sqrt(n)). */
export function bandHalfWidth(values: readonly number[], kind: BandKind): number {
  const n = values.length;
  const { std } = meanStd(values);
  if (n < 2) return 0;
  return kind === 'std' ? std : (tQuantile975(n - 1) * std) / Math.sqrt(n);
}

/** Mean and band of `series` on `gridSize` evenly spaced x values over their combined range. */
export function aggregateSeries(
  series: readonly XYSeries[],
  gridSize: number,
  kind: BandKind,
  /** Only this x window (the zoomed view), when given. */
  range?: readonly [number, number],
): Aggregate {
  const out: Aggregate = { x: [], mean: [], lo: [], hi: [], n: [] };
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    if (s.x.length === 0) continue;
    min = Math.min(min, s.x[0]);
    max = Math.max(max, s.x[s.x.length - 1]);
  }
  if (range) {
    min = Math.max(min, range[0]);
    max = Math.min(max, range[1]);
  }
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return out;
  const points = max > min ? Math.max(2, gridSize) : 1;
  for (let g = 0; g < points; g++) {
    const x = points === 1 ? min : min + ((max - min) * g) / (points - 1);
    const values: number[] = [];
    for (const s of series) {
      const v = interpolate(s, x);
      if (Number.isFinite(v)) values.push(v);
    }
    if (values.length === 0) continue;
    const { mean } = meanStd(values);
    const half = bandHalfWidth(values, kind);
    out.x.push(x);
    out.mean.push(mean);
    out.lo.push(mean - half);
    out.hi.push(mean + half);
    out.n.push(values.length);
  }
  return out;
}
