/**
 * Observation and reward normalization around a vectorized env, as Stable-Baselines3's
 * VecNormalize (stable_baselines3/common/vec_env/vec_normalize.py):
 *
 *   obs'    = clip((obs - mean_obs) / sqrt(var_obs + epsilon), -clip_obs, clip_obs)
 *   ret     = ret * gamma + reward            (per env; reset to 0 when its episode ends)
 *   reward' = clip(reward / sqrt(var_ret + epsilon), -clip_reward, clip_reward)
 *
 * Rewards are scaled by the standard deviation of the discounted return, not of the reward
 * itself, and are not centred. The running statistics (Chan's parallel update, see
 * runningMeanStd.ts) grow only while `training` is true; evaluation freezes them.
 * The observation statistics see every observation the policy sees (after reset and after
 * each step, i.e. the first observation of a new episode, not the final one of the old).
 *
 * Episode returns in `finished` stay the raw, unnormalized ones (SB3's Monitor sits below
 * VecNormalize), so `charts/episodic_return` is comparable with and without normalization.
 */
import type { NormalizeConfig } from '../../schema';
import { RunningMeanStd, type RunningMeanStdState } from './runningMeanStd';
import type { EpisodeInfo, VectorEnv } from './vecEnv';

/** What normalization.json in a run folder holds: enough to normalize exactly as training did. */
export interface VecNormalizeState {
  /** File format version. */
  version: 1;
  config: NormalizeConfig;
  obsRms: RunningMeanStdState;
  retRms: RunningMeanStdState;
}

/** SB3's VecNormalize defaults (RL Zoo sets gamma to the algorithm's). */
export const NORMALIZE_DEFAULTS: NormalizeConfig = {
  norm_obs: true,
  norm_reward: true,
  clip_obs: 10,
  clip_reward: 10,
  gamma: 0.99,
  epsilon: 1e-8,
};

/** Frozen or live normalization statistics, with no env attached (evaluation uses this). */
export class Normalizer {
  /** Statistics change only while training. */
  training = true;

  constructor(
    readonly config: NormalizeConfig,
    readonly obsRms: RunningMeanStd,
    readonly retRms: RunningMeanStd = new RunningMeanStd(1),
  ) {}

  /** Normalizes rows of observations in place (no-op unless norm_obs). */
  normalizeObs(obs: Float32Array, rows = obs.length / this.obsRms.dim): Float32Array {
    if (!this.config.norm_obs) return obs;
    const { mean } = this.obsRms;
    const dim = this.obsRms.dim;
    const { clip_obs: clip, epsilon } = this.config;
    for (let r = 0; r < rows; r++) {
      for (let d = 0; d < dim; d++) {
        const k = r * dim + d;
        const z = (obs[k] - mean[d]) / Math.sqrt(this.obsRms.var[d] + epsilon);
        obs[k] = Math.min(Math.max(z, -clip), clip);
      }
    }
    return obs;
  }

  normalizeReward(reward: number): number {
    if (!this.config.norm_reward) return reward;
    const { clip_reward: clip, epsilon } = this.config;
    return Math.min(Math.max(reward / Math.sqrt(this.retRms.var[0] + epsilon), -clip), clip);
  }

  toJSON(): VecNormalizeState {
    return { version: 1, config: { ...this.config }, obsRms: this.obsRms.toJSON(), retRms: this.retRms.toJSON() };
  }

  /** Frozen statistics (training = false), as evaluation needs them. */
  static fromJSON(state: VecNormalizeState): Normalizer {
    const n = new Normalizer({ ...state.config }, RunningMeanStd.fromJSON(state.obsRms), RunningMeanStd.fromJSON(state.retRms));
    n.training = false;
    return n;
  }
}

/** Raw observation -> what the policy saw, with the statistics frozen as they are now (evaluation). */
export function frozenObsTransform(state: VecNormalizeState): (obs: Float32Array) => Float32Array {
  const normalizer = Normalizer.fromJSON(state);
  return (obs) => normalizer.normalizeObs(Float32Array.from(obs));
}

export class VecNormalize implements VectorEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  /** Normalized observations (what the policy sees). */
  readonly obs: Float32Array;
  /** Normalized rewards (what GAE sees). */
  readonly rewards: Float64Array;
  /** Normalized final observations (for bootstrapping a truncated episode). */
  readonly finalObs: Float32Array;
  readonly normalizer: Normalizer;
  /** Discounted return of each env so far, the series whose variance scales rewards. */
  private readonly returns: Float64Array;

  constructor(
    readonly venv: VectorEnv,
    config: NormalizeConfig,
  ) {
    this.numEnvs = venv.numEnvs;
    this.obsDim = venv.obsDim;
    this.obs = new Float32Array(venv.obs.length);
    this.rewards = new Float64Array(venv.numEnvs);
    this.finalObs = new Float32Array(venv.finalObs.length);
    this.returns = new Float64Array(venv.numEnvs);
    this.normalizer = new Normalizer(config, new RunningMeanStd(venv.obsDim));
  }

  get terminated(): Uint8Array {
    return this.venv.terminated;
  }
  get truncated(): Uint8Array {
    return this.venv.truncated;
  }
  /** Raw (unnormalized) returns of the episodes that ended in the last step. */
  get finished(): EpisodeInfo[] {
    return this.venv.finished;
  }
  /** The raw observations of the last step, before normalization (SB3's get_original_obs). */
  get originalObs(): Float32Array {
    return this.venv.obs;
  }

  get training(): boolean {
    return this.normalizer.training;
  }
  set training(on: boolean) {
    this.normalizer.training = on;
  }

  reset(): Float32Array {
    const raw = this.venv.reset();
    this.returns.fill(0);
    if (this.training && this.normalizer.config.norm_obs) this.normalizer.obsRms.update(raw, this.numEnvs);
    this.obs.set(raw);
    this.normalizer.normalizeObs(this.obs, this.numEnvs);
    return this.obs;
  }

  step(actions: Float32Array, actionDim: number): void {
    const { venv, normalizer, numEnvs, obsDim } = this;
    venv.step(actions, actionDim);
    if (this.training && normalizer.config.norm_obs) normalizer.obsRms.update(venv.obs, numEnvs);
    this.obs.set(venv.obs);
    normalizer.normalizeObs(this.obs, numEnvs);

    if (this.training) {
      for (let i = 0; i < numEnvs; i++) this.returns[i] = this.returns[i] * normalizer.config.gamma + venv.rewards[i];
      normalizer.retRms.update(this.returns, numEnvs);
    }
    for (let i = 0; i < numEnvs; i++) {
      this.rewards[i] = normalizer.normalizeReward(venv.rewards[i]);
      if (venv.terminated[i] || venv.truncated[i]) {
        const row = venv.finalObs.subarray(i * obsDim, (i + 1) * obsDim);
        const out = this.finalObs.subarray(i * obsDim, (i + 1) * obsDim);
        out.set(row);
        normalizer.normalizeObs(out, 1);
        this.returns[i] = 0;
      }
    }
  }

  toJSON(): VecNormalizeState {
    return this.normalizer.toJSON();
  }

  /**
   * Restores statistics saved with toJSON (a checkpoint) and normalizes the current first
   * observations again with them (the envs keep the fresh episodes they were reset to).
   */
  restore(saved: VecNormalizeState): void {
    this.restoreStats(saved);
    this.obs.set(this.originalObs);
    this.normalizer.normalizeObs(this.obs, this.numEnvs);
  }

  /** Only the running statistics of a checkpoint; the current observations stay as they are. */
  restoreStats(saved: VecNormalizeState): void {
    const { obsRms, retRms } = this.normalizer;
    obsRms.mean.set(saved.obsRms.mean);
    obsRms.var.set(saved.obsRms.var);
    obsRms.count = saved.obsRms.count;
    retRms.mean.set(saved.retRms.mean);
    retRms.var.set(saved.retRms.var);
    retRms.count = saved.retRms.count;
  }
}
