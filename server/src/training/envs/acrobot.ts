/**
 * Acrobot-v1, ported from Gymnasium 1.x (gymnasium/envs/classic_control/acrobot.py): two links
 * with a torque on the middle joint, the "book" dynamics (Sutton & Barto; the default
 * `book_or_nips = "book"`), one RK4 step of dt = 0.2 s (`rk4(self._dsdt, s_augmented, [0, dt])`),
 * angles wrapped into [-pi, pi], velocities bounded to 4 pi and 9 pi, no torque noise
 * (`torque_noise_max = 0`). Reward -1 per step, 0 on the terminating one; terminated when
 * -cos(theta1) - cos(theta2 + theta1) > 1. The state is float64 (np.append promotes the float32
 * reset state); the observation [cos t1, sin t1, cos t2, sin t2, dt1, dt2] is float32.
 * Expressions keep Gymnasium's operand order so the float64 results agree bit for bit
 * (up to the last-bit differences of Math.cos/sin against the C library's).
 */
import type { Rng } from '../rng';
import type { EnvDynamics } from './dynamics';
import type { RenderStateSource } from './renderState';

const DT = 0.2;
const LINK_LENGTH_1 = 1.0;
const LINK_MASS_1 = 1.0;
const LINK_MASS_2 = 1.0;
const LINK_COM_POS_1 = 0.5;
const LINK_COM_POS_2 = 0.5;
const LINK_MOI = 1.0;
const G = 9.8;
const PI = Math.PI;
export const ACROBOT_MAX_VEL_1 = 4 * PI;
export const ACROBOT_MAX_VEL_2 = 9 * PI;
const AVAIL_TORQUE = [-1.0, 0.0, 1];

/** Gymnasium's `_dsdt` ("book" branch): derivatives of [t1, t2, dt1, dt2, torque] into out. */
function dsdt(s: Float64Array, out: Float64Array): void {
  const m1 = LINK_MASS_1;
  const m2 = LINK_MASS_2;
  const l1 = LINK_LENGTH_1;
  const lc1 = LINK_COM_POS_1;
  const lc2 = LINK_COM_POS_2;
  const I1 = LINK_MOI;
  const I2 = LINK_MOI;
  const g = G;
  const a = s[4];
  const theta1 = s[0];
  const theta2 = s[1];
  const dtheta1 = s[2];
  const dtheta2 = s[3];
  const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * Math.cos(theta2)) + I1 + I2;
  const d2 = m2 * (lc2 ** 2 + l1 * lc2 * Math.cos(theta2)) + I2;
  const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - PI / 2.0);
  const phi1 =
    -m2 * l1 * lc2 * (dtheta2 * dtheta2) * Math.sin(theta2) -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - PI / 2) +
    phi2;
  // "book" dynamics: the line "consistent with the java implementation and the book"
  const ddtheta2 =
    (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * Math.sin(theta2) - phi2) /
    (m2 * lc2 ** 2 + I2 - (d2 * d2) / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  out[0] = dtheta1;
  out[1] = dtheta2;
  out[2] = ddtheta1;
  out[3] = ddtheta2;
  out[4] = 0.0;
}

/** Gymnasium's `wrap(x, m, M)`: shifts by whole periods until m <= x <= M. */
function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

/** Gymnasium's `bound(x, m, M)`: min(max(x, m), M). */
function bound(x: number, m: number, M: number): number {
  return Math.min(Math.max(x, m), M);
}

// Scratch buffers for one RK4 step (the env loop is synchronous, so sharing them is safe).
const y0 = new Float64Array(5);
const yt = new Float64Array(5);
const k1 = new Float64Array(5);
const k2 = new Float64Array(5);
const k3 = new Float64Array(5);
const k4 = new Float64Array(5);

/** Gymnasium's `rk4(derivs, y0, [0, dt])`: one classical Runge-Kutta step, result in y0. */
function rk4Step(): void {
  const dt = DT - 0; // t[i + 1] - t[i]
  const dt2 = dt / 2.0;
  dsdt(y0, k1);
  for (let j = 0; j < 5; j++) yt[j] = y0[j] + dt2 * k1[j];
  dsdt(yt, k2);
  for (let j = 0; j < 5; j++) yt[j] = y0[j] + dt2 * k2[j];
  dsdt(yt, k3);
  for (let j = 0; j < 5; j++) yt[j] = y0[j] + dt * k3[j];
  dsdt(yt, k4);
  const h = dt / 6.0;
  for (let j = 0; j < 5; j++) y0[j] = y0[j] + h * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
}

/** `_terminal`: the free end is higher than one link length above the pivot. */
function isTerminal(state: Float64Array, o: number): boolean {
  const s0 = state[o];
  const s1 = state[o + 1];
  return -Math.cos(s0) - Math.cos(s1 + s0) > 1.0;
}

export const acrobot: EnvDynamics & RenderStateSource = {
  stateDim: 4,
  obsDim: 6,

  reset(state, o, rng: Rng) {
    // np_random.uniform(-0.1, 0.1, size=(4,)).astype(np.float32)
    for (let i = 0; i < 4; i++) state[o + i] = Math.fround(rng.uniform(-0.1, 0.1));
  },

  step(state, o, actions, a) {
    const torque = AVAIL_TORQUE[actions[a]];
    if (torque === undefined) throw new Error(`Acrobot-v1: action ${actions[a]} is not 0, 1 or 2`);
    for (let j = 0; j < 4; j++) y0[j] = state[o + j];
    y0[4] = torque; // s_augmented = np.append(s, torque)
    rk4Step();
    state[o] = wrap(y0[0], -PI, PI);
    state[o + 1] = wrap(y0[1], -PI, PI);
    state[o + 2] = bound(y0[2], -ACROBOT_MAX_VEL_1, ACROBOT_MAX_VEL_1);
    state[o + 3] = bound(y0[3], -ACROBOT_MAX_VEL_2, ACROBOT_MAX_VEL_2);
    return isTerminal(state, o) ? 0.0 : -1.0;
  },

  terminated: isTerminal,

  observe(state, o, obs, out) {
    const s0 = state[o];
    const s1 = state[o + 1];
    obs[out] = Math.cos(s0);
    obs[out + 1] = Math.sin(s0);
    obs[out + 2] = Math.cos(s1);
    obs[out + 3] = Math.sin(s1);
    obs[out + 4] = state[o + 2];
    obs[out + 5] = state[o + 3];
  },

  renderState(state, o) {
    return [state[o], state[o + 1], state[o + 2], state[o + 3]];
  },
};
