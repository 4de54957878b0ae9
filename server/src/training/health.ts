/**
 * Training health checks over logged metric rows. Pure (no Node imports): the run manager
 * uses it to put `alerts` on a run's summary (the runs tree shows them), and the dashboard
 * webview uses it to mark the spots on the charts.
 *
 * Rules (each a common sign that a PPO run went wrong; thresholds after the SB3 / CleanRL
 * docs and the "37 implementation details of PPO" blog's debugging advice):
 * - nonFinite: a `losses/*` value is NaN or +-Inf (JSON carries NaN as null, so null counts).
 * - klHigh: `losses/approx_kl` above 5 x target_kl, or above 0.1 when there is no target_kl
 *   (SB3 stops the epochs at 1.5 x target_kl; 5x means the policy jumped anyway).
 * - entropyCollapse: `losses/entropy` below 5% of its first logged value for 5 logged values
 *   in a row (only when the first value is positive), i.e. the policy stopped exploring.
 * - explainedVarianceNegative: `losses/explained_variance` below 0 for 20 logged values in a
 *   row: the value function predicts worse than a constant.
 */
export type HealthAlertKind = 'nonFinite' | 'klHigh' | 'entropyCollapse' | 'explainedVarianceNegative';

export interface HealthAlert {
  kind: HealthAlertKind;
  metric: string;
  /** First env step where the condition held, and the last (for a span). */
  step: number;
  endStep: number;
  message: string;
}

export interface HealthConfig {
  target_kl?: number | null;
}

export const KL_FACTOR = 5;
export const KL_LIMIT_WITHOUT_TARGET = 0.1;
export const ENTROPY_COLLAPSE_FRACTION = 0.05;
export const ENTROPY_COLLAPSE_RUN = 5;
export const NEGATIVE_EV_RUN = 20;

const KL = 'losses/approx_kl';
const ENTROPY = 'losses/entropy';
const EV = 'losses/explained_variance';

/** A row as logged: step, time and metric values (a value may be null: NaN went through JSON). */
export type LoggedRow = { step: number; time: number; [metric: string]: number | null };

/** Incremental health checks: feed rows in order with `push`; `alerts()` at any time. */
export class HealthMonitor {
  private readonly found = new Map<string, HealthAlert>();
  private readonly klLimit: number;
  private firstEntropy: number | undefined;
  private entropyRunStart: number | undefined;
  private entropyRun = 0;
  private evRunStart: number | undefined;
  private evRun = 0;

  constructor(config: HealthConfig = {}) {
    const target = config.target_kl;
    this.klLimit = typeof target === 'number' && target > 0 ? KL_FACTOR * target : KL_LIMIT_WITHOUT_TARGET;
  }

  push(rows: Iterable<Readonly<Record<string, unknown>>>): void {
    for (const row of rows) this.pushRow(row);
  }

  alerts(): HealthAlert[] {
    return [...this.found.values()].sort((a, b) => a.step - b.step || a.kind.localeCompare(b.kind));
  }

  /** One line per alert, for a tree item's tooltip or a notification. */
  messages(): string[] {
    return this.alerts().map((a) => a.message);
  }

  private pushRow(row: Readonly<Record<string, unknown>>): void {
    const step = typeof row.step === 'number' ? row.step : Number.NaN;
    for (const key in row) {
      const value = row[key];
      if (key.startsWith('losses/') && (value === null || typeof value === 'number')) this.observe(step, key, value);
    }
  }

  /**
   * One logged value of a `losses/*` metric at `step` (null: NaN that went through JSON).
   * Values must come in step order per metric; the dashboard feeds its typed columns here.
   */
  observe(step: number, key: string, value: number | null): void {
    if (value === null || !Number.isFinite(value)) {
      this.extend(`nonFinite:${key}`, 'nonFinite', key, step, (s) => `${key} is ${value === null ? 'NaN' : String(value)} from step ${s}`);
      return;
    }
    if (key === KL) this.observeKl(step, value);
    else if (key === ENTROPY) this.observeEntropy(step, value);
    else if (key === EV) this.observeEv(step, value);
  }

  private observeKl(step: number, kl: number): void {
    if (kl > this.klLimit) {
      this.extend('klHigh', 'klHigh', KL, step, (s) => `approx KL ${kl.toPrecision(3)} above ${this.klLimit.toPrecision(3)} at step ${s}`);
    }
  }

  private observeEntropy(step: number, entropy: number): void {
    this.firstEntropy ??= entropy;
    const first = this.firstEntropy;
    if (!(first > 0 && entropy < ENTROPY_COLLAPSE_FRACTION * first)) {
      this.entropyRun = 0;
      this.entropyRunStart = undefined;
      return;
    }
    this.entropyRunStart ??= step;
    this.entropyRun++;
    if (this.entropyRun < ENTROPY_COLLAPSE_RUN) return;
    const start = this.entropyRunStart;
    this.extend('entropyCollapse', 'entropyCollapse', ENTROPY, step, () =>
      `entropy collapsed (${entropy.toPrecision(3)}, under 5% of its first value ${first.toPrecision(3)}) from step ${start}`, start);
  }

  private observeEv(step: number, ev: number): void {
    if (ev >= 0) {
      this.evRun = 0;
      this.evRunStart = undefined;
      return;
    }
    this.evRunStart ??= step;
    this.evRun++;
    if (this.evRun < NEGATIVE_EV_RUN) return;
    const start = this.evRunStart;
    this.extend('explainedVarianceNegative', 'explainedVarianceNegative', EV, step, () =>
      `explained variance below 0 for ${NEGATIVE_EV_RUN}+ updates from step ${start}`, start);
  }

  /** Records an alert, or stretches the existing one of that key to `step` (the message keeps its first form). */
  private extend(key: string, kind: HealthAlertKind, metric: string, step: number, message: (start: number) => string, start = step): void {
    const held = this.found.get(key);
    if (held) {
      held.endStep = Math.max(held.endStep, step);
      return;
    }
    this.found.set(key, { kind, metric, step: start, endStep: step, message: message(start) });
  }
}

/**
 * The health settings of a resolved config (config.yaml as data, or a ResolvedConfig):
 * target_kl sits under `hyperparameters`, or at the top level in a flat config.
 */
export function healthConfigOf(config: Readonly<Record<string, unknown>> | null | undefined): HealthConfig {
  const nested = config?.hyperparameters;
  const fromNested = typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>).target_kl : undefined;
  const target = fromNested ?? config?.target_kl;
  return { target_kl: typeof target === 'number' ? target : null };
}

/** Every alert for a run's rows (in logged order). */
export function healthAlerts(rows: Iterable<Readonly<Record<string, unknown>>>, config: HealthConfig = {}): HealthAlert[] {
  const monitor = new HealthMonitor(config);
  monitor.push(rows);
  return monitor.alerts();
}
