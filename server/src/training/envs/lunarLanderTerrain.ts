/**
 * LunarLander's constants and terrain, from Gymnasium 1.x (gymnasium/envs/box2d/lunar_lander.py).
 * Kept apart from the physics so the dashboard-facing metadata and the tests can read them.
 */
import type { Rng } from '../rng';

export const FPS = 50;
/** Pixels per Box2D unit; "affects how fast-paced the game is, forces should be adjusted as well". */
export const SCALE = 30.0;

export const MAIN_ENGINE_POWER = 13.0;
export const SIDE_ENGINE_POWER = 0.6;
/** Bound of each component of the random force applied at reset. */
export const INITIAL_RANDOM = 1000.0;

/** Lander hull in pixels (divided by SCALE for Box2D). */
export const LANDER_POLY: readonly (readonly [number, number])[] = [
  [-14, +17],
  [-17, 0],
  [-17, -10],
  [+17, -10],
  [+17, 0],
  [+14, +17],
];
export const LEG_AWAY = 20;
export const LEG_DOWN = 18;
/** Half-extents of a leg box, pixels. */
export const LEG_W = 2;
export const LEG_H = 8;
export const LEG_SPRING_TORQUE = 40;

export const SIDE_ENGINE_HEIGHT = 14;
export const SIDE_ENGINE_AWAY = 12;
/** The Y location of the main engine on the body of the lander. */
export const MAIN_ENGINE_Y_LOCATION = 4;

export const VIEWPORT_W = 600;
export const VIEWPORT_H = 400;
/** Viewport size in world units. */
export const W = VIEWPORT_W / SCALE;
export const H = VIEWPORT_H / SCALE;

export const CHUNKS = 11;

export interface Terrain {
  /** CHUNKS points of the ground polyline, world units, left to right. */
  points: [number, number][];
  helipadX1: number;
  helipadX2: number;
  helipadY: number;
}

/**
 * Random ground heights, with the five chunks around the middle flattened to the helipad, then
 * smoothed over three neighbours. Draws CHUNKS + 1 uniforms from the env's RNG, as Gymnasium's
 * `np_random.uniform(0, H / 2, size=(CHUNKS + 1,))`.
 */
export function makeTerrain(rng: Rng): Terrain {
  const height: number[] = [];
  for (let i = 0; i < CHUNKS + 1; i++) height.push(rng.uniform(0, H / 2));
  const chunkX = Array.from({ length: CHUNKS }, (_, i) => (W / (CHUNKS - 1)) * i);
  const half = Math.floor(CHUNKS / 2);
  const helipadY = H / 4;
  for (let k = -2; k <= 2; k++) height[half + k] = helipadY;
  // Python's height[i - 1] at i = 0 is height[-1], the last element: keep that wrap-around.
  const at = (i: number): number => height[(i + height.length) % height.length];
  const points = chunkX.map((x, i): [number, number] => [x, 0.33 * (at(i - 1) + at(i) + at(i + 1))]);
  return { points, helipadX1: chunkX[half - 1], helipadX2: chunkX[half + 1], helipadY };
}
