/**
 * MountainCarContinuous-v0, ported from Gymnasium 1.x
 * (gymnasium/envs/classic_control/continuous_mountain_car.py):
 *   force = min(max(action[0], -1), 1); velocity += force * 0.0015 - 0.0025 * cos(3 * position),
 *   clipped to +-0.07; position += velocity, clipped to [-1.2, 0.6]; a leftward velocity at the
 *   left wall becomes 0. Reward -0.1 * action^2 (the unclipped action) plus 100 on reaching
 *   position >= 0.45 with velocity >= 0, which terminates.
 *
 * Precision follows Gymnasium under NumPy 2 (NEP 50 promotion), which is what the reference
 * trajectories were recorded with: after a step the state is stored as a float32 array
 * (`np.array([position, velocity], dtype=np.float32)`), so the next step computes in float32
 * (np.float32 op Python float -> float32, the Python float rounded to float32 first; comparisons
 * too), while the first step from reset()'s float64 state computes in float64 (with the float32
 * action term `force * power`). A clipped force is the Python float +-1.0, so that term is then
 * float64. We tell a float32 state by its values being float32-representable; a float64 state
 * that happens to be representable (e.g. set to [-0.5, 0]) differs at most in the last float32 bit.
 */
import type { Rng } from '../rng';
import type { EnvDynamics } from './dynamics';
import type { RenderStateSource } from './renderState';

const MIN_ACTION = -1.0;
const MAX_ACTION = 1.0;
const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.45;
const GOAL_VELOCITY = 0;
const POWER = 0.0015;

const f32 = Math.fround;

/** How a value is typed in Gymnasium's step: np.float32, np.float64, or a plain Python number. */
type Kind = 'f32' | 'f64' | 'py';

/** `x OP c` for a Python float constant c: NumPy 2 compares an np.float32 with c rounded to float32. */
function k(kind: Kind, c: number): number {
  return kind === 'f32' ? f32(c) : c;
}

/** Gymnasium's step, returning [position, velocity, terminated] before the float32 store. */
function stepValues(p0: number, v0: number, action: number): [number, number, boolean] {
  const stateKind: Kind = f32(p0) === p0 && f32(v0) === v0 ? 'f32' : 'f64';
  // Python's min(max(a, -1.0), 1.0): a clipped force is the Python float, else np.float32.
  const forceClipped = action < MIN_ACTION || action > MAX_ACTION;
  const force = action < MIN_ACTION ? MIN_ACTION : action > MAX_ACTION ? MAX_ACTION : action;
  const threeP = stateKind === 'f32' ? f32(3 * p0) : 3 * p0;
  const gravityTerm = 0.0025 * Math.cos(threeP); // a Python float (math.cos)
  // force * self.power - 0.0025 * math.cos(3 * position)
  const inc = forceClipped ? force * POWER - gravityTerm : f32(f32(force * f32(POWER)) - f32(gravityTerm));
  // velocity += inc
  let velocity = stateKind === 'f32' ? f32(v0 + f32(inc)) : v0 + inc;
  let vKind: Kind = stateKind;
  if (velocity > k(vKind, MAX_SPEED)) {
    velocity = MAX_SPEED;
    vKind = 'py';
  }
  if (velocity < k(vKind, -MAX_SPEED)) {
    velocity = -MAX_SPEED;
    vKind = 'py';
  }
  // position += velocity
  let position = stateKind === 'f32' ? f32(p0 + f32(velocity)) : p0 + velocity;
  let pKind: Kind = stateKind;
  if (position > k(pKind, MAX_POSITION)) {
    position = MAX_POSITION;
    pKind = 'py';
  }
  if (position < k(pKind, MIN_POSITION)) {
    position = MIN_POSITION;
    pKind = 'py';
  }
  if (position === k(pKind, MIN_POSITION) && velocity < 0) {
    velocity = 0;
    vKind = 'py';
  }
  const terminated = position >= k(pKind, GOAL_POSITION) && velocity >= GOAL_VELOCITY;
  return [position, velocity, terminated];
}

/**
 * Termination of a stored (float32) state, compared as NumPy 2 compares np.float32 with a Python
 * float. Equals the flag computed inside the step except possibly for the first step from a
 * float64 state whose position lies within one float32 rounding of 0.45.
 */
function isTerminal(state: Float64Array, o: number): boolean {
  return state[o] >= f32(GOAL_POSITION) && state[o + 1] >= GOAL_VELOCITY;
}

export const mountainCarContinuous: EnvDynamics & RenderStateSource = {
  stateDim: 2,
  obsDim: 2,

  reset(state, o, rng: Rng) {
    // np.array([np_random.uniform(low=-0.6, high=-0.4), 0]): float64 until the first step
    state[o] = rng.uniform(-0.6, -0.4);
    state[o + 1] = 0;
  },

  step(state, o, actions, a) {
    const action = actions[a]; // float32, as the Box action space holds it
    const [position, velocity, terminated] = stepValues(state[o], state[o + 1], action);
    state[o] = f32(position);
    state[o + 1] = f32(velocity);
    // reward = 0; if terminated: reward = 100.0; reward -= math.pow(action[0], 2) * 0.1
    return (terminated ? 100.0 : 0) - action * action * 0.1;
  },

  terminated: isTerminal,

  observe(state, o, obs, out) {
    obs[out] = state[o];
    obs[out + 1] = state[o + 1];
  },

  renderState(state, o, actions, a) {
    return [state[o], state[o + 1], actions ? actions[a] : 0];
  },
};
