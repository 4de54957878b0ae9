/**
 * The replay buffer of off-policy algorithms (DQN; DDPG/TD3/SAC can reuse it): a circular
 * buffer of transitions (s, a, r, s', done) in typed arrays, sampled uniformly with
 * replacement (SB3's ReplayBuffer.sample; tfjs-examples snake-dqn's replay_memory.js).
 *
 * Termination vs truncation (SB3's handle_timeout_termination): `done` stores only
 * `terminated`. An episode cut by a time limit is not over in the MDP, so its target still
 * bootstraps from s' — which, with the vectorized env's same-step autoreset, is the episode's
 * last observation (`finalObs`), not the first observation of the next episode (`obs`).
 */
import type { VectorEnv } from '../envs/vecEnv';
import type { Rng } from '../rng';

/** One sampled minibatch, row-major; arrays are reused between samples. */
export interface ReplaySample {
  rows: number;
  obs: Float32Array;
  actions: Float32Array;
  rewards: Float32Array;
  nextObs: Float32Array;
  /** 1 where s' is terminal (no bootstrap), 0 otherwise (including time-limit truncation). */
  dones: Float32Array;
}

export class ReplayBuffer {
  readonly obs: Float32Array;
  readonly nextObs: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly dones: Uint8Array;
  /** Next slot to write. */
  private pos = 0;
  private full = false;

  constructor(
    readonly capacity: number,
    readonly obsDim: number,
    readonly actionDim: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`buffer_size must be a positive whole number, got ${capacity}`);
    this.obs = new Float32Array(capacity * obsDim);
    this.nextObs = new Float32Array(capacity * obsDim);
    this.actions = new Float32Array(capacity * actionDim);
    this.rewards = new Float32Array(capacity);
    this.dones = new Uint8Array(capacity);
  }

  /** Transitions stored (at most capacity). */
  get size(): number {
    return this.full ? this.capacity : this.pos;
  }

  /** Stores one transition; the oldest is overwritten once the buffer is full. */
  add(obs: ArrayLike<number>, action: ArrayLike<number>, reward: number, nextObs: ArrayLike<number>, terminated: boolean): void {
    const i = this.pos;
    this.obs.set(obs, i * this.obsDim);
    this.nextObs.set(nextObs, i * this.obsDim);
    this.actions.set(action, i * this.actionDim);
    this.rewards[i] = reward;
    this.dones[i] = terminated ? 1 : 0;
    this.advance();
  }

  /**
   * Stores the transitions of one vectorized step: `prevObs` are the observations the actions
   * were chosen from; s' is `finalObs` for copies whose episode just ended, else `obs`.
   */
  addVecStep(prevObs: Float32Array, actions: Float32Array, env: VectorEnv): void {
    const { obsDim, actionDim } = this;
    for (let e = 0; e < env.numEnvs; e++) {
      const i = this.pos;
      const ended = env.terminated[e] || env.truncated[e];
      const next = ended ? env.finalObs : env.obs;
      this.obs.set(prevObs.subarray(e * obsDim, (e + 1) * obsDim), i * obsDim);
      this.nextObs.set(next.subarray(e * obsDim, (e + 1) * obsDim), i * obsDim);
      this.actions.set(actions.subarray(e * actionDim, (e + 1) * actionDim), i * actionDim);
      this.rewards[i] = env.rewards[e];
      this.dones[i] = env.terminated[e];
      this.advance();
    }
  }

  /** A minibatch sampled uniformly with replacement from the stored transitions. */
  sample(batchSize: number, rng: Rng, out: ReplaySample = emptySample(batchSize, this.obsDim, this.actionDim)): ReplaySample {
    const n = this.size;
    if (n === 0) throw new Error('cannot sample from an empty replay buffer');
    const { obsDim, actionDim } = this;
    // Element loops, not set(subarray()): rows are a few floats, and a subarray is an allocation.
    for (let j = 0; j < batchSize; j++) {
      const k = rng.int(n);
      for (let i = 0, src = k * obsDim, dst = j * obsDim; i < obsDim; i++) {
        out.obs[dst + i] = this.obs[src + i];
        out.nextObs[dst + i] = this.nextObs[src + i];
      }
      for (let i = 0, src = k * actionDim, dst = j * actionDim; i < actionDim; i++) out.actions[dst + i] = this.actions[src + i];
      out.rewards[j] = this.rewards[k];
      out.dones[j] = this.dones[k];
    }
    out.rows = batchSize;
    return out;
  }

  private advance(): void {
    this.pos += 1;
    if (this.pos === this.capacity) {
      this.pos = 0;
      this.full = true;
    }
  }
}

export function emptySample(rows: number, obsDim: number, actionDim: number): ReplaySample {
  return {
    rows,
    obs: new Float32Array(rows * obsDim),
    actions: new Float32Array(rows * actionDim),
    rewards: new Float32Array(rows),
    nextObs: new Float32Array(rows * obsDim),
    dones: new Float32Array(rows),
  };
}
