/**
 * MountainCar-v0, ported from Gymnasium 1.x (gymnasium/envs/classic_control/mountain_car.py):
 *   velocity += (action - 1) * force + cos(3 * position) * (-gravity), clipped to +-0.07;
 *   position += velocity, clipped to [-1.2, 0.6]; at the left wall a leftward velocity is set
 *   to 0 (inelastic collision). Reward -1 every step; terminated at position >= 0.5 with
 *   velocity >= 0 (goal_velocity = 0). The state is float64 throughout; the observation float32.
 * The clip order (velocity first, then position, then the wall check) is Gymnasium's.
 */
import type { Rng } from '../rng';
import type { EnvDynamics } from './dynamics';
import type { RenderStateSource } from './renderState';

export const MOUNTAIN_CAR_MIN_POSITION = -1.2;
export const MOUNTAIN_CAR_MAX_POSITION = 0.6;
export const MOUNTAIN_CAR_MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const GOAL_VELOCITY = 0;
const FORCE = 0.001;
const GRAVITY = 0.0025;

/** np.clip on a scalar: min(max(x, low), high). */
function clip(x: number, low: number, high: number): number {
  return Math.min(Math.max(x, low), high);
}

function isTerminal(state: Float64Array, o: number): boolean {
  return state[o] >= GOAL_POSITION && state[o + 1] >= GOAL_VELOCITY;
}

export const mountainCar: EnvDynamics & RenderStateSource = {
  stateDim: 2,
  obsDim: 2,

  reset(state, o, rng: Rng) {
    // np.array([np_random.uniform(low=-0.6, high=-0.4), 0])
    state[o] = rng.uniform(-0.6, -0.4);
    state[o + 1] = 0;
  },

  step(state, o, actions, a) {
    const action = actions[a];
    if (action !== 0 && action !== 1 && action !== 2) {
      throw new Error(`MountainCar-v0: action ${action} is not 0, 1 or 2`);
    }
    let position = state[o];
    let velocity = state[o + 1];
    velocity += (action - 1) * FORCE + Math.cos(3 * position) * -GRAVITY;
    velocity = clip(velocity, -MOUNTAIN_CAR_MAX_SPEED, MOUNTAIN_CAR_MAX_SPEED);
    position += velocity;
    position = clip(position, MOUNTAIN_CAR_MIN_POSITION, MOUNTAIN_CAR_MAX_POSITION);
    if (position === MOUNTAIN_CAR_MIN_POSITION && velocity < 0) velocity = 0;
    state[o] = position;
    state[o + 1] = velocity;
    return -1.0;
  },

  terminated: isTerminal,

  observe(state, o, obs, out) {
    obs[out] = state[o]; // Float32Array rounds like np.array(self.state, dtype=np.float32)
    obs[out + 1] = state[o + 1];
  },

  renderState(state, o, actions, a) {
    // After a reset no action was applied yet: 1 is "don't accelerate".
    return [state[o], state[o + 1], actions ? actions[a] : 1];
  },
};
