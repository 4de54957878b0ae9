import type { AlgoId } from './types';

/** A hyperparameter that may decay: a constant, or `lin_<start>` (linear to 0 over training). */
export type ScheduleValue = number | string;

export type Activation = 'tanh' | 'relu';

/** One environment constructor option (`gym.make(id, key=value)`). */
export type EnvKwargValue = number | boolean | string | null;

/**
 * VecNormalize options (Stable-Baselines3 names). `normalize: true` in an experiment means
 * SB3's defaults with the algorithm's gamma, as RL Baselines3 Zoo does.
 */
export interface NormalizeConfig {
  /** Normalize observations with their running mean and variance. */
  norm_obs: boolean;
  /** Scale rewards by the running std of the discounted return. */
  norm_reward: boolean;
  clip_obs: number;
  clip_reward: number;
  /** Discount of the return whose std scales rewards. */
  gamma: number;
  /** Added to the variance before the square root. */
  epsilon: number;
}

export interface PolicyKwargs {
  net_arch: { pi: number[]; vf: number[] };
  activation_fn: Activation;
  ortho_init: boolean;
  log_std_init: number;
}

export interface PpoHyperparameters {
  learning_rate: ScheduleValue;
  n_steps: number;
  batch_size: number;
  n_epochs: number;
  gamma: number;
  gae_lambda: number;
  clip_range: ScheduleValue;
  clip_range_vf: ScheduleValue | null;
  normalize_advantage: boolean;
  ent_coef: number;
  vf_coef: number;
  max_grad_norm: number;
  target_kl: number | null;
}

/**
 * An experiment with every default filled in and every value validated: what the engine
 * trains and what `config.yaml` in the run folder records.
 */
export interface ResolvedConfig {
  experiment: string;
  algo: AlgoId;
  env: string;
  /**
   * Constructor options of the environment (`gym.make(env, **env_kwargs)`), `{}` for none.
   * Optional only so configs written before it existed still type-check; resolve always fills it.
   */
  env_kwargs?: Record<string, EnvKwargValue>;
  /**
   * Absolute path of the module of a custom environment (`env: custom`), resolved against the
   * experiment file's folder; absent for built-in environments.
   */
  env_module?: string;
  /** VecNormalize statistics, or false (off). Optional so older configs still type-check. */
  normalize?: NormalizeConfig | false;
  n_envs: number;
  n_timesteps: number;
  seed: number;
  policy: string;
  policy_kwargs: PolicyKwargs;
  hyperparameters: PpoHyperparameters;
}
