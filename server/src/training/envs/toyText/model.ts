/**
 * Gymnasium's toy-text environments (FrozenLake, CliffWalking, Taxi) are finite MDPs given as
 * a table: `P[s][a] = [(prob, next_state, reward, terminated), ...]` plus an initial-state
 * distribution (gymnasium/envs/toy_text/*.py). Stepping samples one row of P[s][a]
 * (`categorical_sample` in gymnasium/envs/toy_text/utils.py); dynamic programming reads the
 * table itself. One DiscreteModel serves both, so the rules the agent experiences and the
 * model DP plans with cannot drift apart.
 *
 * Observations: Gymnasium's observation is Discrete(nS), the state index. The engine's
 * neural algorithms take float vectors, so these environments *observe* the one-hot encoding
 * of the index (Box(nS) in [0, 1]); tabular algorithms use the index itself (the env state).
 */
import { Rng } from '../../rng';
import type { EnvDynamics } from '../dynamics';
import type { RenderStateSource } from '../renderState';

/** One outcome of an action: Gymnasium's `(prob, next_state, reward, terminated)` tuple. */
export type Transition = readonly [prob: number, nextState: number, reward: number, terminated: boolean];

export interface DiscreteModel {
  /** Number of states (Gymnasium's observation_space.n). */
  readonly nS: number;
  /** Number of actions (action_space.n). */
  readonly nA: number;
  /** P[s][a]: the outcomes of action a in state s, in Gymnasium's order. */
  readonly P: readonly (readonly (readonly Transition[])[])[];
  /** Probability of starting in each state (`initial_state_distrib`). */
  readonly initialStateDistrib: readonly number[];
}

/**
 * Gymnasium's `categorical_sample`: the first index whose cumulative probability exceeds a
 * uniform draw (`(cumsum > u).argmax()`).
 */
export function categoricalSample(probs: readonly number[], rng: Rng): number {
  const u = rng.random();
  let cum = 0;
  for (let i = 0; i < probs.length; i++) {
    cum += probs[i];
    if (cum > u) return i;
  }
  // Rounding left the cumulative sum a hair below u: the last outcome with mass.
  for (let i = probs.length - 1; i >= 0; i--) if (probs[i] > 0) return i;
  return 0;
}

export function sampleInitialState(model: DiscreteModel, rng: Rng): number {
  return categoricalSample(model.initialStateDistrib, rng);
}

/** One step of the MDP from state s with action a: `env.step(a)` of Gymnasium's toy-text envs. */
export function sampleTransition(model: DiscreteModel, s: number, a: number, rng: Rng): Transition {
  const outcomes = model.P[s][a];
  if (outcomes.length === 1) return outcomes[0];
  return outcomes[categoricalSample(outcomes.map((t) => t[0]), rng)];
}

/**
 * The model as vectorizable dynamics. The state of a copy is [s], the index (so `env replay
 * --state [s]` sets it, as `env.unwrapped.s = s`). Whether the last transition was terminal
 * is kept beside it, per copy: Gymnasium reports `terminated` with the transition rather than
 * as a property of the state (a CliffWalking fall lands on the start and is not terminal).
 *
 * Randomness: step() has no Rng argument, so each copy draws its slips from its own stream,
 * seeded from the reset Rng at every reset (as LunarLander seeds its episode), which keeps
 * runs reproducible from the run seed.
 */
export function discreteDynamics(model: DiscreteModel): EnvDynamics & RenderStateSource {
  const rngs = new Map<number, Rng>();
  const done = new Map<number, boolean>();
  const rngFor = (o: number): Rng => {
    let r = rngs.get(o);
    if (!r) {
      r = new Rng(0, 'toy-text-step');
      rngs.set(o, r);
    }
    return r;
  };
  return {
    stateDim: 1,
    obsDim: model.nS,
    reset(state, o, rng) {
      rngs.set(o, new Rng(rng.nextUint32(), 'toy-text-step'));
      state[o] = sampleInitialState(model, rng);
      done.set(o, false);
    },
    step(state, o, actions, a) {
      const s = checkedState(model, state[o]);
      const action = actions[a];
      if (!Number.isInteger(action) || action < 0 || action >= model.nA) {
        throw new Error(`action must be an integer in 0..${model.nA - 1}, got ${action}`);
      }
      const [, next, reward, terminated] = sampleTransition(model, s, action, rngFor(o));
      state[o] = next;
      done.set(o, terminated);
      return reward;
    },
    terminated(_state, o) {
      return done.get(o) ?? false;
    },
    observe(state, o, obs, out) {
      obs.fill(0, out, out + model.nS);
      obs[out + checkedState(model, state[o])] = 1;
    },
    renderState(state, o) {
      return [state[o]];
    },
  };
}

function checkedState(model: DiscreteModel, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value >= model.nS) {
    throw new Error(`state must be an integer in 0..${model.nS - 1}, got ${value}`);
  }
  return value;
}

/** The state index of a one-hot observation (what tabular policies act on at evaluation). */
export function indexOfOneHot(obs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < obs.length; i++) if (obs[i] > obs[best]) best = i;
  return best;
}
