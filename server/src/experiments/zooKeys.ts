import type { AlgoId } from '../schema';
/**
 * Keys that RL Baselines3 Zoo files (and Stable-Baselines3 constructors) accept but RL Lab does
 * not act on yet. They load with a warning naming the key rather than an error, so Zoo files
 * can be opened and run as they are.
 */
export const ZOO_UNIMPLEMENTED_KEYS: Readonly<Record<string, string>> = {
  normalize_kwargs: 'VecNormalize options',
  env_wrapper: 'Gymnasium wrappers around the environment',
  vec_env_wrapper: 'wrappers around the vectorized environment',
  frame_stack: 'stacking of consecutive observations',
  callback: 'training callbacks',
  eval_env_kwargs: 'keyword arguments for the evaluation environment',
  monitor_kwargs: 'Monitor wrapper options',
  use_sde: 'generalized State-Dependent Exploration',
  sde_sample_freq: 'gSDE noise resampling',
  stats_window_size: 'the episode statistics window',
  rollout_buffer_class: 'custom rollout buffers',
  replay_buffer_class: 'custom replay buffers (HER)',
  replay_buffer_kwargs: 'custom replay buffer options',
  rollout_buffer_kwargs: 'custom rollout buffer options',
  device: 'device placement (RL Lab chooses a TensorFlow.js backend instead)',
  verbose: 'SB3 console logging',
  tensorboard_log: 'TensorBoard logging (RL Lab writes metrics.jsonl)',
};

export function zooUnimplementedMessage(key: string): string {
  return `'${key}' (${ZOO_UNIMPLEMENTED_KEYS[key]}) is an RL Baselines3 Zoo setting that RL Lab does not implement yet; it is ignored`;
}

/**
 * Keys that Stable-Baselines3's constructor of these algorithms does not take (it raises a
 * TypeError), so RL Lab rejects them with the reason rather than ignoring them: gSDE exists in
 * SB3's on-policy algorithms and SAC only; DDPG and TD3 explore with action noise, DQN
 * epsilon-greedily.
 */
const UNSUPPORTED_BY_ALGO: Readonly<Record<string, Readonly<Partial<Record<AlgoId, string>>>>> = Object.fromEntries(
  ['use_sde', 'sde_sample_freq', 'use_sde_at_warmup'].map((key) => [
    key,
    {
      ddpg: 'DDPG explores with action noise (noise_type, noise_std)',
      td3: 'TD3 explores with action noise (noise_type, noise_std)',
      dqn: 'DQN explores epsilon-greedily (exploration_fraction, exploration_final_eps)',
    },
  ]),
);

/** Why `key` is rejected for `algo`, or undefined when it is not one of those keys. */
export function unsupportedKeyMessage(key: string, algo: AlgoId | undefined): string | undefined {
  const how = algo ? UNSUPPORTED_BY_ALGO[key]?.[algo] : undefined;
  if (!how) return undefined;
  return `'${key}' is not a ${algo!.toUpperCase()} setting: generalized State-Dependent Exploration (gSDE) is not part of Stable-Baselines3's ${algo!.toUpperCase()} (it is for sac, ppo, a2c and trpo); ${how}. Remove '${key}'`;
}
