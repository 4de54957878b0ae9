/**
 * Checks what a custom environment hands back, so a mistake in user code becomes one clear
 * error naming the file and the problem instead of NaNs deep inside training.
 */
import type { BoxSpace, Space } from '../spaces';
import type { CustomStepResult } from './interface';

/** An error in a custom environment; the message starts with the module's path. */
export class CustomEnvError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'CustomEnvError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && !Number.isNaN(x));

export function spaceText(space: Space): string {
  return space.kind === 'discrete' ? `Discrete(${space.n})` : `Box(shape [${space.shape.join(', ')}])`;
}

/** The observation space, or a description of what is wrong with it. */
export function checkObservationSpace(value: unknown): BoxSpace | string {
  const space = checkSpace(value, 'observationSpace');
  if (typeof space === 'string') return space;
  if (space.kind !== 'box') return `observationSpace must be a Box ({ kind: 'box', shape, low, high }), got ${spaceText(space)}`;
  return space;
}

export function checkActionSpace(value: unknown): Space | string {
  const space = checkSpace(value, 'actionSpace');
  if (typeof space === 'string') return space;
  if (space.kind === 'box' && [...space.low, ...space.high].some((x) => !Number.isFinite(x))) {
    return 'actionSpace (a Box) needs finite low and high bounds: actions are clipped to them';
  }
  return space;
}

function checkSpace(value: unknown, name: string): Space | string {
  if (!isObject(value)) return `${name} is missing; set it to { kind: 'discrete', n } or { kind: 'box', shape, low, high }`;
  if (value.kind === 'discrete') {
    const n = value.n;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) return `${name}.n must be a whole number >= 1, got ${String(n)}`;
    return { kind: 'discrete', n };
  }
  if (value.kind === 'box') {
    const { shape, low, high } = value;
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      return `${name}.shape must be a list of whole numbers >= 1 (e.g. [4]), got ${JSON.stringify(shape)}`;
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    for (const [key, bound] of [['low', low], ['high', high]] as const) {
      if (!isNumberArray(bound) || bound.length !== size) {
        return `${name}.${key} must be a list of ${size} numbers (one per element of shape [${shape.join(', ')}]), got ${Array.isArray(bound) ? `${bound.length} values` : JSON.stringify(bound)}`;
      }
    }
    const lo = low as number[];
    const hi = high as number[];
    const bad = lo.findIndex((l, i) => l > hi[i]);
    if (bad >= 0) return `${name}.low[${bad}] = ${lo[bad]} is above high[${bad}] = ${hi[bad]}`;
    return { kind: 'box', shape: [...(shape as number[])], low: [...lo], high: [...hi] };
  }
  return `${name}.kind must be 'discrete' or 'box', got ${JSON.stringify(value.kind)}`;
}

/**
 * Copies the observation `what` (reset() or step()) returned into out[o .. o + dim), or
 * describes what is wrong with it.
 */
export function readObservation(value: unknown, dim: number, out: Float64Array, o: number, what: string): string | undefined {
  if (!isObject(value) || typeof (value as { length?: unknown }).length !== 'number') {
    return `${what} returned ${describe(value)} as the observation, expected an array of ${dim} numbers`;
  }
  const obs = value as unknown as ArrayLike<unknown>;
  if (obs.length !== dim) return `${what} returned an observation of ${obs.length} values, expected ${dim} (observationSpace.shape)`;
  for (let k = 0; k < dim; k++) {
    const x = obs[k];
    if (typeof x !== 'number' || !Number.isFinite(x)) return `${what} returned an observation whose element ${k} is ${describe(x)}, expected a finite number`;
    out[o + k] = x;
  }
  return undefined;
}

/** The step result's scalar fields, or what is wrong with them. */
export function checkStepResult(value: unknown): CustomStepResult | string {
  if (!isObject(value)) return `step() must return { obs, reward, terminated, truncated? }, got ${describe(value)}`;
  const { reward, terminated, truncated } = value;
  if (typeof reward !== 'number' || !Number.isFinite(reward)) return `step() returned reward ${describe(reward)}, expected a finite number`;
  if (typeof terminated !== 'boolean') return `step() returned terminated ${describe(terminated)}, expected true or false`;
  if (truncated !== undefined && typeof truncated !== 'boolean') return `step() returned truncated ${describe(truncated)}, expected true, false or nothing`;
  return value as unknown as CustomStepResult;
}

/** Whether an action lies in the space (the engine's guard before calling step()). */
export function actionProblem(space: Space, action: ArrayLike<number>): string | undefined {
  if (space.kind === 'discrete') {
    const a = action[0];
    return Number.isInteger(a) && a >= 0 && a < space.n ? undefined : `action ${a} is outside the action space Discrete(${space.n})`;
  }
  for (let d = 0; d < space.low.length; d++) {
    const a = action[d];
    // Bounds as float32: the engine stores clipped actions in a Float32Array.
    if (!(a >= Math.fround(space.low[d]) && a <= Math.fround(space.high[d]))) return `action[${d}] = ${a} is outside the action space bounds [${space.low[d]}, ${space.high[d]}]`;
  }
  return undefined;
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `the string '${v.length > 30 ? v.slice(0, 30) + '...' : v}'`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}
