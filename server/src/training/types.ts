/** What the engine reports to whoever runs it (worker, CLI, tests, bench). */
import type { MetricRow } from '../protocol/types';

export type { MetricRow };

export interface TrainHooks {
  /** One row per update: namespaced metrics; `step` is the global env step. */
  onMetrics(row: MetricRow): void;
  onProgress?(globalStep: number, totalSteps: number, meanReturn?: number): void;
  /** Polled between rollouts; true ends training with status 'stopped'. */
  shouldStop?(): boolean;
}

export interface TrainResult {
  status: 'completed' | 'stopped' | 'failed';
  globalStep: number;
  /** Mean of the last 20 episodic returns, when any episode finished. */
  meanReturn?: number;
  /** Environment steps per second over the whole run (charts/SPS at the end). */
  sps: number;
  error?: string;
}
