/**
 * The training loop the language-model RL stages share (ppo_rlhf, grpo, dpo): build the models
 * once the run folder is known (init_from is resolved against its run store), then repeat one
 * update at a time — metrics row, sampled completions, progress, stop requests, NaN guard,
 * periodic checkpoints — and at the end save the trained model in `<runDir>/model/` for the
 * next stage, plus a final checkpoint. The stage's own update is `iteration()`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SamplesRow } from '../../protocol/types';
import type { ResolvedConfig } from '../../schema';
import type { Algorithm } from '../algos/algorithm';
import { CHECKPOINT_VERSION, type AlgoCheckpoint } from '../algos/checkpoint';
import { nextCheckpointStep, TrainingProgress } from '../algos/progress';
import type { MetricRow, TrainedPolicy, TrainHooks, TrainResult } from '../types';

export interface IterationResult {
  metrics: Record<string, number>;
  /** Completions to show for this step (prompt, completion, reward). */
  samples?: SamplesRow['samples'];
  /** Per-completion rewards, for the run's mean return (mean of the last 20). */
  rewards?: readonly number[];
}

export abstract class LmStageAlgorithm implements Algorithm {
  protected globalStep = 0;
  protected readonly progress = new TrainingProgress();
  private pending: AlgoCheckpoint | undefined;
  private prepared = false;

  constructor(protected readonly config: ResolvedConfig) {}

  /** Total steps of the run (completions or pairs, as the stage counts them). */
  protected abstract totalSteps(): number;
  /** Loads / builds the models (hooks.runDir is where init_from resolves and the model is saved). */
  protected abstract prepare(hooks: TrainHooks): Promise<void>;
  /** One update; advances globalStep. */
  protected abstract iteration(progressRemaining: number): IterationResult;
  /** The stage's state for a checkpoint (weights, optimizer, RNG streams). */
  protected abstract saveState(): Promise<Record<string, unknown>>;
  protected abstract loadState(state: Record<string, unknown>): Promise<void>;
  /** Writes the trained policy into `<runDir>/model/` (stageModel.ts). */
  protected abstract saveModel(runDir: string): void;
  protected abstract disposeModels(): void;
  /** Metrics of the starting model, logged at step 0 of a fresh run (e.g. its held-out reward). */
  protected initialMetrics(): Record<string, number> {
    return {};
  }

  trainedPolicy(): TrainedPolicy | undefined {
    return undefined; // a language model has no observation -> action policy to play back
  }

  async saveCheckpoint(): Promise<AlgoCheckpoint> {
    if (!this.prepared) throw new Error(`${this.config.algo}: no checkpoint before training has started`);
    return {
      version: CHECKPOINT_VERSION,
      algo: this.config.algo,
      env: this.config.env,
      globalStep: this.globalStep,
      ...this.progress.snapshot(),
      savedAt: new Date().toISOString(),
      state: await this.saveState(),
    };
  }

  /** Kept until learn() has built the models, then applied. */
  async loadCheckpoint(checkpoint: AlgoCheckpoint): Promise<void> {
    this.pending = checkpoint;
    return Promise.resolve();
  }

  async learn(hooks: TrainHooks): Promise<TrainResult> {
    const result = (status: TrainResult['status'], error?: string): TrainResult => this.progress.result(status, this.globalStep, this.progress.meanRecentReturn(), error);
    try {
      await this.prepare(hooks);
      this.prepared = true;
      if (this.pending) {
        await this.loadState(this.pending.state);
        this.globalStep = this.pending.globalStep;
        this.progress.restore(this.pending);
        this.pending = undefined;
      }
      this.progress.start();
      if (this.globalStep === 0) {
        const first = this.initialMetrics();
        if (Object.keys(first).length) hooks.onMetrics({ step: 0, time: Date.now(), ...first } as MetricRow);
      }
      const every = hooks.checkpointFreq ?? 0;
      let nextCheckpoint = nextCheckpointStep(this.globalStep, every);
      const total = this.totalSteps();
      while (this.globalStep < total) {
        if (hooks.shouldStop?.()) {
          await this.finish(hooks);
          return result('stopped');
        }
        const out = this.iteration(1 - this.globalStep / total);
        const bad = Object.entries(out.metrics).find(([k, v]) => k.startsWith('loss/') && !Number.isFinite(v));
        if (bad) return result('failed', `${bad[0]} became ${bad[1]} at step ${this.globalStep}; training stopped (try a lower learning_rate or max_grad_norm)`);
        for (const r of out.rewards ?? []) this.progress.recordReturn(r);
        const row: MetricRow = { step: this.globalStep, time: Date.now() };
        for (const [k, v] of Object.entries(out.metrics)) if (Number.isFinite(v)) row[k] = v;
        row['charts/SPS'] = this.progress.sps(this.globalStep);
        hooks.onMetrics(row);
        if (out.samples?.length) hooks.onSamples?.({ step: this.globalStep, time: row.time, samples: out.samples });
        hooks.onProgress?.(this.globalStep, total, this.progress.meanRecentReturn());
        if (this.globalStep >= nextCheckpoint && this.globalStep < total) {
          if (hooks.onCheckpoint) await hooks.onCheckpoint(await this.saveCheckpoint(), false);
          nextCheckpoint = nextCheckpointStep(this.globalStep, every);
        }
        // Let the host process its messages (a stop request, IPC) between updates.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await this.finish(hooks);
      return result('completed');
    } catch (err) {
      return result('failed', err instanceof Error ? err.message : String(err));
    } finally {
      this.dispose();
    }
  }

  /** Saves the model for the next stage and a final checkpoint (completed or stopped runs). */
  private async finish(hooks: TrainHooks): Promise<void> {
    if (hooks.runDir) this.saveModel(hooks.runDir);
    if (hooks.onCheckpoint) await hooks.onCheckpoint(await this.saveCheckpoint(), true);
  }

  /** Public for tests that step training and watch tf.memory(). */
  async prepareForTest(hooks: TrainHooks = { onMetrics: () => undefined }): Promise<void> {
    await this.prepare(hooks);
    this.prepared = true;
  }

  stepForTest(): IterationResult {
    return this.iteration(1 - this.globalStep / this.totalSteps());
  }

  dispose(): void {
    this.disposeModels();
  }
}

/** tf.Variable list of several models (one optimizer over all of them). */
export function variablesOf(...groups: (tf.Variable[] | undefined)[]): tf.Variable[] {
  return groups.flatMap((g) => g ?? []);
}
