/**
 * Environment ids, their spaces and limits (Gymnasium's values), and their factories.
 * The editor side reads only the specs; the engine also makes environments from here.
 */
import { cartPole } from './cartpole';
import { CLASSIC_CONTROL_DYNAMICS, CLASSIC_CONTROL_SPECS } from './classicControlSpecs';
import type { EnvDynamics } from './dynamics';
import { lunarLanderDynamics } from './lunarLanderDynamics';
import type { LunarLanderOptions } from './lunarLander';
import { LUNAR_LANDER_SPECS, lunarLanderIsContinuous, lunarLanderSpecFor } from './lunarLanderSpec';
import { pendulum } from './pendulum';
import type { EnvSpec } from './spaces';
import { SingleEnv, VecEnv } from './vecEnv';
import { TOY_TEXT_FACTORIES, TOY_TEXT_SPECS, isToyText, toyTextSpecFor } from './toyText/specs';

const F32_MAX = 3.4028234663852886e38;

export const ENV_SPECS: Readonly<Record<string, EnvSpec>> = {
  'CartPole-v1': {
    id: 'CartPole-v1',
    summary: 'Balance a pole on a cart by pushing left or right; +1 per step upright.',
    observationSpace: {
      kind: 'box',
      shape: [4],
      low: [-4.8, -F32_MAX, -0.41887903, -F32_MAX],
      high: [4.8, F32_MAX, 0.41887903, F32_MAX],
    },
    actionSpace: { kind: 'discrete', n: 2 },
    rewardThreshold: 475,
    maxEpisodeSteps: 500,
  },
  'Pendulum-v1': {
    id: 'Pendulum-v1',
    summary: 'Swing a pendulum up and hold it upright with a bounded torque; reward is minus the cost.',
    observationSpace: { kind: 'box', shape: [3], low: [-1, -1, -8], high: [1, 1, 8] },
    actionSpace: { kind: 'box', shape: [1], low: [-2], high: [2] },
    rewardThreshold: null,
    maxEpisodeSteps: 200,
  },
  ...CLASSIC_CONTROL_SPECS,
  ...LUNAR_LANDER_SPECS,
  ...TOY_TEXT_SPECS,
};

export const ENV_IDS: readonly string[] = Object.keys(ENV_SPECS);

/** Dynamics of each environment the engine can train on (same ids as ENV_SPECS). */
const ENV_DYNAMICS: Readonly<Record<string, EnvDynamics>> = {
  'CartPole-v1': cartPole,
  'Pendulum-v1': pendulum,
  ...CLASSIC_CONTROL_DYNAMICS,
};

/** Constructor keyword arguments (`gym.make(id, **kwargs)`; `env_kwargs` in experiment files). */
export type EnvKwargs = Readonly<Record<string, unknown>>;

/**
 * Environments that take kwargs or keep per-copy objects (a Box2D world each): a fresh
 * EnvDynamics per vectorized env. Registered kwargs come first, the caller's override them.
 */
const ENV_FACTORIES: Readonly<Record<string, (kwargs: EnvKwargs) => EnvDynamics>> = {
  'LunarLander-v3': (kwargs) => lunarLanderDynamics(kwargs as LunarLanderOptions),
  'LunarLanderContinuous-v3': (kwargs) => lunarLanderDynamics({ continuous: true, ...kwargs } as LunarLanderOptions),
  ...TOY_TEXT_FACTORIES,
};

/** The spec of an id; kwargs can change it (LunarLander's `continuous` switches the action space). */
export function envSpec(id: string, kwargs: EnvKwargs = {}): EnvSpec {
  const spec = ENV_SPECS[id];
  if (!spec) throw new Error(`unknown environment '${id}'; known: ${ENV_IDS.join(', ')}`);
  // A custom FrozenLake map (desc) changes the number of states.
  if (isToyText(id) && Object.keys(kwargs).length > 0) return toyTextSpecFor(id, kwargs);
  if (id in LUNAR_LANDER_SPECS && lunarLanderIsContinuous(id, kwargs) !== (spec.actionSpace.kind === 'box')) {
    return lunarLanderSpecFor(id, kwargs);
  }
  return spec;
}

export function makeDynamics(id: string, kwargs: EnvKwargs = {}): EnvDynamics {
  envSpec(id);
  const factory = ENV_FACTORIES[id];
  if (factory) return factory(kwargs);
  const given = Object.keys(kwargs);
  if (given.length > 0) throw new Error(`environment '${id}' takes no env_kwargs (got ${given.join(', ')})`);
  return ENV_DYNAMICS[id];
}

/** Width of one action row: 1 for discrete (the index), the Box's size otherwise. */
export function actionDim(spec: EnvSpec): number {
  return spec.actionSpace.kind === 'discrete' ? 1 : spec.actionSpace.shape.reduce((a, b) => a * b, 1);
}

/** A vectorized env with Gymnasium's time limit for this id. */
export function makeVecEnv(id: string, numEnvs: number, seed: number, kwargs: EnvKwargs = {}): VecEnv {
  const spec = envSpec(id, kwargs);
  return new VecEnv(makeDynamics(id, kwargs), numEnvs, spec.maxEpisodeSteps, seed);
}

export function makeEnv(id: string, kwargs: EnvKwargs = {}): SingleEnv {
  const spec = envSpec(id, kwargs);
  return new SingleEnv(makeDynamics(id, kwargs), spec.maxEpisodeSteps, actionDim(spec));
}
