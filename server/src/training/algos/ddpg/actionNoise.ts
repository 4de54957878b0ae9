/**
 * Exploration noise for the deterministic policies of DDPG and TD3, as SB3's
 * common/noise.py (and RL Baselines3 Zoo's `noise_type` / `noise_std` / `noise_std_final`):
 * added to the actor's action in the normalized space [-1, 1], then clipped to it.
 *
 * - normal: eps ~ N(0, sigma^2), independent every step (Fujimoto et al. 2018 use sigma 0.1).
 * - ornstein-uhlenbeck: temporally correlated noise (Lillicrap et al. 2016),
 *     x <- x + theta * (mu - x) * dt + sigma * sqrt(dt) * N(0, 1),   theta 0.15, dt 0.01, mu 0
 *   kept per environment copy and reset to 0 when that copy's episode ends.
 */
import type { Rng } from '../../rng';

export type NoiseType = 'normal' | 'ornstein-uhlenbeck';

/** SB3's OrnsteinUhlenbeckActionNoise defaults. */
const OU_THETA = 0.15;
const OU_DT = 1e-2;

export class ActionNoise {
  /** OU state per env copy and action dimension. */
  readonly state: Float64Array;

  constructor(
    readonly type: NoiseType,
    private readonly numEnvs: number,
    private readonly actDim: number,
    private readonly rng: Rng,
  ) {
    this.state = new Float64Array(numEnvs * actDim);
  }

  /** Adds noise with standard deviation `sigma` to `actions` ([numEnvs x actDim], in [-1, 1]) and clips to [-1, 1]. */
  apply(actions: Float32Array, sigma: number): void {
    for (let i = 0; i < this.numEnvs * this.actDim; i++) {
      let n: number;
      if (this.type === 'normal') n = sigma * this.rng.normal();
      else {
        const x = this.state[i];
        n = x + OU_THETA * (0 - x) * OU_DT + sigma * Math.sqrt(OU_DT) * this.rng.normal();
        this.state[i] = n;
      }
      actions[i] = Math.min(1, Math.max(-1, actions[i] + n));
    }
  }

  /** An episode of env copy `e` ended (SB3 resets the noise process on done). */
  reset(e: number): void {
    this.state.fill(0, e * this.actDim, (e + 1) * this.actDim);
  }
}
