import type { AlgoId } from './types';
import type { DpoHyperparameters, GrpoHyperparameters, PpoRlhfHyperparameters } from './rlhf';
import type { SftHyperparameters } from './sft';
import type { RewardModelHyperparameters } from './rewardModel';

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
  /** `qf`: the Q-networks' sizes of DDPG/TD3/SAC (SB3's dict(pi=..., qf=...)); absent: the same as vf. */
  net_arch: { pi: number[]; vf: number[]; qf?: number[] };
  activation_fn: Activation;
  ortho_init: boolean;
  log_std_init: number;
  /** gSDE: a log std per (latent feature, action dim) (true, SB3's default) or per latent feature. */
  full_std?: boolean;
  /** gSDE: std = exp(x) below 0, log1p(x) + 1 above, instead of exp(x) (SB3's default false). */
  use_expln?: boolean;
  /** SAC with gSDE: the mean is clipped to [-clip_mean, clip_mean] before the tanh (SB3's default 2.0; 0: no clip). */
  clip_mean?: number;
}

export interface PpoHyperparameters extends GsdeHyperparameters {
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

/** gSDE (schema/gsde.ts); optional: configs written before gSDE existed have neither. */
export interface GsdeHyperparameters {
  use_sde?: boolean;
  /** -1: resample the exploration matrices once per rollout. */
  sde_sample_freq?: number;
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
export interface A2cHyperparameters extends GsdeHyperparameters {
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

/** A3C's hyperparameters (see schema/a3c.ts). */
export interface A3cHyperparameters {
  n_workers: number;
  learning_rate: ScheduleValue;
  n_steps: number;
  gamma: number;
  gae_lambda: number;
  ent_coef: number;
  vf_coef: number;
  max_grad_norm: number;
  rms_prop_eps: number;
  rms_prop_alpha: number;
  normalize_advantage: boolean;
}

/** Behaviour cloning's hyperparameters (see schema/bc.ts). */
export interface BcHyperparameters {
  /** A JSONL path (absolute once resolved against the experiment file) or `run:<run id or folder>`. */
  demonstrations: string | null;
  demo_episodes: number;
  learning_rate: ScheduleValue;
  batch_size: number;
  n_epochs: number;
  validation_split: number;
  eval_episodes: number;
  eval_freq: number;
}

/** Natural policy gradient's hyperparameters (sb3-contrib TRPO's names; see schema/npg.ts). */
export interface NpgHyperparameters extends GsdeHyperparameters {
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

/** The replay-buffer keys every off-policy algorithm has (SB3 names; see schema/dqn.ts). */
export interface OffPolicyHyperparameters {
  learning_rate: ScheduleValue;
  buffer_size: number;
  learning_starts: number;
  batch_size: number;
  tau: number;
  gamma: number;
  train_freq: TrainFreqValue;
  /** -1: one gradient step per transition collected in the phase. */
  gradient_steps: number;
  optimize_memory_usage: boolean;
}

/** DQN's hyperparameters (SB3 names; see schema/dqn.ts for each one's doc). */
export interface DqnHyperparameters extends OffPolicyHyperparameters {
  target_update_interval: number;
  exploration_fraction: number;
  exploration_initial_eps: number;
  exploration_final_eps: number;
  max_grad_norm: number;
  double_q: boolean;
  dueling: boolean;
}

/** SB3's `train_freq`: a number of steps, or Zoo's `[n, "step" | "episode"]`. */
export type TrainFreqValue = number | [number, 'step' | 'episode'];

/** The replay/target keys DDPG, TD3 and SAC share: the off-policy ones (see schema/ddpg.ts). */
export type ContinuousOffPolicyHyperparameters = OffPolicyHyperparameters;

/** DDPG's hyperparameters (SB3 names; RL Baselines3 Zoo's noise keys). */
export interface DdpgHyperparameters extends ContinuousOffPolicyHyperparameters {
  /** Exploration noise added to the deterministic action; null: none. */
  noise_type: 'normal' | 'ornstein-uhlenbeck' | null;
  noise_std: number;
  /** When set, the noise std decays linearly from noise_std to this over training (Zoo). */
  noise_std_final: number | null;
}

/** TD3's hyperparameters: DDPG's plus the three TD3 tricks' settings. */
export interface Td3Hyperparameters extends DdpgHyperparameters {
  policy_delay: number;
  target_policy_noise: number;
  target_noise_clip: number;
}

/** SAC's hyperparameters (SB3 names; see schema/sac.ts). */
export interface SacHyperparameters extends ContinuousOffPolicyHyperparameters {
  /** A number (fixed alpha), `auto` or `auto_<init>` (learned, starting at init, default 1). */
  ent_coef: number | string;
  /** `auto` (-dim(A)) or a number. */
  target_entropy: number | string;
  /** Gradient steps between target-network updates. */
  target_update_interval: number;
  use_sde: boolean;
  sde_sample_freq: number;
  use_sde_at_warmup: boolean;
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
  sft: SftHyperparameters;
  reward_model: RewardModelHyperparameters;
  ppo_rlhf: PpoRlhfHyperparameters;
  dpo: DpoHyperparameters;
  grpo: GrpoHyperparameters;
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
  ddpg: DdpgHyperparameters;
  td3: Td3Hyperparameters;
  sac: SacHyperparameters;
  a3c: A3cHyperparameters;
  bc: BcHyperparameters;
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
  /**
   * Where a language-model stage starts from (`init_from`): an experiment of the same file (its
   * latest completed run) or a run id; resolved when training starts (rlhf/initFrom.ts).
   */
  init_from?: string;
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