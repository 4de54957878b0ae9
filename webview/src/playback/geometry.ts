/**
 * Where things are in each environment's world, from one playback frame (the frame formats of
 * `PlaybackEpisode`, server/src/protocol/types.ts). Pure functions in world units with y up;
 * the renderers map them to the canvas. Sizes follow Gymnasium's `render()` of each env
 * (gymnasium/envs/classic_control/*.py, box2d/lunar_lander.py), converted from pixels.
 */

export interface Vec {
  x: number;
  y: number;
}

/** A world-space rectangle, y up. */
export interface WorldRect {
  left: number;
  right: number;
  bottom: number;
  top: number;
}

/** A world-to-canvas map that keeps the aspect ratio and centres the world in the canvas. */
export interface Viewport {
  scale: number;
  toCanvas(p: Vec): Vec;
}

export function fitViewport(world: WorldRect, width: number, height: number, margin = 8): Viewport {
  const ww = world.right - world.left;
  const wh = world.top - world.bottom;
  const scale = Math.max(1e-9, Math.min((width - 2 * margin) / ww, (height - 2 * margin) / wh));
  const offsetX = (width - ww * scale) / 2;
  const offsetY = (height - wh * scale) / 2;
  return {
    scale,
    toCanvas: (p) => ({ x: offsetX + (p.x - world.left) * scale, y: height - (offsetY + (p.y - world.bottom) * scale) }),
  };
}

/** Rotates p by `angle` (radians, counter-clockwise) and moves it to `origin`. */
export function place(p: Vec, origin: Vec, angle: number): Vec {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return { x: origin.x + p.x * c - p.y * s, y: origin.y + p.x * s + p.y * c };
}

// ------------------------------------------------------------------ CartPole

/** cartpole.py: screen 600 px = 2 * x_threshold (4.8) world units; cart 50 x 30 px; pole 2 * length = 1. */
export const CARTPOLE = { xThreshold: 2.4, cartWidth: 0.4, cartHeight: 0.24, poleLength: 1.0, poleWidth: 0.08 } as const;
export const CARTPOLE_WORLD: WorldRect = { left: -2.7, right: 2.7, bottom: -0.5, top: 1.5 };

export interface CartPolePose {
  /** Centre of the cart, on the track (y = 0). */
  cart: Vec;
  /** The pole's hinge, a quarter of the cart's height above its centre (`axleoffset`). */
  axle: Vec;
  tip: Vec;
}

/** frame = [x, x_dot, theta, theta_dot]; theta > 0 leans the pole right (clockwise), as Gymnasium draws it. */
export function cartPolePose(frame: readonly number[]): CartPolePose {
  const [x, , theta] = frame;
  const axle = { x, y: CARTPOLE.cartHeight / 4 };
  return {
    cart: { x, y: 0 },
    axle,
    tip: { x: axle.x + CARTPOLE.poleLength * Math.sin(theta), y: axle.y + CARTPOLE.poleLength * Math.cos(theta) },
  };
}

// ------------------------------------------------------------------ Acrobot

/** acrobot.py: both links 1 m; the episode ends when the tip is above y = 1 (one link above the pivot). */
export const ACROBOT = { link1: 1.0, link2: 1.0, targetY: 1.0 } as const;
export const ACROBOT_WORLD: WorldRect = { left: -2.2, right: 2.2, bottom: -2.2, top: 2.2 };

/**
 * frame = [theta1, theta2, ...]: pivot, elbow and tip. Gymnasium's render computes
 * p1 = [-L1 cos t1, L1 sin t1], p2 = p1 + [-L2 cos(t1 + t2), L2 sin(t1 + t2)] and draws them
 * with the axes swapped (`[:, ::-1]`), so in x/y: p1 = (L1 sin t1, -L1 cos t1); theta = 0 hangs down.
 */
export function acrobotJoints(frame: readonly number[]): [Vec, Vec, Vec] {
  const [t1, t2] = frame;
  const elbow = { x: ACROBOT.link1 * Math.sin(t1), y: -ACROBOT.link1 * Math.cos(t1) };
  const tip = { x: elbow.x + ACROBOT.link2 * Math.sin(t1 + t2), y: elbow.y - ACROBOT.link2 * Math.cos(t1 + t2) };
  return [{ x: 0, y: 0 }, elbow, tip];
}

// ------------------------------------------------------------------ MountainCar(Continuous)

/** mountain_car.py: positions [-1.2, 0.6]; the car is 40 x 20 px on a 600 px / 1.8 world. */
export const MOUNTAIN_CAR = { minPosition: -1.2, maxPosition: 0.6, carWidth: 0.12, carHeight: 0.06 } as const;
export const MOUNTAIN_CAR_WORLD: WorldRect = { left: -1.2, right: 0.6, bottom: 0, top: 1.2 };

/** `_height`: the hill, y = sin(3x) * 0.45 + 0.55. */
export function hillHeight(x: number): number {
  return Math.sin(3 * x) * 0.45 + 0.55;
}

/** The slope's angle at x: atan(dy/dx) = atan(1.35 cos 3x). */
export function hillAngle(x: number): number {
  return Math.atan(1.35 * Math.cos(3 * x));
}

/** The goal flag: 0.5 in MountainCar-v0, 0.45 in MountainCarContinuous-v0. */
export function mountainCarGoal(env: string): number {
  return env.startsWith('MountainCarContinuous') ? 0.45 : 0.5;
}

export interface CarPose {
  /** Where the wheels touch the hill. */
  ground: Vec;
  angle: number;
}

/** frame = [position, velocity, action]. */
export function mountainCarPose(frame: readonly number[]): CarPose {
  const x = frame[0];
  return { ground: { x, y: hillHeight(x) }, angle: hillAngle(x) };
}

/**
 * The push of the last action, in [-1, 1]: Discrete 0 / 1 / 2 = left / none / right;
 * Continuous: the force, clipped to the action bounds as the env does.
 */
export function mountainCarPush(env: string, frame: readonly number[]): number {
  const a = frame[2] ?? 0;
  if (env.startsWith('MountainCarContinuous')) return Math.min(Math.max(a, -1), 1);
  return Math.round(a) - 1;
}

// ------------------------------------------------------------------ Pendulum

export const PENDULUM = { length: 1.0, maxTorque: 2.0 } as const;
export const PENDULUM_WORLD: WorldRect = { left: -1.4, right: 1.4, bottom: -1.4, top: 1.4 };

/**
 * frame = [theta, theta_dot, torque]; theta = 0 is upright. Gymnasium rotates the rod by
 * theta + pi/2 and flips the image vertically, so the free end is at (-sin theta, cos theta):
 * positive theta turns counter-clockwise.
 */
export function pendulumTip(frame: readonly number[]): Vec {
  const theta = frame[0];
  return { x: -PENDULUM.length * Math.sin(theta), y: PENDULUM.length * Math.cos(theta) };
}

export interface TorqueArc {
  radius: number;
  /** Start and end angles (radians, counter-clockwise from +x); the arrow head is at `end`. */
  start: number;
  end: number;
}

/**
 * The torque as an arc around the pivot, its sweep proportional to |u| / max torque (like
 * Gymnasium's arrow image scaled by |u| / 2); positive u turns counter-clockwise, as it raises
 * theta. null when no torque was applied.
 */
export function torqueArc(torque: number, radius = 0.35): TorqueArc | null {
  const u = Math.min(Math.max(torque, -PENDULUM.maxTorque), PENDULUM.maxTorque);
  if (Math.abs(u) < 1e-6) return null;
  const sweep = (Math.abs(u) / PENDULUM.maxTorque) * Math.PI * 1.2;
  const start = -Math.PI / 2 - (Math.sign(u) * sweep) / 2;
  return { radius, start, end: start + Math.sign(u) * sweep };
}

// ------------------------------------------------------------------ LunarLander

/** lunar_lander.py: SCALE 30 px per world unit; polygons in pixels there, world units here. */
const SCALE = 30;
const DEFAULT_LANDER_POLY: [number, number][] = [
  [-14, 17],
  [-17, 0],
  [-17, -10],
  [17, -10],
  [17, 0],
  [14, 17],
].map(([x, y]) => [x / SCALE, y / SCALE]);
const DEFAULT_LEG_HALF: [number, number] = [2 / SCALE, 8 / SCALE];
/** Height of the side engines above the hull's origin, px. */
const SIDE_ENGINE_HEIGHT = 14;

/** What the renderer reads from `PlaybackEpisode.meta` (renderMeta()). */
export interface LunarLanderMeta {
  terrain: [number, number][];
  helipad: [number, number, number];
  W: number;
  H: number;
  landerPoly: [number, number][];
  legHalfSize: [number, number];
}

/** The meta with defaults for what is missing (a bare viewport when nothing was recorded). */
export function lunarLanderMeta(meta: Record<string, unknown> | undefined): LunarLanderMeta {
  const m = meta ?? {};
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const points = (v: unknown): [number, number][] | undefined =>
    Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length >= 2 && p.every((c) => typeof c === 'number'))
      ? v.map((p: number[]) => [p[0], p[1]] as [number, number])
      : undefined;
  const W = num(m.W, 600 / SCALE);
  const H = num(m.H, 400 / SCALE);
  const helipad = Array.isArray(m.helipad) && m.helipad.length === 3 && m.helipad.every((c) => typeof c === 'number')
    ? (m.helipad as [number, number, number])
    : ([W / 2 - W / 10, W / 2 + W / 10, H / 4] as [number, number, number]);
  const leg = Array.isArray(m.legHalfSize) && m.legHalfSize.length === 2 && m.legHalfSize.every((c) => typeof c === 'number')
    ? (m.legHalfSize as [number, number])
    : DEFAULT_LEG_HALF;
  return {
    terrain: points(m.terrain) ?? [[0, helipad[2]], [W, helipad[2]]],
    helipad,
    W,
    H,
    landerPoly: points(m.landerPoly) ?? DEFAULT_LANDER_POLY,
    legHalfSize: leg,
  };
}

export function lunarLanderWorld(meta: LunarLanderMeta): WorldRect {
  return { left: 0, right: meta.W, bottom: 0, top: meta.H };
}

export interface LanderPose {
  hull: Vec[];
  legs: [Vec[], Vec[]];
  contacts: [boolean, boolean];
  /** Flame triangles (world), main engine first; empty when the engines are off. */
  flames: Vec[][];
}

/**
 * frame = [x, y, angle, leg1x, leg1y, leg1angle, leg2x, leg2y, leg2angle, leg1contact,
 * leg2contact, mainPower, sidePower]. Flames: the main engine's from the hull's bottom, as
 * long as its throttle; a side engine's from the hull's left (sidePower < 0: Gymnasium's
 * action 1, "fire left orientation engine") or right side (sidePower > 0).
 */
export function lunarLanderPose(frame: readonly number[], meta: LunarLanderMeta): LanderPose {
  const body = { x: frame[0], y: frame[1] };
  const angle = frame[2];
  const hull = meta.landerPoly.map(([x, y]) => place({ x, y }, body, angle));
  const [hw, hh] = meta.legHalfSize;
  const box: Vec[] = [{ x: -hw, y: -hh }, { x: hw, y: -hh }, { x: hw, y: hh }, { x: -hw, y: hh }];
  const leg = (i: number) => box.map((p) => place(p, { x: frame[3 + 3 * i], y: frame[4 + 3 * i] }, frame[5 + 3 * i]));
  const bottom = Math.min(...meta.landerPoly.map(([, y]) => y));
  const halfWidth = Math.max(...meta.landerPoly.map(([x]) => Math.abs(x)));
  const flames: Vec[][] = [];
  const main = Math.max(0, frame[11] ?? 0);
  if (main > 0) {
    const length = 0.25 + 0.75 * main;
    flames.push([{ x: -0.12, y: bottom }, { x: 0.12, y: bottom }, { x: 0, y: bottom - length }].map((p) => place(p, body, angle)));
  }
  const side = frame[12] ?? 0;
  if (Math.abs(side) > 0) {
    const dir = Math.sign(side);
    const length = 0.15 + 0.35 * Math.abs(side);
    const x0 = dir * halfWidth;
    const y0 = SIDE_ENGINE_HEIGHT / SCALE;
    flames.push([{ x: x0, y: y0 - 0.06 }, { x: x0, y: y0 + 0.06 }, { x: x0 + dir * length, y: y0 }].map((p) => place(p, body, angle)));
  }
  return { hull, legs: [leg(0), leg(1)], contacts: [frame[9] === 1, frame[10] === 1], flames };
}

/** The two helipad flags (lunar_lander.py: a 50 px pole and a 25 x 10 px pennant at each end). */
export function helipadFlags(meta: LunarLanderMeta): { pole: [Vec, Vec]; pennant: Vec[] }[] {
  const [x1, x2, y] = meta.helipad;
  const top = y + 50 / SCALE;
  return [x1, x2].map((x) => ({
    pole: [{ x, y }, { x, y: top }],
    pennant: [{ x, y: top }, { x, y: top - 10 / SCALE }, { x: x + 25 / SCALE, y: top - 5 / SCALE }],
  }));
}

// ------------------------------------------------------------------ episode helpers

/** Sum of the rewards received before frame i (frame 0: nothing yet). */
export function returnAt(rewards: readonly number[], i: number): number {
  let sum = 0;
  for (let k = 0; k < Math.min(i, rewards.length); k++) sum += rewards[k];
  return sum;
}
