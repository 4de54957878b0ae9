/**
 * Run bookkeeping every training loop shares (on-policy, off-policy, tabular): the window of
 * recent episodic returns behind `meanReturn`, the training clock behind SPS (carried across a
 * resume by the checkpoint), the checkpoint schedule and the result of learn().
 */
import { performance } from 'node:perf_hooks';
import type { TrainResult } from '../types';

/** The window of episodes behind `meanReturn` (SB3's ep_info_buffer is 100; the issue asks for 20). */
export const RECENT_EPISODES = 20;

export class TrainingProgress {
  private readonly recentReturns: number[] = [];
  /** Training seconds before this process (restored from a checkpoint), so SPS spans the whole run. */
  private elapsedBefore = 0;
  private startTime = 0;

  /** Starts the clock of this process's part of training. */
  start(): void {
    this.startTime = performance.now();
  }

  recordReturn(episodeReturn: number): void {
    this.recentReturns.push(episodeReturn);
    if (this.recentReturns.length > RECENT_EPISODES) this.recentReturns.shift();
  }

  meanRecentReturn(): number | undefined {
    const r = this.recentReturns;
    return r.length ? r.reduce((a, b) => a + b, 0) / r.length : undefined;
  }

  elapsedSeconds(): number {
    return this.elapsedBefore + (this.startTime ? (performance.now() - this.startTime) / 1000 : 0);
  }

  sps(globalStep: number): number {
    const seconds = this.elapsedSeconds();
    return seconds > 0 ? Math.round(globalStep / seconds) : 0;
  }

  /** What a checkpoint keeps of it. */
  snapshot(): { recentReturns: number[]; elapsedSeconds: number } {
    return { recentReturns: [...this.recentReturns], elapsedSeconds: this.elapsedSeconds() };
  }

  restore(saved: { recentReturns: readonly number[]; elapsedSeconds: number }): void {
    this.recentReturns.length = 0;
    this.recentReturns.push(...saved.recentReturns.slice(-RECENT_EPISODES));
    this.elapsedBefore = saved.elapsedSeconds;
  }

  /** `meanReturn` comes from the algorithm, which may define it otherwise (DP: its evaluation episodes). */
  result(status: TrainResult['status'], globalStep: number, meanReturn: number | undefined, error?: string): TrainResult {
    return { status, globalStep, meanReturn, sps: this.sps(globalStep), ...(error ? { error } : {}) };
  }
}

/** The first multiple of `every` env steps after `globalStep`; Infinity when periodic checkpoints are off. */
export function nextCheckpointStep(globalStep: number, every: number | undefined): number {
  return every && every > 0 ? (Math.floor(globalStep / every) + 1) * every : Infinity;
}
