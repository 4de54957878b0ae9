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
  /** `clip` (absent in configs written before the KL-penalty mode existed) or `kl_penalty`. */
  ppo_mode?: 'clip' | 'kl_penalty';
  /** KL-penalty mode: the initial beta. */
  kl_coef?: number;
  /** KL-penalty mode: d_targ, the divergence beta is adapted around. */
  kl_target?: number;
}

/** REINFORCE's hyperparameters (see schema/reinforce.ts). */
export interface ReinforceHyperparameters {
  learning_rate: ScheduleValue;
  /** Complete episodes per update. */
  n_episodes: number;
  gamma: number;
  reward_to_go: boolean;
  use_baseline: boolean;
  normalize_advantage: boolean;
  ent_coef: number;
  n_critic_updates: number;
  max_grad_norm: number | null;
}

/** A2C's hyperparameters (Stable-Baselines3 names and defaults; see schema/a2c.ts). */
export interface A2cHyperparameters {
  learning_rate: ScheduleValue;
  n_steps: number;
  gamma: number;
  gae_lambda: number;
  ent_coef: number;
  vf_coef: number;
  max_grad_norm: number;
  rms_prop_eps: number;
  use_rms_prop: boolean;
  normalize_advantage: boolean;
}

/** Natural policy gradient's hyperparameters (sb3-contrib TRPO's names; see schema/npg.ts). */
export interface NpgHyperparameters {
  /** The critic's Adam step size (the actor's step comes from target_kl). */
  learning_rate: ScheduleValue;
  n_steps: number;
  /** Minibatch size of the critic's updates. */
  batch_size: number;
  gamma: number;
  gae_lambda: number;
  target_kl: number;
  cg_max_steps: number;
  cg_damping: number;
  n_critic_updates: number;
  normalize_advantage: boolean;
  sub_sampling_factor: number;
}

/** TRPO's hyperparameters (sb3-contrib names; see schema/trpo.ts). */
export interface TrpoHyperparameters extends NpgHyperparameters {
  line_search_shrinking_factor: number;
  line_search_max_iter: number;
}

/** DQN's hyperparameters (SB3 names; see schema/dqn.ts for each one's doc). */
export interface DqnHyperparameters {
  learning_rate: ScheduleValue;
  buffer_size: number;
  learning_starts: number;
  batch_size: number;
  tau: number;
  gamma: number;
  train_freq: number;
  /** -1: one gradient step per transition collected in the phase. */
  gradient_steps: number;
  target_update_interval: number;
  exploration_fraction: number;
  exploration_initial_eps: number;
  exploration_final_eps: number;
  max_grad_norm: number;
  double_q: boolean;
  dueling: boolean;
  optimize_memory_usage: boolean;
}

/** Epsilon-greedy exploration of the tabular algorithms (see training/algos/tabular/exploration.ts). */
export interface TabularExplorationHyperparameters {
  exploration_schedule: 'linear' | 'exponential';
  exploration_initial_eps: number;
  exploration_final_eps: number;
  exploration_fraction: number;
  exploration_decay: number;
}

/** Tabular TD control: q_learning, sarsa, expected_sarsa (see schema/tabular.ts). */
export interface TabularTdHyperparameters extends TabularExplorationHyperparameters {
  /** alpha, the step size of Q(s, a) += alpha * delta. */
  learning_rate: ScheduleValue;
  gamma: number;
  /** Initial value of every Q(s, a) (optimistic when above the returns). */
  q_init: number;
}

/** First-visit Monte-Carlo control (see schema/tabular.ts). */
export interface McControlHyperparameters extends TabularExplorationHyperparameters {
  gamma: number;
}

/** value_iteration and policy_iteration on the known model (see schema/tabular.ts). */
export interface DynamicProgrammingHyperparameters {
  gamma: number;
  /** Convergence threshold on the largest change of V in a sweep. */
  theta: number;
  /** Value-iteration sweeps, or policy-iteration rounds (and evaluation sweeps per round), at most. */
  max_iterations: number;
  /** Greedy episodes played after planning to report the policy's return. */
  eval_episodes: number;
}

/** Each algorithm's hyperparameters (the schema's keys of that algorithm, defaults filled in). */
export interface HyperparametersByAlgo {
  q_learning: TabularTdHyperparameters;
  sarsa: TabularTdHyperparameters;
  expected_sarsa: TabularTdHyperparameters;
  mc_control: McControlHyperparameters;
  value_iteration: DynamicProgrammingHyperparameters;
  policy_iteration: DynamicProgrammingHyperparameters;
  ppo: PpoHyperparameters;
  dqn: DqnHyperparameters;
  reinforce: ReinforceHyperparameters;
  a2c: A2cHyperparameters;
  npg: NpgHyperparameters;
  trpo: TrpoHyperparameters;
}

export type AlgoHyperparameters = HyperparametersByAlgo[keyof HyperparametersByAlgo];

/** The hyperparameters of a config of `algo`, typed; throws when the config is of another algorithm. */
export function hyperparametersOf<A extends keyof HyperparametersByAlgo>(config: ResolvedConfig, algo: A): HyperparametersByAlgo[A] {
  if (config.algo !== algo) throw new Error(`expected a '${algo}' config, got '${config.algo}'`);
  return config.hyperparameters as HyperparametersByAlgo[A];
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
  /** Env steps between periodic checkpoints; 0: only the final one. Optional so older configs still type-check. */
  checkpoint_freq?: number;
  /** The experiment's `sweep:` declaration, when it has one (a run of one combination has none). */
  sweep?: SweepSpec;
  /** The algorithm's hyperparameters: HyperparametersByAlgo[algo] (read them with hyperparametersOf). */
  hyperparameters: AlgoHyperparameters;
}

/** Checkpoint frequency when an experiment sets none (env steps); the schema's default of checkpoint_freq. */
export const DEFAULT_CHECKPOINT_FREQ = 10000;

/**
 * One value range of a random sweep: uniform in [min, max], or log-uniform with `log`
 * (learning rates), rounded with `int`.
 */
export interface SweepRange {
  min: number;
  max: number;
  log?: boolean;
  int?: boolean;
}

/** An experiment's `sweep:` (see experiments/sweep.ts for how it expands). */
export interface SweepSpec {
  method: 'grid' | 'random';
  /** Key -> candidate values (grid: every combination; random: drawn per trial). Random also takes ranges. */
  values: Record<string, unknown[] | SweepRange>;
  /** Every combination runs once per seed; absent: once, with the experiment's seed. */
  seeds?: number[];
  /** Random: how many combinations to draw. */
  n_trials?: number;
  /** Random: the seed of the draws (default 0), so the same sweep draws the same trials. */
  sampler_seed?: number;
}