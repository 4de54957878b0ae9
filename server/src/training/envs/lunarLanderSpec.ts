/**
 * Registry entries for LunarLander (Gymnasium 1.x gymnasium/envs/__init__.py: both ids
 * registered with max_episode_steps=1000, reward_threshold=200; the continuous one with
 * kwargs {"continuous": True}). Observation bounds are v3's, as float32.
 */
import type { BoxSpace, EnvSpec, Space } from './spaces';

const TWO_PI_F32 = Math.fround(2 * Math.PI);

const OBSERVATION: BoxSpace = {
  kind: 'box',
  shape: [8],
  // x, y, vx, vy, angle, angular velocity, leg contacts
  low: [-2.5, -2.5, -10, -10, -TWO_PI_F32, -10, -0, -0],
  high: [2.5, 2.5, 10, 10, TWO_PI_F32, 10, 1, 1],
};

const DISCRETE: Space = { kind: 'discrete', n: 4 };
const CONTINUOUS: Space = { kind: 'box', shape: [2], low: [-1, -1], high: [1, 1] };

const SUMMARY =
  'Land a Box2D lander on the pad between the flags; shaped reward, -100 crash, +100 at rest. Options (env_kwargs): gravity, enable_wind, wind_power, turbulence_power';

export const LUNAR_LANDER_SPECS: Readonly<Record<string, EnvSpec>> = {
  'LunarLander-v3': {
    id: 'LunarLander-v3',
    summary: `${SUMMARY}, continuous. Actions: 0 noop, 1 left engine, 2 main engine, 3 right engine.`,
    observationSpace: OBSERVATION,
    actionSpace: DISCRETE,
    rewardThreshold: 200,
    maxEpisodeSteps: 1000,
  },
  'LunarLanderContinuous-v3': {
    id: 'LunarLanderContinuous-v3',
    summary: `${SUMMARY}. Actions [main, lateral] in [-1, 1]: main > 0 throttles 50-100%, |lateral| > 0.5 fires a side engine.`,
    observationSpace: OBSERVATION,
    actionSpace: CONTINUOUS,
    rewardThreshold: 200,
    maxEpisodeSteps: 1000,
  },
};

/** Whether a LunarLander id with these kwargs is the continuous variant (kwargs win, as in gym.make). */
export function lunarLanderIsContinuous(id: string, kwargs: Readonly<Record<string, unknown>>): boolean {
  const given = kwargs.continuous;
  return typeof given === 'boolean' ? given : id === 'LunarLanderContinuous-v3';
}

/** The spec an id has once its kwargs are applied: `continuous` switches the action space. */
export function lunarLanderSpecFor(id: string, kwargs: Readonly<Record<string, unknown>>): EnvSpec {
  const base = LUNAR_LANDER_SPECS[id];
  const continuous = lunarLanderIsContinuous(id, kwargs);
  return { ...base, actionSpace: continuous ? CONTINUOUS : DISCRETE };
}
