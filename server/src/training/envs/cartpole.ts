/**
 * CartPole-v1, ported line for line from Gymnasium 1.x
 * (gymnasium/envs/classic_control/cartpole.py): Euler integration, the default reward of
 * +1 on every step including the terminating one, termination at |x| > 2.4 or |theta| > 12 deg.
 */
import type { Rng } from '../rng';
import type { EnvDynamics } from './dynamics';
import type { RenderStateSource } from './renderState';

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02; // seconds between state updates
const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
const X_THRESHOLD = 2.4;

export const cartPole: EnvDynamics & RenderStateSource = {
  stateDim: 4,
  obsDim: 4,

  reset(state, o, rng: Rng) {
    for (let i = 0; i < 4; i++) state[o + i] = rng.uniform(-0.05, 0.05);
  },

  step(state, o, actions, a) {
    const x = state[o];
    const xDot = state[o + 1];
    const theta = state[o + 2];
    const thetaDot = state[o + 3];
    const force = actions[a] === 1 ? FORCE_MAG : -FORCE_MAG;
    const cosTheta = Math.cos(theta);
    const sinTheta = Math.sin(theta);
    // https://coneural.org/florian/papers/05_cart_pole.pdf (Gymnasium's source of the equations)
    const temp = (force + POLEMASS_LENGTH * thetaDot * thetaDot * sinTheta) / TOTAL_MASS;
    const thetaAcc =
      (GRAVITY * sinTheta - cosTheta * temp) /
      (LENGTH * (4.0 / 3.0 - (MASS_POLE * cosTheta * cosTheta) / TOTAL_MASS));
    const xAcc = temp - (POLEMASS_LENGTH * thetaAcc * cosTheta) / TOTAL_MASS;
    // kinematics_integrator = "euler"
    state[o] = x + TAU * xDot;
    state[o + 1] = xDot + TAU * xAcc;
    state[o + 2] = theta + TAU * thetaDot;
    state[o + 3] = thetaDot + TAU * thetaAcc;
    return 1.0;
  },

  terminated(state, o) {
    const x = state[o];
    const theta = state[o + 2];
    return x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
  },

  observe(state, o, obs, out) {
    for (let i = 0; i < 4; i++) obs[out + i] = state[o + i]; // Float32Array rounds like np.float32
  },

  renderState(state, o) {
    return [state[o], state[o + 1], state[o + 2], state[o + 3]]; // [x, x_dot, theta, theta_dot]
  },
};
