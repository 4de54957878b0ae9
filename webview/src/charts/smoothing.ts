/**
 * Smoothing of a metric series for display. Pure functions over typed arrays; NaN (a row
 * that did not log the metric, or a non-finite value) passes through as NaN and does not
 * disturb the running state, as in TensorBoard.
 */
export type SmoothingKind = 'none' | 'ema' | 'window';

export interface SmoothingOptions {
  kind: SmoothingKind;
  /** EMA weight in [0, 1): 0 = raw, 0.99 = very smooth (TensorBoard's slider). */
  weight: number;
  /** Moving-window length in points (>= 1), trailing. */
  window: number;
}

export const DEFAULT_SMOOTHING: SmoothingOptions = { kind: 'ema', weight: 0.6, window: 10 };

/**
 * Running state, so a live series is smoothed incrementally: `smoothInto` continues from
 * where the last call stopped.
 */
export interface SmoothingState {
  /** EMA accumulator (biased) and how many finite values went in. */
  last: number;
  count: number;
  /** Moving window: running sum of the values in the window and their indices. */
  sum: number;
  queue: number[];
}

export function initialSmoothingState(): SmoothingState {
  return { last: 0, count: 0, sum: 0, queue: [] };
}

/**
 * Debiased exponential moving average, TensorBoard's `resampleAndSmooth`
 * (tensorboard/webapp/widgets/line_chart_v2/lib/data_transformer.ts): the accumulator starts
 * at 0, and dividing by 1 - weight^n removes the bias toward that 0 start (Adam's bias
 * correction, Kingma & Ba 2015, sec. 3). With weight 0 it returns the raw series.
 */
export function emaDebiased(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values.length);
  smoothInto(values, out, 0, values.length, { kind: 'ema', weight, window: 1 }, initialSmoothingState());
  return out;
}

/** Trailing moving average over the last `window` finite values (fewer at the start). */
export function movingAverage(values: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(values.length);
  smoothInto(values, out, 0, values.length, { kind: 'window', weight: 0, window }, initialSmoothingState());
  return out;
}

/** Fills out[from..to) from values[from..to), continuing `state` (mutated). */
export function smoothInto(
  values: ArrayLike<number>,
  out: Float64Array,
  from: number,
  to: number,
  opts: SmoothingOptions,
  state: SmoothingState,
): void {
  if (opts.kind === 'ema') {
    const w = Math.min(Math.max(opts.weight, 0), 0.999);
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) {
        out[i] = v;
        continue;
      }
      state.last = state.last * w + (1 - w) * v;
      state.count++;
      const debias = w === 0 ? 1 : 1 - Math.pow(w, state.count);
      out[i] = state.last / debias;
    }
    return;
  }
  if (opts.kind === 'window') {
    const n = Math.max(1, Math.floor(opts.window));
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) {
        out[i] = v;
        continue;
      }
      state.queue.push(v);
      state.sum += v;
      if (state.queue.length > n) state.sum -= state.queue.shift() as number;
      out[i] = state.sum / state.queue.length;
    }
    return;
  }
  for (let i = from; i < to; i++) out[i] = values[i];
}
