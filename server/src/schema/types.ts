/**
 * The shape of one entry of the hyperparameter schema. The schema is the single source for
 * validation (diagnostics, CLI errors), hover text, completion, the README table and the
 * resolved config saved with each run.
 */
import type { PolicyKwargs } from './config';

export type AlgoId =
  | 'ppo'
  | 'dqn'
  | 'reinforce'
  | 'a2c'
  | 'npg'
  | 'trpo'
  // Continuous-action off-policy methods (schema/ddpg.ts, td3.ts, sac.ts).
  | 'ddpg'
  | 'td3'
  | 'sac'
  // Asynchronous actor-critic with worker threads (schema/a3c.ts).
  | 'a3c'
  // Behaviour cloning from demonstrations (schema/bc.ts).
  | 'bc'
  // Supervised language-model stages (schema/sft.ts, rewardModel.ts): text tasks only.
  | 'sft'
  | 'reward_model'
  // Reinforcement learning for language models (schema/rlhf.ts): text tasks only.
  | 'ppo_rlhf'
  | 'dpo'
  | 'grpo'
  // Tabular methods (schema/tabular.ts): toy-text environments only.
  | 'q_learning'
  | 'sarsa'
  | 'expected_sarsa'
  | 'mc_control'
  | 'value_iteration'
  | 'policy_iteration';

export type ParamType =
  /** Whole number. */
  | 'int'
  /** Real number; YAML `!!float 1e5` and `1e-3` both parse to numbers. */
  | 'float'
  | 'bool'
  | 'string'
  /** One of `values`. */
  | 'enum'
  /** A number, or `lin_<start>` for a linear decay from start to 0 over training (RL Zoo). */
  | 'schedule'
  /** Policy options: a YAML mapping or a Python-dict string such as "dict(net_arch=[64, 64])". */
  | 'policy_kwargs'
  /** Environment constructor options of scalars: a YAML mapping or "dict(continuous=True)". */
  | 'env_kwargs'
  /** true | false, or VecNormalize options: a mapping or "{'norm_obs': True, 'norm_reward': False}". */
  | 'normalize'
  /** A sweep declaration: `{ method: grid | random, values: { key: [v, ...] }, seeds: [...], n_trials }` (experiments/sweep.ts). */
  | 'sweep'
  /** A number, `auto`, or `auto_<number>` (SAC's ent_coef and target_entropy). */
  | 'auto_float'
  /** A whole number of steps, or `[n, "step" | "episode"]` (SB3's train_freq tuple, as Zoo writes it). */
  | 'train_freq';

export type ParamValue = number | boolean | string | null | Record<string, unknown>;

export interface ParamSpec {
  key: string;
  type: ParamType;
  /** `null` means "off" for nullable keys (target_kl, clip_range_vf) and "required" otherwise. */
  default: ParamValue;
  /** `null` (YAML `~` / `null`) is allowed and means the feature is disabled. */
  nullable?: boolean;
  required?: boolean;
  /** Hard bounds: values outside are errors. */
  min?: number;
  max?: number;
  /** When true, `min` itself is excluded (e.g. learning_rate > 0). */
  minExclusive?: boolean;
  /** The range practitioners use; shown in hover, not enforced. */
  sensible?: readonly [number, number];
  values?: readonly string[];
  /** One line: what it does. */
  summary: string;
  /** A paragraph: how it acts on training, when to change it. */
  explanation: string;
  /** Plain-text formula (shown in a code block), citing its source. */
  formula?: string;
  /** Algorithms that use the key; `experiment` keys apply to all. */
  algos: readonly AlgoId[] | 'all';
  /** False for keys accepted for RL Baselines3 Zoo compatibility but not acted on yet. */
  implemented?: boolean;
  /** With `implemented: false`: why, shown as the warning instead of the Zoo-compatibility one. */
  unimplementedNote?: string;
}

export interface AlgoSpec {
  id: AlgoId;
  name: string;
  summary: string;
  explanation: string;
  actionSpaces: readonly ('discrete' | 'continuous')[];
  /**
   * Set for algorithms that need a finite set of states, Gymnasium's Discrete observation
   * (tabular methods): an env without one is an error on `env`.
   */
  observationSpaces?: readonly 'discrete'[];
  /** policy_kwargs defaults that differ from the experiment-wide ones (e.g. DQN's ReLU Q-network). */
  policyDefaults?: Partial<PolicyKwargs>;
}
