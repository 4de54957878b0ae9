/**
 * n copies of one environment stepped together, with the state of all copies in one
 * Float64Array. Wraps Gymnasium's TimeLimit (truncation after maxEpisodeSteps).
 *
 * Autoreset (same-step, as SB3's DummyVecEnv; Gymnasium >= 1.0 calls it "same-step" mode):
 * when a copy's episode ends during step(), that copy is reset inside the same step().
 * After the step, for that copy:
 *   - `rewards`, `terminated` and `truncated` describe the transition that ended the episode;
 *   - `obs` already holds the FIRST observation of its next episode (so the next step()
 *     acts in the new episode; no step is spent on a reset);
 *   - `finalObs` holds the LAST observation of the episode that ended, which the learner
 *     needs to bootstrap V(s_final) when the episode was truncated (by the time limit or by
 *     the env itself) rather than terminated (rows of copies whose episode did not end hold
 *     stale data);
 *   - `finished` lists the ended episode's undiscounted return and length.
 * Both flags can be set at once (a terminal state reached on the last allowed step); the
 * learner then treats it as terminated (no bootstrap).
 */
import { Rng } from '../rng';
import type { EnvDynamics } from './dynamics';

export interface EpisodeInfo {
  /** Undiscounted sum of rewards. */
  return: number;
  length: number;
}

/**
 * What an algorithm steps: a VecEnv or a wrapper around one (VecNormalize), with the
 * autoreset contract described above.
 */
export interface VectorEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly finalObs: Float32Array;
  readonly finished: EpisodeInfo[];
  reset(): Float32Array;
  step(actions: Float32Array, actionDim: number): void;
}

export class VecEnv implements VectorEnv {
  readonly obsDim: number;
  /** Current observations, numEnvs x obsDim, row-major. */
  readonly obs: Float32Array;
  /** Per step: reward of each copy. */
  readonly rewards: Float64Array;
  /** Per step: 1 where the MDP reached a terminal state. */
  readonly terminated: Uint8Array;
  /** Per step: 1 where the time limit cut the episode (possibly together with terminated). */
  readonly truncated: Uint8Array;
  /** Per step: last observation of each episode that just ended (rows of other copies are stale). */
  readonly finalObs: Float32Array;
  /** Episodes that ended during the last step(). */
  readonly finished: EpisodeInfo[] = [];

  private readonly state: Float64Array;
  private readonly episodeReturn: Float64Array;
  private readonly episodeLength: Int32Array;
  /** Draws every reset's initial state; public so a checkpoint can save and restore it. */
  readonly rng: Rng;

  constructor(
    readonly dynamics: EnvDynamics,
    readonly numEnvs: number,
    readonly maxEpisodeSteps: number,
    seed: number,
  ) {
    this.obsDim = dynamics.obsDim;
    this.obs = new Float32Array(numEnvs * this.obsDim);
    this.finalObs = new Float32Array(numEnvs * this.obsDim);
    this.rewards = new Float64Array(numEnvs);
    this.terminated = new Uint8Array(numEnvs);
    this.truncated = new Uint8Array(numEnvs);
    this.state = new Float64Array(numEnvs * dynamics.stateDim);
    this.episodeReturn = new Float64Array(numEnvs);
    this.episodeLength = new Int32Array(numEnvs);
    this.rng = Rng.stream(seed, 'env-reset');
  }

  reset(): Float32Array {
    for (let i = 0; i < this.numEnvs; i++) this.resetOne(i);
    return this.obs;
  }

  /** Steps every copy with its action (actions: numEnvs x actionDim; discrete: the index). */
  step(actions: Float32Array, actionDim: number): void {
    const { dynamics, state, obs, obsDim } = this;
    const sd = dynamics.stateDim;
    this.finished.length = 0;
    for (let i = 0; i < this.numEnvs; i++) {
      const reward = dynamics.step(state, i * sd, actions, i * actionDim);
      const terminated = dynamics.terminated(state, i * sd);
      this.episodeReturn[i] += reward;
      this.episodeLength[i] += 1;
      // The env's own truncation (a custom environment may report one) or the time limit.
      const truncated = this.episodeLength[i] >= this.maxEpisodeSteps || (dynamics.truncated?.(state, i * sd) ?? false);
      this.rewards[i] = reward;
      this.terminated[i] = terminated ? 1 : 0;
      this.truncated[i] = truncated ? 1 : 0;
      dynamics.observe(state, i * sd, obs, i * obsDim);
      if (terminated || truncated) {
        this.finalObs.set(obs.subarray(i * obsDim, (i + 1) * obsDim), i * obsDim);
        this.finished.push({ return: this.episodeReturn[i], length: this.episodeLength[i] });
        this.resetOne(i);
      }
    }
  }

  private resetOne(i: number): void {
    const sd = this.dynamics.stateDim;
    this.dynamics.reset(this.state, i * sd, this.rng);
    this.dynamics.observe(this.state, i * sd, this.obs, i * this.obsDim);
    this.episodeReturn[i] = 0;
    this.episodeLength[i] = 0;
  }
}

/**
 * One environment with Gymnasium's step() signature and a settable state, for replaying
 * reference trajectories and for interactive use.
 */
export class SingleEnv {
  private readonly state: Float64Array;
  private readonly actionBuf: Float32Array;
  private elapsed = 0;

  constructor(
    readonly dynamics: EnvDynamics,
    readonly maxEpisodeSteps: number,
    actionDim = 1,
  ) {
    this.state = new Float64Array(dynamics.stateDim);
    this.actionBuf = new Float32Array(actionDim);
  }

  reset(rng: Rng): Float32Array {
    this.dynamics.reset(this.state, 0, rng);
    this.elapsed = 0;
    return this.observation();
  }

  /** Sets the internal state (as `env.unwrapped.state = s`) and returns its observation. */
  setState(values: ArrayLike<number>): Float32Array {
    if (values.length !== this.dynamics.stateDim) {
      throw new Error(`state has ${values.length} values, expected ${this.dynamics.stateDim}`);
    }
    this.state.set(values);
    return this.observation();
  }

  getState(): number[] {
    return Array.from(this.state);
  }

  step(action: number | ArrayLike<number>): { obs: Float32Array; reward: number; terminated: boolean; truncated: boolean } {
    if (typeof action === 'number') this.actionBuf[0] = action;
    else this.actionBuf.set(action);
    const reward = this.dynamics.step(this.state, 0, this.actionBuf, 0);
    this.elapsed += 1;
    return {
      obs: this.observation(),
      reward,
      terminated: this.dynamics.terminated(this.state, 0),
      truncated: this.elapsed >= this.maxEpisodeSteps || (this.dynamics.truncated?.(this.state, 0) ?? false),
    };
  }

  private observation(): Float32Array {
    const obs = new Float32Array(this.dynamics.obsDim);
    this.dynamics.observe(this.state, 0, obs, 0);
    return obs;
  }
}
