/**
 * The hyperparameters RL Baselines3 Zoo tuned for the environments RL Lab has, copied from
 * github.com/DLR-RM/rl-baselines3-zoo `hyperparams/<algo>.yml` (MIT). Hover shows them beside
 * each key ("RL Zoo tuned for CartPole-v1: lin_0.001"). Zoo names LunarLander `-v2` in older
 * releases; the hyperparameters carried over unchanged to `-v3`, which is the id RL Lab uses.
 * Only what the Zoo file writes is listed: a key missing here is left at SB3's default there.
 */
export type ZooValue = number | string | boolean;

export const ZOO_TUNED: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, ZooValue>>>>>> = {
  ppo: {
    'CartPole-v1': {
      n_envs: 8, n_timesteps: 1e5, policy: 'MlpPolicy', n_steps: 32, batch_size: 256, gae_lambda: 0.8, gamma: 0.98,
      n_epochs: 20, ent_coef: 0.0, learning_rate: 'lin_0.001', clip_range: 'lin_0.2',
    },
    'Pendulum-v1': {
      n_envs: 4, n_timesteps: 1e5, policy: 'MlpPolicy', n_steps: 1024, gae_lambda: 0.95, gamma: 0.9, n_epochs: 10,
      ent_coef: 0.0, learning_rate: 1e-3, clip_range: 0.2, use_sde: true, sde_sample_freq: 4,
    },
    'MountainCar-v0': {
      normalize: true, n_envs: 16, n_timesteps: 1e6, policy: 'MlpPolicy', n_steps: 16, gae_lambda: 0.98, gamma: 0.99,
      n_epochs: 4, ent_coef: 0.0,
    },
    'MountainCarContinuous-v0': {
      normalize: true, n_envs: 1, n_timesteps: 20000, policy: 'MlpPolicy', batch_size: 256, n_steps: 8, gamma: 0.9999,
      learning_rate: 7.77e-5, ent_coef: 0.00429, clip_range: 0.1, n_epochs: 10, gae_lambda: 0.9, max_grad_norm: 5,
      vf_coef: 0.19, use_sde: true, policy_kwargs: 'dict(log_std_init=-3.29, ortho_init=False)',
    },
    'Acrobot-v1': {
      normalize: true, n_envs: 16, n_timesteps: 1e6, policy: 'MlpPolicy', n_steps: 256, gae_lambda: 0.94, gamma: 0.99,
      n_epochs: 4, ent_coef: 0.0,
    },
    'LunarLander-v3': {
      n_envs: 16, n_timesteps: 1e6, policy: 'MlpPolicy', n_steps: 1024, batch_size: 64, gae_lambda: 0.98, gamma: 0.999,
      n_epochs: 4, ent_coef: 0.01,
    },
    'LunarLanderContinuous-v3': {
      n_envs: 16, n_timesteps: 1e6, policy: 'MlpPolicy', n_steps: 1024, batch_size: 64, gae_lambda: 0.98, gamma: 0.999,
      n_epochs: 4, ent_coef: 0.01,
    },
  },
  a2c: {
    'CartPole-v1': { n_envs: 8, n_timesteps: 5e5, policy: 'MlpPolicy', ent_coef: 0.0 },
    'LunarLander-v3': { n_envs: 8, n_timesteps: 2e5, policy: 'MlpPolicy', gamma: 0.995, n_steps: 5, learning_rate: 'lin_0.00083', ent_coef: 0.00001 },
    'MountainCar-v0': { normalize: true, n_envs: 16, n_timesteps: 1e6, policy: 'MlpPolicy', ent_coef: 0.0 },
    'Acrobot-v1': { normalize: true, n_envs: 16, n_timesteps: 5e5, policy: 'MlpPolicy', ent_coef: 0.0 },
    'MountainCarContinuous-v0': {
      normalize: true, n_envs: 4, n_steps: 100, n_timesteps: 1e5, policy: 'MlpPolicy', ent_coef: 0.0, use_sde: true,
      sde_sample_freq: 16, policy_kwargs: 'dict(log_std_init=0.0, ortho_init=False)',
    },
  },
  trpo: {
    'CartPole-v1': {
      n_envs: 2, n_timesteps: 1e5, policy: 'MlpPolicy', n_steps: 512, batch_size: 512, cg_damping: 1e-3, gae_lambda: 0.98,
      gamma: 0.99, learning_rate: 1e-3, n_critic_updates: 20,
    },
    'Pendulum-v1': { n_envs: 2, n_timesteps: 1e5, policy: 'MlpPolicy', n_steps: 1024, gamma: 0.9, n_critic_updates: 15, use_sde: true, sde_sample_freq: 4 },
    'LunarLander-v3': {
      n_envs: 2, n_timesteps: 2e5, policy: 'MlpPolicy', n_steps: 512, cg_damping: 0.01, gae_lambda: 0.98, gamma: 0.99,
      learning_rate: 1e-3, n_critic_updates: 15,
    },
    'LunarLanderContinuous-v3': { normalize: true, n_envs: 2, n_timesteps: 1e5, policy: 'MlpPolicy', n_steps: 1024, n_critic_updates: 20 },
    'Acrobot-v1': { normalize: true, n_envs: 2, n_timesteps: 1e5, policy: 'MlpPolicy', n_steps: 1024 },
    'MountainCar-v0': { normalize: true, n_envs: 2, n_timesteps: 1e5, policy: 'MlpPolicy', n_steps: 1024, n_critic_updates: 20 },
    'MountainCarContinuous-v0': { normalize: true, n_envs: 2, n_timesteps: 50000, policy: 'MlpPolicy', use_sde: true, sde_sample_freq: 4 },
  },
  dqn: {
    'CartPole-v1': {
      n_timesteps: 2e5, policy: 'MlpPolicy', learning_rate: 2.5e-4, batch_size: 512, buffer_size: 100000, learning_starts: 0,
      gamma: 0.99, target_update_interval: 5000, train_freq: 16, gradient_steps: 4, exploration_fraction: 0.06,
      exploration_final_eps: 0.11,
    },
    'MountainCar-v0': {
      n_timesteps: 1.2e5, policy: 'MlpPolicy', learning_rate: 4e-3, batch_size: 128, buffer_size: 10000, learning_starts: 1000,
      gamma: 0.98, target_update_interval: 5000, train_freq: 16, gradient_steps: 8, exploration_fraction: 0.2,
      exploration_final_eps: 0.07, policy_kwargs: 'dict(net_arch=[256, 256])',
    },
    'LunarLander-v3': {
      n_timesteps: 1.5e5, policy: 'MlpPolicy', learning_rate: 8.8e-4, batch_size: 32, buffer_size: 1000000, learning_starts: 0,
      gamma: 0.99, target_update_interval: 10000, train_freq: 16, gradient_steps: -1, exploration_fraction: 0.2,
      exploration_final_eps: 0.1, policy_kwargs: 'dict(net_arch=[256, 256])',
    },
    'Acrobot-v1': {
      n_timesteps: 1.5e5, policy: 'MlpPolicy', learning_rate: 2.5e-4, batch_size: 512, buffer_size: 100000, learning_starts: 0,
      gamma: 0.99, target_update_interval: 5000, train_freq: 16, gradient_steps: 4, exploration_fraction: 0.06,
      exploration_final_eps: 0.11,
    },
  },
  sac: {
    'MountainCarContinuous-v0': {
      n_timesteps: 50000, policy: 'MlpPolicy', learning_rate: 3e-4, buffer_size: 50000, batch_size: 512, ent_coef: 0.1,
      train_freq: 32, gradient_steps: 32, gamma: 0.9999, tau: 0.01, learning_starts: 0, use_sde: true,
      policy_kwargs: 'dict(log_std_init=-3.67, net_arch=[64, 64])',
    },
    'Pendulum-v1': { n_timesteps: 20000, policy: 'MlpPolicy', learning_rate: 1e-3 },
    'LunarLanderContinuous-v3': {
      n_timesteps: 5e5, policy: 'MlpPolicy', batch_size: 256, learning_rate: 'lin_7.3e-4', buffer_size: 1000000, ent_coef: 'auto',
      gamma: 0.99, tau: 0.01, train_freq: 1, gradient_steps: 1, learning_starts: 10000, policy_kwargs: 'dict(net_arch=[400, 300])',
    },
  },
  ddpg: {
    'MountainCarContinuous-v0': { n_timesteps: 300000, policy: 'MlpPolicy', noise_type: 'ornstein-uhlenbeck', noise_std: 0.5 },
    'Pendulum-v1': {
      n_timesteps: 20000, policy: 'MlpPolicy', gamma: 0.98, buffer_size: 200000, learning_starts: 10000, noise_type: 'normal',
      noise_std: 0.1, gradient_steps: -1, train_freq: '[1, "episode"]', learning_rate: 1e-3, policy_kwargs: 'dict(net_arch=[400, 300])',
    },
    'LunarLanderContinuous-v3': {
      n_timesteps: 3e5, policy: 'MlpPolicy', gamma: 0.98, buffer_size: 200000, learning_starts: 10000, noise_type: 'normal',
      noise_std: 0.1, gradient_steps: -1, train_freq: '[1, "episode"]', learning_rate: 1e-3, policy_kwargs: 'dict(net_arch=[400, 300])',
    },
  },
  td3: {
    'MountainCarContinuous-v0': { n_timesteps: 300000, policy: 'MlpPolicy', noise_type: 'ornstein-uhlenbeck', noise_std: 0.5 },
    'Pendulum-v1': {
      n_timesteps: 20000, policy: 'MlpPolicy', gamma: 0.98, buffer_size: 200000, learning_starts: 10000, noise_type: 'normal',
      noise_std: 0.1, gradient_steps: -1, train_freq: '[1, "episode"]', learning_rate: 1e-3, policy_kwargs: 'dict(net_arch=[400, 300])',
    },
    'LunarLanderContinuous-v3': {
      n_timesteps: 3e5, policy: 'MlpPolicy', batch_size: 256, learning_starts: 1000, noise_type: 'ornstein-uhlenbeck', noise_std: 0.1,
    },
  },
};

/** The Zoo's tuned entry for an algorithm on an environment, when the Zoo has one. */
export function zooTunedEntry(algo: string, env: string): Readonly<Record<string, ZooValue>> | undefined {
  return ZOO_TUNED[algo]?.[env];
}
