/**
 * LunarLander behind the EnvDynamics interface the vectorized env steps. A Box2D world cannot
 * live in a Float64Array, so each copy's world is a LunarLander object keyed by the copy's state
 * offset; the state slice mirrors what the interface reads: the float64 observation and a
 * terminal flag. That makes the returned object stateful: make one per VecEnv (the registry's
 * factory does).
 *
 * Seeding: every reset draws one 32-bit seed from the caller's reset stream for that episode's
 * own generator (terrain, initial push, wind phase, engine dispersion), so an episode depends on
 * the run seed and the order of resets, never on how the copies' steps interleave.
 */
import { Rng } from '../rng';
import type { EnvDynamics } from './dynamics';
import { LunarLander, type LunarLanderMeta, type LunarLanderOptions } from './lunarLander';
import type { RenderStateSource } from './renderState';

const OBS_DIM = 8;
const TERMINAL = OBS_DIM; // index of the terminal flag in a copy's state slice

export interface LunarLanderDynamics extends EnvDynamics, RenderStateSource {
  /** The env object of the copy whose state starts at offset o. */
  envAt(o: number): LunarLander | undefined;
  /** PlaybackEpisode.meta of the copy's current episode (terrain, helipad, viewport). */
  renderMeta(state: Float64Array, o: number): LunarLanderMeta;
}

export function lunarLanderDynamics(options: LunarLanderOptions = {}): LunarLanderDynamics {
  const envs = new Map<number, LunarLander>();
  /** What save() last wrote per copy: a different slice at step() means someone set the state. */
  const written = new Map<number, Float64Array>();
  new LunarLander(options); // validates the options once, up front, with a clear error
  const continuous = options.continuous ?? false;
  const action2: [number, number] = [0, 0];

  const save = (env: LunarLander, state: Float64Array, o: number, terminated: boolean): void => {
    state.set(env.rawObservation(), o);
    state[o + TERMINAL] = terminated ? 1 : 0;
    let copy = written.get(o);
    if (!copy) written.set(o, (copy = new Float64Array(OBS_DIM + 1)));
    copy.set(state.subarray(o, o + OBS_DIM + 1));
  };
  /** The world, not the slice, is the state: refuse to step from a slice set from outside (SingleEnv.setState). */
  const checkUntouched = (state: Float64Array, o: number): void => {
    const copy = written.get(o)!;
    for (let i = 0; i <= OBS_DIM; i++) {
      if (!Object.is(copy[i], state[o + i])) {
        throw new Error("LunarLander's state is a Box2D world and cannot be set; reset the environment instead");
      }
    }
  };
  const envOf = (o: number): LunarLander => {
    const env = envs.get(o);
    if (!env) throw new Error('LunarLander: step() before reset()');
    return env;
  };

  return {
    stateDim: OBS_DIM + 1,
    obsDim: OBS_DIM,

    reset(state, o, rng) {
      let env = envs.get(o);
      if (!env) {
        env = new LunarLander(options);
        envs.set(o, env);
      }
      env.reset(new Rng(rng.nextUint32(), 'LunarLander-episode'));
      save(env, state, o, false);
    },

    step(state, o, actions, a) {
      const env = envOf(o);
      checkUntouched(state, o);
      let result;
      if (continuous) {
        action2[0] = actions[a];
        action2[1] = actions[a + 1];
        result = env.step(action2);
      } else {
        result = env.step(actions[a]);
      }
      save(env, state, o, result.terminated);
      return result.reward;
    },

    terminated(state, o) {
      return state[o + TERMINAL] === 1;
    },

    observe(state, o, obs, out) {
      for (let i = 0; i < OBS_DIM; i++) obs[out + i] = state[o + i]; // Float32Array rounds like np.float32
    },

    envAt(o) {
      return envs.get(o);
    },

    renderState(_state, o) {
      return envOf(o).renderState();
    },

    renderMeta(_state, o) {
      return envOf(o).renderMeta();
    },
  };
}
