import type { Rng } from '../rng';

/**
 * An environment as plain functions over a slice of a Float64Array: the vectorized env keeps
 * the state of all copies in one typed array and steps them without allocating.
 * State is float64 (as Gymnasium's NumPy state); observations are float32.
 */
export interface EnvDynamics {
  /** Length of the internal state vector (`env.unwrapped.state` in Gymnasium). */
  readonly stateDim: number;
  readonly obsDim: number;
  /** Draws a start state into state[o .. o + stateDim). */
  reset(state: Float64Array, o: number, rng: Rng): void;
  /** Applies the action at actions[a ..] and returns the reward. */
  step(state: Float64Array, o: number, actions: Float32Array, a: number): number;
  /** Whether the state is terminal (the MDP ended; no bootstrapping past it). */
  terminated(state: Float64Array, o: number): boolean;
  /**
   * Whether the environment itself cut the episode short (Gymnasium's `truncated` from
   * step()); optional, the VecEnv's time limit truncates anyway. Custom environments use it.
   */
  truncated?(state: Float64Array, o: number): boolean;
  /** Writes the observation of the state into obs[out ..]. */
  observe(state: Float64Array, o: number, obs: Float32Array, out: number): void;
}
