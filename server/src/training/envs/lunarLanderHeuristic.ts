/**
 * Gymnasium's hand-written LunarLander controller (`heuristic(env, s)` in
 * gymnasium/envs/box2d/lunar_lander.py), used there for testing and demonstration: a PD
 * controller on the angle and the hover height, whose targets point the lander at the pad.
 * It scores above 200 on average, the env's reward threshold.
 */

/** Observation: [x, y, vx, vy, angle, angular velocity, leg 1 contact, leg 2 contact]. */
export function lunarLanderHeuristic(continuous: false, s: ArrayLike<number>): number;
export function lunarLanderHeuristic(continuous: true, s: ArrayLike<number>): [number, number];
export function lunarLanderHeuristic(continuous: boolean, s: ArrayLike<number>): number | [number, number];
export function lunarLanderHeuristic(continuous: boolean, s: ArrayLike<number>): number | [number, number] {
  let angleTarg = s[0] * 0.5 + s[2] * 1.0; // angle should point towards center
  if (angleTarg > 0.4) angleTarg = 0.4; // more than 0.4 radians (22 degrees) is bad
  if (angleTarg < -0.4) angleTarg = -0.4;
  const hoverTarg = 0.55 * Math.abs(s[0]); // target y should be proportional to horizontal offset

  let angleTodo = (angleTarg - s[4]) * 0.5 - s[5] * 1.0;
  let hoverTodo = (hoverTarg - s[1]) * 0.5 - s[3] * 0.5;

  if (s[6] || s[7]) {
    // legs have contact: only reduce the fall speed
    angleTodo = 0;
    hoverTodo = -s[3] * 0.5;
  }

  if (continuous) {
    const clip = (x: number): number => Math.min(Math.max(x, -1), 1);
    return [clip(hoverTodo * 20 - 1), clip(-angleTodo * 20)];
  }
  if (hoverTodo > Math.abs(angleTodo) && hoverTodo > 0.05) return 2;
  if (angleTodo < -0.05) return 3;
  if (angleTodo > +0.05) return 1;
  return 0;
}
