/**
 * A loaded custom environment: its spec (spaces, limit) and EnvDynamics that drive one
 * instance of the user's environment per vectorized copy, checking everything it returns.
 *
 * EnvDynamics keeps each copy's state in a slice of a Float64Array; here the slice holds what
 * the copy's environment object last returned: [obs (obsDim) | terminated | truncated], and
 * the copy's index is its slice's offset / stateDim.
 */
import { basename } from 'node:path';
import type { EnvDynamics } from '../dynamics';
import type { EnvSpec, Space } from '../spaces';
import type { CustomEnvironment } from './interface';
import { loadModuleExports } from './load';
import { actionProblem, checkActionSpace, checkObservationSpace, checkStepResult, CustomEnvError, readObservation } from './validate';

type Maker = (kwargs: Record<string, unknown>) => unknown;

export interface CustomEnvSource {
  file: string;
  spec: EnvSpec;
  /** Dynamics for `numEnvs` copies (one environment object each). */
  makeDynamics(numEnvs: number): EnvDynamics;
}

/** Loads, instantiates once and checks the module's environment; throws CustomEnvError. */
export async function loadCustomEnv(file: string, kwargs: Record<string, unknown> = {}): Promise<CustomEnvSource> {
  const exports = await loadModuleExports(file);
  const picked = pickEnvExport(exports);
  if (!picked) {
    throw new CustomEnvError(
      file,
      'exports no environment: export a class or a factory function as the default export (module.exports = ..., export default ...) or as createEnv',
    );
  }
  const make = (): CustomEnvironment => instantiate(file, picked, kwargs);
  const first = make();
  const spec = specOf(file, first);
  let handedOut = false;
  return {
    file,
    spec,
    makeDynamics(numEnvs) {
      if (picked.kind === 'object' && numEnvs > 1) {
        throw new CustomEnvError(file, `exports one environment object, but n_envs is ${numEnvs}: export a class or a factory function so each copy gets its own`);
      }
      // The instance made for the checks serves as copy 0 of the first dynamics.
      const envs: CustomEnvironment[] = [];
      if (!handedOut) envs.push(first);
      handedOut = true;
      while (envs.length < numEnvs) envs.push(make());
      return new CustomDynamics(file, spec, envs);
    },
  };
}

/** default / createEnv / module.exports, as a class, a factory or one environment object. */
function pickEnvExport(exports: unknown): { kind: 'class' | 'factory'; fn: Maker } | { kind: 'object'; env: unknown } | undefined {
  const mod = exports as Record<string, unknown> | null | undefined;
  const candidates = [mod?.createEnv, mod?.default, exports];
  for (const c of candidates) {
    if (typeof c === 'function') {
      // A class cannot be called without `new`; a factory is called as it is.
      const isClass = /^class[\s{]/.test(Function.prototype.toString.call(c));
      return { kind: isClass ? 'class' : 'factory', fn: c as Maker };
    }
  }
  for (const c of candidates) {
    if (typeof c === 'object' && c !== null && typeof (c as { step?: unknown }).step === 'function') return { kind: 'object', env: c };
  }
  return undefined;
}

function instantiate(file: string, picked: NonNullable<ReturnType<typeof pickEnvExport>>, kwargs: Record<string, unknown>): CustomEnvironment {
  let env: unknown;
  if (picked.kind === 'object') env = picked.env;
  else {
    try {
      env = picked.kind === 'class' ? new (picked.fn as unknown as new (k: Record<string, unknown>) => unknown)(kwargs) : picked.fn(kwargs);
    } catch (e) {
      throw new CustomEnvError(file, `creating the environment threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (typeof env !== 'object' || env === null) throw new CustomEnvError(file, `the factory returned ${String(env)}, expected an environment object`);
  const e = env as Partial<Record<keyof CustomEnvironment, unknown>>;
  for (const method of ['reset', 'step'] as const) {
    if (typeof e[method] !== 'function') throw new CustomEnvError(file, `the environment has no ${method}() method`);
  }
  return env as CustomEnvironment;
}

function specOf(file: string, env: CustomEnvironment): EnvSpec {
  const observationSpace = checkObservationSpace(env.observationSpace);
  if (typeof observationSpace === 'string') throw new CustomEnvError(file, observationSpace);
  const actionSpace = checkActionSpace(env.actionSpace);
  if (typeof actionSpace === 'string') throw new CustomEnvError(file, actionSpace);
  const limit = env.maxEpisodeSteps;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new CustomEnvError(file, `maxEpisodeSteps must be a whole number >= 1, got ${String(limit)}`);
  }
  const threshold = env.rewardThreshold;
  return {
    id: basename(file),
    summary: `Custom environment from ${file}`,
    observationSpace,
    actionSpace,
    rewardThreshold: typeof threshold === 'number' && Number.isFinite(threshold) ? threshold : null,
    maxEpisodeSteps: limit ?? Number.POSITIVE_INFINITY,
  };
}

class CustomDynamics implements EnvDynamics {
  readonly obsDim: number;
  readonly stateDim: number;
  private readonly actionSpace: Space;
  private readonly actionDim: number;
  private readonly action: number[];

  constructor(
    private readonly file: string,
    spec: EnvSpec,
    private readonly envs: CustomEnvironment[],
  ) {
    this.obsDim = spec.observationSpace.low.length;
    this.stateDim = this.obsDim + 2;
    this.actionSpace = spec.actionSpace;
    this.actionDim = spec.actionSpace.kind === 'discrete' ? 1 : spec.actionSpace.low.length;
    this.action = new Array<number>(this.actionDim).fill(0);
  }

  private env(o: number): CustomEnvironment {
    return this.envs[o / this.stateDim];
  }

  reset(state: Float64Array, o: number, rng: { int(n: number): number }): void {
    const seed = rng.int(2 ** 31 - 1);
    const obs = this.call(() => this.env(o).reset(seed), 'reset()');
    this.fail(readObservation(obs, this.obsDim, state, o, 'reset()'));
    state[o + this.obsDim] = 0;
    state[o + this.obsDim + 1] = 0;
  }

  step(state: Float64Array, o: number, actions: Float32Array, a: number): number {
    for (let d = 0; d < this.actionDim; d++) this.action[d] = actions[a + d];
    this.fail(actionProblem(this.actionSpace, this.action));
    const action = this.actionSpace.kind === 'discrete' ? this.action[0] : this.action.slice();
    const raw = this.call(() => this.env(o).step(action), 'step()');
    const result = checkStepResult(raw);
    if (typeof result === 'string') this.fail(result);
    const r = result as Exclude<typeof result, string>;
    this.fail(readObservation(r.obs, this.obsDim, state, o, 'step()'));
    state[o + this.obsDim] = r.terminated ? 1 : 0;
    state[o + this.obsDim + 1] = r.truncated ? 1 : 0;
    return r.reward;
  }

  terminated(state: Float64Array, o: number): boolean {
    return state[o + this.obsDim] === 1;
  }

  truncated(state: Float64Array, o: number): boolean {
    return state[o + this.obsDim + 1] === 1;
  }

  observe(state: Float64Array, o: number, obs: Float32Array, out: number): void {
    for (let k = 0; k < this.obsDim; k++) obs[out + k] = state[o + k];
  }

  private call<T>(fn: () => T, what: string): T {
    try {
      return fn();
    } catch (e) {
      throw new CustomEnvError(this.file, `${what} threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private fail(problem: string | undefined): void {
    if (problem !== undefined) throw new CustomEnvError(this.file, problem);
  }
}
