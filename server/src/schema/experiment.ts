import { ENV_IDS } from '../training/envs/registry';
import { TEXT_ENV_IDS } from '../training/rlhf/tasks';
import { CUSTOM_ENV } from '../training/envs/custom/id';
import type { ParamSpec } from './types';

/** Keys every experiment has, whatever its algorithm. */
export const EXPERIMENT_PARAMS: readonly ParamSpec[] = [
  {
    key: 'algo',
    type: 'enum',
    default: null,
    required: true,
    values: ['ppo', 'dqn', 'reinforce', 'a2c', 'npg', 'trpo', 'ddpg', 'td3', 'sac', 'a3c', 'bc', 'sft', 'reward_model', 'ppo_rlhf', 'dpo', 'grpo', 'q_learning', 'sarsa', 'expected_sarsa', 'mc_control', 'value_iteration', 'policy_iteration'],
    summary: 'The training algorithm.',
    explanation:
      'Which algorithm trains this experiment. In an RL Baselines3 Zoo file (`hyperparams/<algo>.yml`) it comes from the file name instead.',
    algos: 'all',
  },
  {
    key: 'env',
    type: 'enum',
    default: null,
    required: true,
    values: [...ENV_IDS, CUSTOM_ENV, ...TEXT_ENV_IDS],
    summary: 'The environment id (Gymnasium naming), `custom` for your own (see env_module), or a text task (`text/...`) for the language-model stages.',
    explanation:
      'The environment to train on. Ids and dynamics follow Gymnasium exactly. In an RL Baselines3 Zoo file the top-level key is the env id. `custom` trains on the environment exported by the module named in `env_module` (trusted workspaces only). The language-model stages (sft, reward_model, ppo_rlhf, dpo, grpo) take a text task instead: `text/sort-digits`, `text/target-sum`, `text/positive-words` (generated data with a programmatic reward), or `text/dataset` (only the `dataset:` JSONL file).',
    algos: 'all',
  },
  {
    key: 'env_kwargs',
    type: 'env_kwargs',
    default: {},
    summary: 'Options passed to the environment constructor (Gymnasium gym.make keyword arguments).',
    explanation:
      'A YAML mapping or, as in RL Baselines3 Zoo, a Python-dict string such as `"dict(continuous=True)"`, read as data. Values are numbers, booleans, strings or null. LunarLander-v3 takes `continuous`, `gravity` (between -12 and 0), `enable_wind`, `wind_power` and `turbulence_power`; `continuous: true` gives it the Box(2) action space of LunarLanderContinuous-v3. The classic-control environments take none.',
    algos: 'all',
  },
  {
    key: 'env_module',
    type: 'string',
    default: null,
    nullable: true,
    summary: 'Path of a JavaScript or TypeScript module exporting a custom environment (with `env: custom`).',
    explanation:
      'Relative to the experiment file. The module exports a class or a factory function (as `default` or `createEnv`) making an environment with `observationSpace`, `actionSpace`, `reset(seed)` returning the first observation, `step(action)` returning `{ obs, reward, terminated, truncated? }` and optionally `maxEpisodeSteps`; `env_kwargs` are passed to the factory. The module runs in the training process, never in the language server, and only in a trusted workspace. TypeScript modules are compiled with esbuild when it can be found. See "Custom environments" in the README.',
    algos: 'all',
  },
  {
    key: 'n_envs',
    type: 'int',
    default: 1,
    min: 1,
    max: 4096,
    sensible: [1, 64],
    summary: 'Number of environment copies stepped in parallel.',
    explanation:
      'Environments are vectorized: one batched forward pass chooses the actions of all copies. For on-policy algorithms each rollout holds n_steps x n_envs transitions.',
    algos: 'all',
  },
  {
    key: 'n_timesteps',
    type: 'int',
    default: 100000,
    min: 1,
    sensible: [10000, 10000000],
    summary: 'Total environment steps to train for (summed over all envs).',
    explanation:
      'Training stops once this many environment steps have been taken. Schedules such as `lin_0.001` decay over this budget. RL Zoo files often write it as `!!float 1e5`.',
    algos: 'all',
  },
  {
    key: 'seed',
    type: 'int',
    default: null,
    nullable: true,
    min: 0,
    max: 2 ** 31 - 1,
    summary: 'Random seed for environments, network initialisation and sampling.',
    explanation:
      'Fixes every random choice, so a run with the same config, seed and backend repeats. Left out, a seed is drawn when the run starts and recorded in run.json and config.yaml.',
    algos: 'all',
  },
  {
    key: 'policy',
    type: 'enum',
    default: 'MlpPolicy',
    values: ['MlpPolicy'],
    summary: 'Policy network family (Stable-Baselines3 naming).',
    explanation: '`MlpPolicy`: fully connected networks on the flat observation vector.',
    algos: 'all',
  },
  {
    key: 'policy_kwargs',
    type: 'policy_kwargs',
    default: { net_arch: { pi: [64, 64], vf: [64, 64] }, activation_fn: 'tanh', ortho_init: true, log_std_init: 0 },
    summary: 'Network options: net_arch, activation_fn, ortho_init, log_std_init (gSDE: full_std, use_expln, clip_mean).',
    explanation:
      'A YAML mapping or, as in RL Baselines3 Zoo, a Python-dict string such as `"dict(net_arch=[64, 64], activation_fn=nn.ReLU)"`. The string is parsed as data, never evaluated. `net_arch` is a list of hidden sizes shared by actor and critic (as separate networks), or `dict(pi=[...], vf=[...])`. `activation_fn`: `nn.Tanh` or `nn.ReLU`. `ortho_init`: orthogonal initialisation (gain sqrt(2) for hidden layers, 0.01 for the policy head, 1 for the value head). `log_std_init`: initial log standard deviation of a Gaussian policy (with gSDE, `use_sde`, of every entry of its log-std matrix). `full_std` (gSDE, default True): one log std per latent feature and action dimension, or per latent feature only; `use_expln` (gSDE, default False): std = exp(x) below 0 and log1p(x) + 1 above instead of exp(x); `clip_mean` (SAC with gSDE, default 2.0): the mean action is clipped to [-clip_mean, clip_mean] before the tanh squash. DQN\'s Q-network defaults differ, as in SB3: `net_arch` [64, 64], `nn.ReLU`, PyTorch\'s default initialisation (`ortho_init` false); a list `net_arch` gives its hidden layers.',
    algos: 'all',
  },
  {
    key: 'normalize',
    type: 'normalize',
    default: false,
    summary: 'Normalize observations and rewards with running statistics (SB3 VecNormalize).',
    explanation:
      '`true` normalizes observations to zero mean and unit variance with running statistics, clipped to ±10, and scales rewards by the running standard deviation of the discounted return (with the algorithm\'s `gamma`), clipped to ±10, as Stable-Baselines3\'s VecNormalize. Statistics update only while training and are saved in the run folder as `normalization.json`, so evaluation uses the same ones. `charts/episodic_return` stays the raw return. As in RL Baselines3 Zoo, a Python-dict string such as `"{\'norm_obs\': True, \'norm_reward\': False}"` or a mapping chooses parts: `norm_obs`, `norm_reward`, `clip_obs`, `clip_reward`, `gamma`, `epsilon`.',
    formula: "obs' = clip((obs - mean) / sqrt(var + 1e-8), -clip_obs, clip_obs)\nret = gamma * ret + r;  r' = clip(r / sqrt(var_ret + 1e-8), -clip_reward, clip_reward)   (SB3 VecNormalize)",
    algos: 'all',
  },
  {
    key: 'checkpoint_freq',
    type: 'int',
    default: 10000,
    min: 0,
    sensible: [1000, 1000000],
    summary: 'Environment steps between checkpoints (0: only the final one).',
    explanation:
      'A checkpoint holds everything needed to continue training exactly: network weights, optimizer state (Adam moments and step count), normalization statistics, random-number streams, step counters and schedule progress. It is written atomically into the run folder\'s `checkpoints/` at the first update at or after every multiple of this many env steps (summed over envs), and once more when training completes or is stopped; the newest 3 are kept. Resume (Runs tree, `rl-lab resume RUN`) continues from the newest one in the same run folder, evaluation and policy export read it. Smaller values lose less work on a crash and cost a little disk and time.',
    algos: 'all',
  },
  {
    key: 'sweep',
    type: 'sweep',
    default: null,
    nullable: true,
    summary: 'Hyperparameter sweep: grid or random values for named keys, times a list of seeds.',
    explanation:
      'A mapping `{ method: grid | random, values: { key: [v1, v2, ...] }, seeds: [1, 2, 3], n_trials: N }`. `grid` runs every combination of the listed values; `random` draws `n_trials` combinations, each key from its list or from a range `{ min, max, log?, int? }` (log-uniform with `log: true`), with `sampler_seed` (default 0) fixing the draws. Every combination runs once per seed in `seeds` (absent: once, with the experiment\'s seed). Keys are any experiment or hyperparameter keys, validated like `--set`. "Run sweep" (code lens) or `rl-lab sweep FILE#EXPERIMENT` queues them all; the runs share a `sweepId` and the dashboard groups them. Running the experiment itself ignores `sweep`.',
    formula: 'runs = (grid: product of |values[k]| over keys; random: n_trials) x max(1, |seeds|)',
    algos: 'all',
  },
  {
    key: 'init_from',
    type: 'string',
    default: null,
    nullable: true,
    summary: 'Start from the weights of another experiment of this file or of a run (its id).',
    explanation:
      'Names an experiment defined in the same file (its latest completed run) or a run id (or unique id prefix) under `.rl-lab/runs/`; resolved when training starts (ppo_rlhf, dpo and grpo record the run they picked in their run folder\'s `lineage.json`). The language-model stages (sft, reward_model, ppo_rlhf, dpo, grpo) load that run\'s saved model (`model/` in its folder): the reward model and the policies start from a supervised (sft) model. Training fails with a clear error when the experiment has no completed run yet (train it first) or the run saved no model. Other algorithms ignore it. Go to Definition on the value jumps to that experiment or to the run\'s `config.yaml`.',
    algos: 'all',
  },
];
