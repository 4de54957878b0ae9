/**
 * Evaluation episodes for the dashboard's playback: one episode on a fresh single env, its
 * render state recorded after the reset and after every step (the `PlaybackEpisode` frame
 * format, server/src/protocol/types.ts), capped at the env's time limit.
 */
import type { PlaybackEpisode } from '../protocol/types';
import type { ResolvedConfig } from '../schema';
import type { EnvDynamics } from './envs/dynamics';
import { actionDim, envSpec, makeDynamics, type EnvKwargs } from './envs/registry';
import type { RenderStateSource } from './envs/renderState';
import type { EnvSpec } from './envs/spaces';
import type { TrainingEnv } from './envs/trainingEnv';
import { Rng } from './rng';
import type { TrainedPolicy } from './types';

/**
 * Playback speed at 1x: Gymnasium's `metadata["render_fps"]` of each environment, so an
 * animation plays as fast as `render_mode="human"` shows it (Acrobot's 15 fps is faster than
 * its 0.2 s physics step; the others match theirs).
 */
const RENDER_FPS: Readonly<Record<string, number>> = {
  'CartPole-v1': 50,
  'Acrobot-v1': 15,
  'MountainCar-v0': 30,
  'MountainCarContinuous-v0': 30,
  'Pendulum-v1': 30,
  'LunarLander-v3': 50,
  'LunarLanderContinuous-v3': 50,
  'FrozenLake-v1': 4,
  'FrozenLake8x8-v1': 4,
  'CliffWalking-v0': 4,
  'CliffWalking-v1': 4,
  'Taxi-v3': 4,
};
const DEFAULT_FPS = 30;

/**
 * Where an env has no time limit (CliffWalking), an episode stops here, counted as truncated:
 * a deterministic policy that walks in a circle would otherwise never end.
 */
export const UNLIMITED_EPISODE_CAP = 10_000;

/** The seed stream of evaluation episodes: independent of training's streams, fixed by the run seed. */
export const PLAYBACK_STREAM = 'playback';

/** An env action row for an observation (the index for Discrete). */
export type ActFn = (obs: Float32Array) => ArrayLike<number>;

type Renderable = EnvDynamics & RenderStateSource & { renderMeta?(state: Float64Array, o: number): unknown };

function isRenderable(d: EnvDynamics): d is Renderable {
  return typeof (d as Partial<RenderStateSource>).renderState === 'function';
}

export interface RecordEpisodeOptions {
  env: string;
  kwargs?: EnvKwargs;
  seed: number;
  /** Defaults to the env's time limit; never more than it. */
  maxSteps?: number;
  /**
   * A fresh env to play, with its spec, when `env` is not a registered id (a custom module);
   * by default a new copy of the registered env is made.
   */
  source?: { spec: EnvSpec; dynamics: EnvDynamics };
}

/**
 * Runs one episode of `env` with `act` and records it. The reset draws from
 * Rng.stream(seed, 'playback'), so the same seed and policy give the same episode.
 * Frames are the env's renderState(); an env without one (a custom module) records its
 * observations instead, which the dashboard shows as bars.
 */
export function recordEpisode(opts: RecordEpisodeOptions, act: ActFn): PlaybackEpisode {
  const kwargs = opts.kwargs ?? {};
  const spec = opts.source?.spec ?? envSpec(opts.env, kwargs);
  // Fresh unless given: LunarLander keeps a Box2D world per dynamics object.
  const dynamics = opts.source?.dynamics ?? makeDynamics(opts.env, kwargs);
  const envLimit = Math.min(spec.maxEpisodeSteps, UNLIMITED_EPISODE_CAP);
  const limit = Math.min(opts.maxSteps ?? envLimit, envLimit);
  const state = new Float64Array(dynamics.stateDim);
  const obs = new Float32Array(dynamics.obsDim);
  const actions = new Float32Array(actionDim(spec));
  const frame: (applied: Float32Array | null) => number[] = isRenderable(dynamics)
    ? (applied) => dynamics.renderState(state, 0, applied, 0)
    : () => Array.from(obs);

  dynamics.reset(state, 0, Rng.stream(opts.seed, PLAYBACK_STREAM));
  dynamics.observe(state, 0, obs, 0);
  const frames: number[][] = [frame(null)];
  const meta = isRenderable(dynamics) ? dynamics.renderMeta?.(state, 0) : undefined;
  const rewards: number[] = [];
  let terminated = false;
  while (rewards.length < limit && !terminated) {
    actions.set(act(obs));
    rewards.push(dynamics.step(state, 0, actions, 0));
    terminated = dynamics.terminated(state, 0);
    dynamics.observe(state, 0, obs, 0);
    frames.push(frame(actions));
  }
  return {
    env: opts.env,
    dt: 1 / (RENDER_FPS[opts.env] ?? DEFAULT_FPS),
    ...(meta && typeof meta === 'object' ? { meta: { ...(meta as Record<string, unknown>) } } : {}),
    frames,
    rewards,
    terminated,
    truncated: !terminated && rewards.length >= envLimit,
  };
}

/**
 * The evaluation episode of a trained run: deterministic actions of the final policy on the
 * run's env, seeded from the run's seed; observations pass through the policy's own
 * transform (the normalization statistics it trained with) when it has one.
 */
export function evaluatePolicy(config: ResolvedConfig, policy: TrainedPolicy, env?: TrainingEnv): PlaybackEpisode {
  const transform = policy.transformObs?.bind(policy);
  // A one-copy vectorized env is just a way to get fresh dynamics of a custom env; it is not stepped.
  const source = env ? { spec: env.spec, dynamics: env.makeVecEnv(1, config.seed).dynamics } : undefined;
  return recordEpisode(
    { env: config.env, kwargs: config.env_kwargs ?? {}, seed: config.seed, ...(source ? { source } : {}) },
    (obs) => policy.actDeterministic(transform ? transform(obs) : obs),
  );
}
