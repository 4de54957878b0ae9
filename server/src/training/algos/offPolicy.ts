/**
 * The loop every off-policy algorithm shares (SB3's OffPolicyAlgorithm.learn): step the
 * vectorized env train_freq times with the behaviour policy (uniformly random actions until
 * learning_starts), store each transition in the replay buffer, then — once past
 * learning_starts — take gradient_steps updates on minibatches sampled from it. DQN fills in
 * how actions are chosen and how a batch of updates is made; DDPG/TD3/SAC can do the same.
 *
 * Logging: an iteration may be only a few env steps (DQN's default train_freq is 4), so
 * metrics are averaged over iterations and one row is emitted per LOG_INTERVAL env steps
 * (and at the end), which also paces progress reports, stop polling and yielding to the host.
 */
import type { EpisodeInfo, VectorEnv } from '../envs/vecEnv';
import type { VecNormalizeState } from '../envs/vecNormalize';
import type { MetricRow, TrainedPolicy, TrainHooks, TrainResult } from '../types';
import { CHECKPOINT_VERSION, type AlgoCheckpoint, type Checkpointable, type PolicyNetwork } from './checkpoint';
import { nextCheckpointStep, TrainingProgress } from './progress';
import { ReplayBuffer } from './replayBuffer';

/** Env steps between metric rows (CleanRL's dqn.py writes losses every 100 steps; rows are batched here). */
export const LOG_INTERVAL = 1000;

export interface OffPolicyOptions {
  totalTimesteps: number;
  env: VectorEnv;
  /** Width of one stored action (1 for a discrete index). */
  actionDim: number;
  bufferSize: number;
  learningStarts: number;
  /** Vectorized env steps between training phases (episodes with trainFreqUnit 'episode'). */
  trainFreq: number;
  /**
   * SB3's train_freq unit: 'step' (the default) counts vectorized env steps; 'episode' collects
   * until trainFreq episodes (over all env copies) have ended, as Zoo's `train_freq: [1, "episode"]`.
   */
  trainFreqUnit?: 'step' | 'episode';
  /** Gradient steps per phase; -1 = one per transition collected (train_freq x n_envs). */
  gradientSteps: number;
}

export abstract class OffPolicyAlgorithm implements Checkpointable {
  protected globalStep = 0;
  protected readonly env: VectorEnv;
  protected readonly buffer: ReplayBuffer;
  protected readonly totalTimesteps: number;
  private readonly learningStarts: number;
  private readonly trainFreq: number;
  private readonly trainFreqUnit: 'step' | 'episode';
  private readonly gradientSteps: number;
  private readonly actionDim: number;
  /** Scratch: observations the actions were chosen from, and the actions. */
  private readonly prevObs: Float32Array;
  private readonly actions: Float32Array;
  protected readonly progress = new TrainingProgress();
  /** Since the last metric row: episodes ended, and sums/counts of the update metrics. */
  private pendingEpisodes: EpisodeInfo[] = [];
  private pendingSums: Record<string, number> = {};
  private pendingCounts: Record<string, number> = {};

  constructor(opts: OffPolicyOptions) {
    this.totalTimesteps = opts.totalTimesteps;
    this.env = opts.env;
    this.actionDim = opts.actionDim;
    this.learningStarts = opts.learningStarts;
    this.trainFreq = opts.trainFreq;
    this.trainFreqUnit = opts.trainFreqUnit ?? 'step';
    this.gradientSteps = opts.gradientSteps;
    this.buffer = new ReplayBuffer(opts.bufferSize, this.env.obsDim, opts.actionDim);
    this.prevObs = new Float32Array(this.env.numEnvs * this.env.obsDim);
    this.actions = new Float32Array(this.env.numEnvs * opts.actionDim);
  }

  /** Behaviour-policy actions (exploring) for the current observations, written into `out`. */
  protected abstract selectActions(obs: Float32Array, out: Float32Array, progressRemaining: number): void;

  /** Uniformly random actions for every env copy (the warm-up before learning_starts). */
  protected abstract randomActions(out: Float32Array): void;

  /** `gradientSteps` updates on replay minibatches; returns the phase's metrics (namespaced, averaged). */
  protected abstract train(gradientSteps: number, progressRemaining: number): Record<string, number>;

  /** After every vectorized env step (target-network updates, schedules). */
  protected onStep(): void {}

  /**
   * Before each vectorized step of a collection phase, `collected` steps into it (0: the phase
   * starts); SAC's gSDE resamples its exploration matrices here (SB3 collect_rollouts).
   */
  protected beforeCollectStep(_collected: number): void {}

  /** Values logged with every row at its step (epsilon, learning rate). */
  protected scheduleMetrics(_progressRemaining: number): Record<string, number> {
    return {};
  }

  abstract dispose(): void;

  trainedPolicy(): TrainedPolicy | undefined {
    return undefined;
  }

  normalizationState(): VecNormalizeState | undefined {
    return undefined;
  }

  /**
   * The algorithm's own checkpoint state (algos/checkpoint.ts): networks, optimizer, random
   * streams, counters. The replay buffer is not saved (SB3 saves it only on request, in a
   * separate file): a resumed run refills it, which is what SB3 does without that file.
   */
  protected saveAlgoState(): Promise<{ state: Record<string, unknown>; policy?: PolicyNetwork } | undefined> {
    return Promise.resolve(undefined);
  }

  protected loadAlgoState(_checkpoint: AlgoCheckpoint): Promise<void> {
    return Promise.reject(new Error(`${this.constructor.name} cannot resume from a checkpoint`));
  }

  /** Names recorded in checkpoints (a checkpoint is refused by a different algorithm or env). */
  protected abstract algoName(): string;
  protected abstract envName(): string;

  async saveCheckpoint(): Promise<AlgoCheckpoint> {
    const snapshot = await this.snapshot();
    if (!snapshot) throw new Error(`${this.constructor.name} does not support checkpoints`);
    return snapshot;
  }

  async loadCheckpoint(checkpoint: AlgoCheckpoint): Promise<void> {
    await this.loadAlgoState(checkpoint);
    this.globalStep = checkpoint.globalStep;
    this.progress.restore(checkpoint);
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

  /** Calls hooks.onCheckpoint with a fresh snapshot; skipped when the algorithm has none. */
  private async checkpoint(hooks: TrainHooks, final: boolean): Promise<void> {
    if (!hooks.onCheckpoint) return;
    const snapshot = await this.snapshot();
    if (snapshot) await hooks.onCheckpoint(snapshot, final);
  }


  meanRecentReturn(): number | undefined {
    return this.progress.meanRecentReturn();
  }

  /** 1 at the start of training, towards 0 at n_timesteps (SB3's progress_remaining). */
  protected progressRemaining(): number {
    return 1 - this.globalStep / this.totalTimesteps;
  }

  /**
   * train_freq vectorized steps of collection, then a training phase once past learning_starts
   * (public so tests can step training and watch memory). Returns the phase's metrics, or {}.
   */
  iteration(): Record<string, number> {
    const { env, buffer } = this;
    const byEpisode = this.trainFreqUnit === 'episode';
    let collected = 0; // vectorized steps this phase
    let episodes = 0; // episodes ended this phase
    while ((byEpisode ? episodes : collected) < this.trainFreq && this.globalStep < this.totalTimesteps) {
      this.prevObs.set(env.obs);
      this.beforeCollectStep(collected);
      if (this.globalStep < this.learningStarts) this.randomActions(this.actions);
      else this.selectActions(env.obs, this.actions, this.progressRemaining());
      env.step(this.actions, this.actionDim);
      this.globalStep += env.numEnvs;
      collected++;
      buffer.addVecStep(this.prevObs, this.actions, env);
      for (const episode of env.finished) this.recordEpisode(episode);
      episodes += env.finished.length;
      this.onStep();
    }
    // SB3: train after each rollout once num_timesteps > learning_starts.
    if (this.globalStep <= this.learningStarts || buffer.size === 0) return {};
    // -1: one gradient step per transition collected (SB3's rollout.episode_timesteps).
    const steps = this.gradientSteps >= 0 ? this.gradientSteps : collected * env.numEnvs;
    if (steps === 0) return {};
    return this.train(steps, this.progressRemaining());
  }

  async learn(hooks: TrainHooks): Promise<TrainResult> {
    this.progress.start();
    const result = (status: TrainResult['status'], error?: string): TrainResult => this.progress.result(status, this.globalStep, this.meanRecentReturn(), error);
    // Periodic checkpoints at the first row at or after each multiple of checkpointFreq env steps.
    const every = hooks.checkpointFreq ?? 0;
    let nextCheckpoint = nextCheckpointStep(this.globalStep, every);
    try {
      let lastRow = this.globalStep;
      while (this.globalStep < this.totalTimesteps) {
        if (hooks.shouldStop?.()) {
          await this.checkpoint(hooks, true);
          await this.finish(hooks);
          return result('stopped');
        }
        const metrics = this.iteration();
        const bad = Object.entries(metrics).find(([k, v]) => k.startsWith('losses/') && !Number.isFinite(v));
        if (bad) {
          return result('failed', `${bad[0]} became ${bad[1]} at global step ${this.globalStep}; training stopped (try a lower learning_rate or max_grad_norm)`);
        }
        for (const [k, v] of Object.entries(metrics)) {
          this.pendingSums[k] = (this.pendingSums[k] ?? 0) + v;
          this.pendingCounts[k] = (this.pendingCounts[k] ?? 0) + 1;
        }
        if (this.globalStep - lastRow >= LOG_INTERVAL || this.globalStep >= this.totalTimesteps) {
          lastRow = this.globalStep;
          hooks.onMetrics(this.row());
          if (hooks.onNormalization) {
            const stats = this.normalizationState();
            if (stats) hooks.onNormalization(stats);
          }
          hooks.onProgress?.(this.globalStep, this.totalTimesteps, this.meanRecentReturn());
          if (this.globalStep >= nextCheckpoint && this.globalStep < this.totalTimesteps) {
            await this.checkpoint(hooks, false);
            nextCheckpoint = (Math.floor(this.globalStep / every) + 1) * every;
          }
          // Let the host process its messages (a stop request, IPC) between rows.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
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

  private recordEpisode(episode: EpisodeInfo): void {
    this.pendingEpisodes.push(episode);
    this.progress.recordReturn(episode.return);
  }

  /** Hands the trained policy to the caller before dispose() frees it. */
  private async finish(hooks: TrainHooks): Promise<void> {
    const policy = hooks.onTrained ? this.trainedPolicy() : undefined;
    if (policy) await hooks.onTrained!(policy);
  }


  private row(): MetricRow {
    const row: MetricRow = { step: this.globalStep, time: Date.now() };
    for (const [k, sum] of Object.entries(this.pendingSums)) {
      const v = sum / this.pendingCounts[k];
      if (Number.isFinite(v)) row[k] = v;
    }
    for (const [k, v] of Object.entries(this.scheduleMetrics(this.progressRemaining()))) row[k] = v;
    row['charts/SPS'] = this.progress.sps(this.globalStep);
    const eps = this.pendingEpisodes;
    if (eps.length) {
      row['charts/episodic_return'] = eps.reduce((a, e) => a + e.return, 0) / eps.length;
      row['charts/episodic_length'] = eps.reduce((a, e) => a + e.length, 0) / eps.length;
    }
    this.pendingEpisodes = [];
    this.pendingSums = {};
    this.pendingCounts = {};
    return row;
  }
}
