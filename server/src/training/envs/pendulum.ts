/**
 * Pendulum-v1, ported from Gymnasium 1.x (gymnasium/envs/classic_control/pendulum.py).
 * State [theta, theta_dot]; observation [cos theta, sin theta, theta_dot]; the torque is clipped
 * to [-2, 2]; the cost uses the angle normalized to [-pi, pi).
 */
import type { Rng } from '../rng';
import type { EnvDynamics } from './dynamics';
import type { RenderStateSource } from './renderState';

const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const G = 10.0;
const M = 1.0;
const L = 1.0;

/** Python's ((x + pi) % (2 pi)) - pi: `%` there is a floored modulo, unlike JS's. */
export function angleNormalize(x: number): number {
  const period = 2 * Math.PI;
  const shifted = x + Math.PI;
  return shifted - Math.floor(shifted / period) * period - Math.PI;
}

export const pendulum: EnvDynamics & RenderStateSource = {
  stateDim: 2,
  obsDim: 3,

  reset(state, o, rng: Rng) {
    state[o] = rng.uniform(-Math.PI, Math.PI);
    state[o + 1] = rng.uniform(-1, 1);
  },

  step(state, o, actions, a) {
    const th = state[o];
    const thDot = state[o + 1];
    const u = Math.min(Math.max(actions[a], -MAX_TORQUE), MAX_TORQUE);
    const thNorm = angleNormalize(th);
    const cost = thNorm * thNorm + 0.1 * thDot * thDot + 0.001 * (u * u);
    let newThDot = thDot + ((3 * G) / (2 * L) * Math.sin(th) + (3.0 / (M * L * L)) * u) * DT;
    newThDot = Math.min(Math.max(newThDot, -MAX_SPEED), MAX_SPEED);
    state[o] = th + newThDot * DT;
    state[o + 1] = newThDot;
    return -cost;
  },

  terminated() {
    return false; // Pendulum never terminates; only the 200-step time limit ends an episode
  },

  observe(state, o, obs, out) {
    const th = state[o];
    obs[out] = Math.cos(th);
    obs[out + 1] = Math.sin(th);
    obs[out + 2] = state[o + 1];
  },

  renderState(state, o, actions, a) {
    // [theta, theta_dot, torque]: the applied (clipped) torque, as Gymnasium's render draws last_u.
    const torque = actions ? Math.min(Math.max(actions[a], -MAX_TORQUE), MAX_TORQUE) : 0;
    return [state[o], state[o + 1], torque];
  },
};
