/**
 * The loop every on-policy algorithm shares (SB3's OnPolicyAlgorithm.learn): collect a rollout
 * with the current policy, then train on it, until n_timesteps env steps are done. Progress,
 * the run store, cancellation and live metrics plug in through TrainHooks.
 */
import type { EpisodeInfo } from '../envs/vecEnv';
import type { VecNormalizeState } from '../envs/vecNormalize';
import type { MetricRow, TrainedPolicy, TrainHooks, TrainResult } from '../types';
import { CHECKPOINT_VERSION, type AlgoCheckpoint, type Checkpointable, type PolicyNetwork } from './checkpoint';
import { nextCheckpointStep, TrainingProgress } from './progress';


export abstract class OnPolicyAlgorithm implements Checkpointable {
  protected globalStep = 0;
  /** Episodes that ended during the current rollout. */
  protected rolloutEpisodes: EpisodeInfo[] = [];
  protected readonly progress = new TrainingProgress();

  constructor(protected readonly totalTimesteps: number) {}

  /** Fills the rollout buffer; advances globalStep and reports ended episodes via recordEpisode. */
  protected abstract collectRollouts(): void;

  /** Optimises on the rollout; returns the update's metrics (namespaced keys). */
  protected abstract train(progressRemaining: number): Record<string, number>;

  /** Frees tensors and other resources. */
  abstract dispose(): void;

  /** The current policy for evaluation (TrainHooks.onTrained); undefined for an algorithm without one. */
  trainedPolicy(): TrainedPolicy | undefined {
    return undefined;
  }

  /** Observation/reward normalization statistics to save with the run; undefined when off. */
  normalizationState(): VecNormalizeState | undefined {
    return undefined;
  }

  /**
   * The algorithm's own checkpoint state (see algos/checkpoint.ts); undefined when it does not
   * support checkpoints yet, and then no checkpoints are written and runs cannot be resumed.
   */
  protected saveAlgoState(): Promise<{ state: Record<string, unknown>; policy?: PolicyNetwork } | undefined> {
    return Promise.resolve(undefined);
  }

  /** Restores what saveAlgoState saved; called before learn(). */
  protected loadAlgoState(_checkpoint: AlgoCheckpoint): Promise<void> {
    return Promise.reject(new Error(`${this.constructor.name} cannot resume from a checkpoint`));
  }

  /** The whole snapshot: the shared counters and the algorithm's state. Throws when unsupported. */
  async saveCheckpoint(): Promise<AlgoCheckpoint> {
    const snapshot = await this.snapshot();
    if (!snapshot) throw new Error(`${this.constructor.name} does not support checkpoints`);
    return snapshot;
  }

  private async snapshot(): Promise<AlgoCheckpoint | undefined> {
    const own = await this.saveAlgoState();
    if (!own) return undefined;
    return {
      version: CHECKPOINT_VERSION,
      algo: this.algoName(),
      env: this.envName(),
      globalStep: this.globalStep,
      ...this.progress.snapshot(),
      savedAt: new Date().toISOString(),
      state: own.state,
      ...(own.policy ? { policy: own.policy } : {}),
    };
  }

  async loadCheckpoint(checkpoint: AlgoCheckpoint): Promise<void> {
    await this.loadAlgoState(checkpoint);
    this.globalStep = checkpoint.globalStep;
    this.progress.restore(checkpoint);
  }

  /** Names recorded in checkpoints (a checkpoint is refused by a different algorithm or env). */
  protected algoName(): string {
    return this.constructor.name.toLowerCase();
  }
  protected envName(): string {
    return '';
  }


  /** Calls hooks.onCheckpoint with a fresh snapshot; unsupported algorithms are skipped silently. */
  private async checkpoint(hooks: TrainHooks, final: boolean): Promise<void> {
    if (!hooks.onCheckpoint) return;
    const snapshot = await this.snapshot();
    if (snapshot) await hooks.onCheckpoint(snapshot, final);
  }

  /** Hands the trained policy to the caller before dispose() frees it. */
  private async finish(hooks: TrainHooks): Promise<void> {
    const policy = hooks.onTrained ? this.trainedPolicy() : undefined;
    if (policy) await hooks.onTrained!(policy);
  }

  protected recordEpisode(episode: EpisodeInfo): void {
    this.rolloutEpisodes.push(episode);
    this.progress.recordReturn(episode.return);
  }

  meanRecentReturn(): number | undefined {
    return this.progress.meanRecentReturn();
  }

  /** One rollout and one update (public so tests can step training and watch memory). */
  iteration(progressRemaining: number): Record<string, number> {
    this.rolloutEpisodes = [];
    this.collectRollouts();
    return this.train(progressRemaining);
  }

  async learn(hooks: TrainHooks): Promise<TrainResult> {
    this.progress.start();
    const result = (status: TrainResult['status'], error?: string): TrainResult => this.progress.result(status, this.globalStep, this.meanRecentReturn(), error);
    // Periodic checkpoints at the first update boundary at or after each multiple of the
    // frequency (in env steps); 0 or unset: only the final one.
    const every = hooks.checkpointFreq ?? 0;
    let nextCheckpoint = nextCheckpointStep(this.globalStep, every);
    try {
      while (this.globalStep < this.totalTimesteps) {
        if (hooks.shouldStop?.()) {
          await this.checkpoint(hooks, true);
          await this.finish(hooks);
          return result('stopped');
        }
        // CleanRL's annealing: 1 at the first update, towards 0 at the last.
        const progressRemaining = 1 - this.globalStep / this.totalTimesteps;
        const metrics = this.iteration(progressRemaining);
        const bad = Object.entries(metrics).find(([k, v]) => k.startsWith('losses/') && !Number.isFinite(v));
        if (bad) {
          return result('failed', `${bad[0]} became ${bad[1]} at global step ${this.globalStep}; training stopped (try a lower learning_rate or max_grad_norm)`);
        }
        hooks.onMetrics(this.row(metrics));
        if (hooks.onNormalization) {
          const stats = this.normalizationState();
          if (stats) hooks.onNormalization(stats);
        }
        hooks.onProgress?.(this.globalStep, this.totalTimesteps, this.meanRecentReturn());
        if (this.globalStep >= nextCheckpoint && this.globalStep < this.totalTimesteps) {
          await this.checkpoint(hooks, false);
          nextCheckpoint = (Math.floor(this.globalStep / every) + 1) * every;
        }
        // Let the host process its messages (a stop request, IPC) between updates.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await this.checkpoint(hooks, true);
      await this.finish(hooks);
      return result('completed');
    } catch (err) {
      return result('failed', err instanceof Error ? err.message : String(err));
    } finally {
      this.dispose();
    }
  }


  private row(metrics: Record<string, number>): MetricRow {
    const row: MetricRow = { step: this.globalStep, time: Date.now() };
    for (const [k, v] of Object.entries(metrics)) if (Number.isFinite(v)) row[k] = v;
    row['charts/SPS'] = this.progress.sps(this.globalStep);
    const eps = this.rolloutEpisodes;
    if (eps.length) {
      // Mean of the episodes that ended in this rollout (CleanRL logs each; one row per update keeps files small).
      row['charts/episodic_return'] = eps.reduce((a, e) => a + e.return, 0) / eps.length;
      row['charts/episodic_length'] = eps.reduce((a, e) => a + e.length, 0) / eps.length;
    }
    return row;
  }
}
