import type { MetricRow } from '../../../server/src/protocol/types';

const NON_METRIC = new Set(['step', 'time']);
const INITIAL_CAPACITY = 256;

/**
 * One run's stored metric rows, column by column in typed arrays (a million rows of a few
 * metrics stay tens of MB, not hundreds of MB of row objects). A row that did not log a
 * metric holds NaN in that column. Rows are only ever appended; nothing is dropped.
 */
export class RunSeries {
  private capacity = INITIAL_CAPACITY;
  private count = 0;
  steps: Float64Array = new Float64Array(INITIAL_CAPACITY);
  times: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private readonly cols = new Map<string, Float64Array>();
  /** Bumped whenever the series changes other than by appending (tells caches to rebuild). */
  generation = 0;
  /** Rows whose logged value was NaN (null through JSON): NaN in a column alone means "not logged". */
  readonly notANumber: { index: number; metric: string }[] = [];

  get length(): number {
    return this.count;
  }

  metricNames(): string[] {
    return [...this.cols.keys()];
  }

  /** The column of `metric` (valid up to `length`), undefined when never logged. */
  column(metric: string): Float64Array | undefined {
    return this.cols.get(metric);
  }

  /**
   * Appends rows that are new (see `appendNewRows` in state.ts for the rule); returns how
   * many were added. A value of null (NaN through JSON) is stored as NaN.
   */
  append(rows: readonly MetricRow[]): number {
    const before = this.count;
    for (const row of rows) {
      if (this.count > 0) {
        const last = this.count - 1;
        const order = row.step - this.steps[last] || row.time - this.times[last];
        if (order < 0) continue;
        if (order === 0 && this.holds(row)) continue;
      }
      this.push(row);
    }
    return this.count - before;
  }

  /**
   * Feeds the `losses/*` values of rows [from, to) to a health monitor straight from the
   * columns (a logged NaN as null), row by row: no row objects on a million-row series.
   */
  observeLosses(from: number, to: number, monitor: { observe(step: number, key: string, value: number | null): void }): void {
    const losses = [...this.cols].filter(([name]) => name.startsWith('losses/'));
    let nan = lowerBoundIndex(this.notANumber, from);
    for (let i = from; i < to; i++) {
      const step = this.steps[i];
      for (const [name, col] of losses) {
        const v = col[i];
        if (!Number.isNaN(v)) monitor.observe(step, name, v);
      }
      while (nan < this.notANumber.length && this.notANumber[nan].index === i) {
        const { metric } = this.notANumber[nan++];
        if (metric.startsWith('losses/')) monitor.observe(step, metric, null);
      }
    }
  }

  /** Materializes rows [from, to) (for tests and small exports). */
  rows(from = 0, to = this.count): MetricRow[] {
    const out: MetricRow[] = [];
    for (let i = from; i < to; i++) out.push(this.row(i));
    return out;
  }

  row(i: number): MetricRow {
    const row: MetricRow = { step: this.steps[i], time: this.times[i] };
    for (const [name, col] of this.cols) if (!Number.isNaN(col[i])) row[name] = col[i];
    return row;
  }

  private push(row: MetricRow): void {
    if (this.count === this.capacity) this.grow();
    const i = this.count;
    this.steps[i] = row.step;
    this.times[i] = row.time;
    for (const key in row) {
      if (NON_METRIC.has(key)) continue;
      const value = row[key] as number | null;
      let col = this.cols.get(key);
      if (!col) {
        col = new Float64Array(this.capacity).fill(Number.NaN);
        this.cols.set(key, col);
      }
      col[i] = typeof value === 'number' ? value : Number.NaN;
      if (value === null || Number.isNaN(value)) this.notANumber.push({ index: i, metric: key });
    }
    this.count++;
  }

  private grow(): void {
    this.capacity *= 2;
    this.steps = resize(this.steps, this.capacity, 0);
    this.times = resize(this.times, this.capacity, 0);
    for (const [name, col] of this.cols) this.cols.set(name, resize(col, this.capacity, Number.NaN));
  }

  /** Whether an identical row with the same (step, time) is held at the end. */
  private holds(row: MetricRow): boolean {
    for (let i = this.count - 1; i >= 0; i--) {
      if (this.steps[i] !== row.step || this.times[i] !== row.time) return false;
      if (this.sameAs(i, row)) return true;
    }
    return false;
  }

  private sameAs(i: number, row: MetricRow): boolean {
    let keys = 0;
    for (const key in row) {
      if (NON_METRIC.has(key)) continue;
      const col = this.cols.get(key);
      const value = row[key] as number | null;
      if (typeof value !== 'number' || Number.isNaN(value)) continue;
      keys++;
      if (!col || !Object.is(col[i], typeof value === 'number' ? value : Number.NaN)) return false;
    }
    let held = 0;
    for (const col of this.cols.values()) if (!Number.isNaN(col[i])) held++;
    return held === keys;
  }
}

function resize(a: Float64Array, capacity: number, fill: number): Float64Array {
  const b = new Float64Array(capacity);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

function lowerBoundIndex(list: readonly { index: number }[], index: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].index < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
