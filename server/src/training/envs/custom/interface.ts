/**
 * The interface a custom environment implements (documented in the README, "Custom
 * environments"). A workspace module exports a class or a factory function making one:
 *
 *   module.exports = class Corridor {           // or: export default class / export function createEnv()
 *     observationSpace = { kind: 'box', shape: [2], low: [0, 0], high: [1, 1] };
 *     actionSpace = { kind: 'discrete', n: 2 };
 *     maxEpisodeSteps = 100;                    // optional time limit (truncation)
 *     reset(seed) { ...; return [0, 0]; }       // the first observation
 *     step(action) { ...; return { obs, reward, terminated, truncated }; }
 *   };
 *
 * Spaces are plain objects with the shapes of spaces.ts. The training process makes one
 * instance per vectorized copy (n_envs), passing `env_kwargs` to the constructor/factory.
 */
import type { BoxSpace, Space } from '../spaces';

export interface CustomStepResult {
  obs: ArrayLike<number>;
  reward: number;
  /** The MDP reached a terminal state: no bootstrapping past it. */
  terminated: boolean;
  /** The episode was cut short (a time limit of the env's own): V(final obs) is bootstrapped. */
  truncated?: boolean;
}

export interface CustomEnvironment {
  observationSpace: BoxSpace;
  actionSpace: Space;
  /** Episodes are truncated after this many steps (Gymnasium's TimeLimit). */
  maxEpisodeSteps?: number;
  /** Shown in hovers and `rl-lab env list` style output; optional. */
  rewardThreshold?: number;
  /** Starts an episode; `seed` is a fresh integer per episode, drawn from the run's seed. */
  reset(seed: number): ArrayLike<number>;
  /** Discrete: the action index (an integer); Box: an array of numbers within the bounds. */
  step(action: number | number[]): CustomStepResult;
}

export type CustomEnvFactory = (kwargs: Record<string, unknown>) => CustomEnvironment;
