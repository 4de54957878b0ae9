/**
 * The loop every tabular algorithm shares: advance training a chunk at a time (about
 * LOG_INTERVAL env steps of TD or Monte-Carlo learning, or one sweep of dynamic programming),
 * emit one metric row per chunk, poll for a stop, yield to the host, take checkpoints, and at
 * the end hand over the greedy policy and the final value table (q_table.json).
 *
 * No tensors: the table is a Float64Array and the environment is the toy-text env's own P
 * table (tabular/task.ts), stepped here with the same rules as the vectorized env.
 */
import type { ResolvedConfig } from '../../../schema';
import { indexOfOneHot } from '../../envs/toyText/model';
import { Rng } from '../../rng';
import type { MetricRow, TrainedPolicy, TrainHooks, TrainResult } from '../../types';
import type { Algorithm } from '../algorithm';
import { CHECKPOINT_VERSION, loadRngs, saveRngs, type AlgoCheckpoint } from '../checkpoint';
import { nextCheckpointStep, TrainingProgress } from '../progress';
import { QTable } from './qTable';
import type { TabularTask } from './task';
import { valueTable, type ValueTable } from './valueTable';


/** A chunk's metrics: values to average over the chunk (namespaced keys). */
export type ChunkMetrics = Record<string, number>;

export abstract class TabularAlgorithm implements Algorithm {
  protected globalStep = 0;
  /** Episodes finished so far (exponential epsilon decay counts them). */
  protected episodes = 0;
  protected readonly q: QTable;
  /** Resets and transitions of the environment. */
  protected readonly envRng: Rng;
  /** Exploration: epsilon draws, random actions, tie-breaking. */
  protected readonly actRng: Rng;
  protected readonly progress = new TrainingProgress();
  private pendingReturns: number[] = [];
  private pendingLengths: number[] = [];

  constructor(
    protected readonly config: ResolvedConfig,
    protected readonly task: TabularTask,
    qInit = 0,
  ) {
    this.q = new QTable(task.model.nS, task.model.nA, qInit);
    this.envRng = Rng.stream(config.seed, 'tabular-env');
    this.actRng = Rng.stream(config.seed, 'tabular-explore');
  }

  /** Runs one chunk of training and returns its metrics (averaged into one row). */
  protected abstract chunk(): ChunkMetrics;

  /** Whether training is over (the step budget is spent, or DP has converged). */
  protected done(): boolean {
    return this.globalStep >= this.totalSteps();
  }

  /** The budget `onProgress` reports against: n_timesteps env steps (DP: its sweep limit). */
  protected totalSteps(): number {
    return this.config.n_timesteps;
  }

  /** Values logged with every row (epsilon, learning rate). */
  protected scheduleMetrics(): Record<string, number> {
    return {};
  }

  /** After the last chunk, before the final row (DP evaluates its policy here). */
  protected finishTraining(): ChunkMetrics {
    return {};
  }

  /** The algorithm's own resumable state besides the table and the random streams. */
  protected algoState(): Record<string, unknown> {
    return {};
  }

  protected loadAlgoState(_state: Record<string, unknown>): void {}

  /** The deterministic policy's action in state s. */
  greedyAction(s: number): number {
    return this.q.argmax(s);
  }

  /** The current table as saved in q_table.json. */
  valueTable(): ValueTable {
    return valueTable(this.task.env, this.config.algo, this.globalStep, this.q, undefined, undefined, this.task.grid);
  }

  /** 1 at the start of training, 0 at n_timesteps (SB3's progress_remaining). */
  protected progressRemaining(): number {
    return Math.max(0, 1 - this.globalStep / this.config.n_timesteps);
  }

  protected recordEpisode(ret: number, length: number): void {
    this.episodes++;
    this.pendingReturns.push(ret);
    this.pendingLengths.push(length);
    this.progress.recordReturn(ret);
  }

  meanRecentReturn(): number | undefined {
    return this.progress.meanRecentReturn();
  }

  trainedPolicy(): TrainedPolicy {
    const out = new Float32Array(1);
    return {
      // Observations are one-hot state indices (envs/toyText/model.ts).
      actDeterministic: (obs) => {
        out[0] = this.greedyAction(indexOfOneHot(obs));
        return out;
      },
    };
  }

  async saveCheckpoint(): Promise<AlgoCheckpoint> {
    return {
      version: CHECKPOINT_VERSION,
      algo: this.config.algo,
      env: this.config.env,
      globalStep: this.globalStep,
      ...this.progress.snapshot(),
      savedAt: new Date().toISOString(),
      state: {
        q: this.q.rows(),
        episodes: this.episodes,
        rngs: saveRngs({ env: this.envRng, explore: this.actRng }),
        ...this.algoState(),
      },
    };
  }

  async loadCheckpoint(checkpoint: AlgoCheckpoint): Promise<void> {
    const state = checkpoint.state;
    if (!Array.isArray(state.q)) throw new Error('the checkpoint has no Q-table');
    this.q.load(state.q as number[][]);
    loadRngs({ env: this.envRng, explore: this.actRng }, state.rngs);
    this.episodes = typeof state.episodes === 'number' ? state.episodes : 0;
    this.loadAlgoState(state);
    this.globalStep = checkpoint.globalStep;
    this.progress.restore(checkpoint);
  }

  dispose(): void {}

  async learn(hooks: TrainHooks): Promise<TrainResult> {
    this.progress.start();
    const result = (status: TrainResult['status'], error?: string): TrainResult => this.progress.result(status, this.globalStep, this.meanRecentReturn(), error);
    const every = hooks.checkpointFreq ?? 0;
    let nextCheckpoint = nextCheckpointStep(this.globalStep, every);
    try {
      while (!this.done()) {
        if (hooks.shouldStop?.()) {
          await this.finish(hooks);
          return result('stopped');
        }
        const metrics = this.chunk();
        const bad = Object.entries(metrics).find(([, v]) => !Number.isFinite(v));
        if (bad) return result('failed', `${bad[0]} became ${bad[1]} at step ${this.globalStep}; training stopped (try a lower learning_rate or gamma < 1)`);
        this.emitRow(hooks, metrics);
        if (this.globalStep >= nextCheckpoint && !this.done()) {
          await hooks.onCheckpoint?.(await this.saveCheckpoint(), false);
          nextCheckpoint = (Math.floor(this.globalStep / every) + 1) * every;
        }
        // Let the host process its messages (a stop request, IPC) between rows.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const last = this.finishTraining();
      if (Object.keys(last).length > 0 || this.pendingReturns.length > 0) this.emitRow(hooks, last);
      await this.finish(hooks);
      return result('completed');
    } catch (err) {
      return result('failed', err instanceof Error ? err.message : String(err));
    }
  }

  private emitRow(hooks: TrainHooks, metrics: ChunkMetrics): void {
    const row: MetricRow = { step: this.globalStep, time: Date.now(), ...metrics, ...this.scheduleMetrics() };
    row['charts/SPS'] = this.progress.sps(this.globalStep);
    if (this.pendingReturns.length) {
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      row['charts/episodic_return'] = mean(this.pendingReturns);
      row['charts/episodic_length'] = mean(this.pendingLengths);
    }
    this.pendingReturns = [];
    this.pendingLengths = [];
    hooks.onMetrics(row);
    hooks.onProgress?.(this.globalStep, this.totalSteps(), this.meanRecentReturn());
    hooks.onValueTable?.(this.valueTable(), false);
  }

  /** The final table, checkpoint and policy, for a completed or stopped run. */
  private async finish(hooks: TrainHooks): Promise<void> {
    hooks.onValueTable?.(this.valueTable(), true);
    await hooks.onCheckpoint?.(await this.saveCheckpoint(), true);
    if (hooks.onTrained) await hooks.onTrained(this.trainedPolicy());
  }


}
