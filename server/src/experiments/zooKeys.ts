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
