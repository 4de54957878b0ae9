/** The configurations the benchmark trains, written out in full (every default explicit). */
import type { ResolvedConfig } from '../server/src/schema';

/** CleanRL ppo.py defaults on CartPole-v1 (the figures in ../shared/bench were measured with these). */
export function cleanRlCartPole(totalSteps: number, seed = 1): ResolvedConfig {
  return {
    experiment: 'bench-ppo-cartpole-cleanrl',
    algo: 'ppo',
    env: 'CartPole-v1',
    n_envs: 4,
    n_timesteps: totalSteps,
    seed,
    policy: 'MlpPolicy',
    policy_kwargs: { net_arch: { pi: [64, 64], vf: [64, 64] }, activation_fn: 'tanh', ortho_init: true, log_std_init: 0 },
    hyperparameters: {
      learning_rate: 'lin_0.00025',
      n_steps: 128,
      batch_size: 128,
      n_epochs: 4,
      gamma: 0.99,
      gae_lambda: 0.95,
      clip_range: 0.2,
      clip_range_vf: null,
      normalize_advantage: true,
      ent_coef: 0.01,
      vf_coef: 0.5,
      max_grad_norm: 0.5,
      target_kl: null,
    },
  };
}
