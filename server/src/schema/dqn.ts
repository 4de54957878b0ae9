import type { AlgoSpec, ParamSpec } from './types';

/**
 * Deep Q-Network. Names and defaults follow Stable-Baselines3's DQN, so RL Baselines3 Zoo's
 * `hyperparams/dqn.yml` runs as it is; `double_q` and `dueling` are RL Lab's options for the
 * two classic extensions (SB3 has neither).
 */
export const DQN: AlgoSpec = {
  id: 'dqn',
  name: 'Deep Q-Network',
  summary: 'Off-policy value learning for discrete actions: a Q-network fitted to TD targets from a replay buffer and a target network.',
  explanation:
    'Acts epsilon-greedily with respect to Q(s, a), stores every transition in a replay buffer, and every train_freq steps takes gradient_steps minibatch steps on the Huber loss between Q(s, a) and the TD target computed with a slowly updated copy of the network (Mnih et al. 2015). Options: Double DQN targets (van Hasselt et al. 2016) and a dueling head (Wang et al. 2016). Discrete action spaces only.',
  actionSpaces: ['discrete'],
  // SB3's QNetwork: net_arch [64, 64] with ReLU and PyTorch's default Linear initialisation.
  policyDefaults: { net_arch: { pi: [64, 64], vf: [64, 64] }, activation_fn: 'relu', ortho_init: false },
};

const dqn = ['dqn'] as const;

export const DQN_PARAMS: readonly ParamSpec[] = [
  {
    key: 'learning_rate',
    type: 'schedule',
    default: 1e-4,
    min: 0,
    minExclusive: true,
    max: 1,
    sensible: [1e-5, 5e-3],
    summary: 'Adam step size of the Q-network; a number or `lin_<start>` for linear decay to 0.',
    explanation:
      'Step size of the Adam optimizer (epsilon 1e-8, PyTorch\'s default, as SB3). `lin_0.001` starts at 0.001 and decays linearly to 0 at the end of training.',
    formula: 'lin_x:  lr(progress_remaining) = x * progress_remaining,  progress_remaining = 1 - step / n_timesteps',
    algos: dqn,
  },
  {
    key: 'buffer_size',
    type: 'int',
    default: 1000000,
    min: 1,
    sensible: [10000, 1000000],
    summary: 'Capacity of the replay buffer in transitions; the oldest are overwritten.',
    explanation:
      'Transitions from all environment copies go into one circular buffer of this many entries (observations kept as float32). A small buffer forgets old experience quickly and tracks the current policy; a large one decorrelates updates but keeps stale data. Memory: about 2 x obs_dim x 4 bytes per transition.',
    algos: dqn,
  },
  {
    key: 'learning_starts',
    type: 'int',
    default: 100,
    min: 0,
    sensible: [0, 50000],
    summary: 'Environment steps of uniformly random actions before learning starts.',
    explanation:
      'Until this many steps (summed over envs) have been taken, actions are drawn uniformly at random (SB3\'s warm-up) and no gradient step is taken, so the first minibatches come from a buffer with some variety.',
    algos: dqn,
  },
  {
    key: 'batch_size',
    type: 'int',
    default: 32,
    min: 1,
    sensible: [32, 512],
    summary: 'Transitions sampled uniformly from the replay buffer per gradient step.',
    explanation: 'Each gradient step samples this many transitions uniformly at random, with replacement, from the buffer.',
    algos: dqn,
  },
  {
    key: 'tau',
    type: 'float',
    default: 1.0,
    min: 0,
    minExclusive: true,
    max: 1,
    sensible: [0.005, 1],
    summary: 'Target-network update coefficient: 1 = hard copy, < 1 = Polyak averaging.',
    explanation:
      'Every target_update_interval steps the target network moves towards the online network by this fraction. 1 (the default) copies the weights, as the Nature DQN; small values such as 0.005 with target_update_interval 1 give the soft updates of DDPG/SAC.',
    formula: "theta_target <- tau * theta + (1 - tau) * theta_target        (Polyak averaging; tau = 1 is a hard copy)",
    algos: dqn,
  },
  {
    key: 'gamma',
    type: 'float',
    default: 0.99,
    min: 0,
    max: 1,
    sensible: [0.9, 0.9999],
    summary: 'Discount factor for future rewards.',
    explanation:
      'Weight of the bootstrapped next-state value in the TD target. The effective horizon is about 1 / (1 - gamma) steps.',
    formula:
      "y = r + gamma * (1 - terminated) * max_a' Q_target(s', a')        (Mnih et al. 2015; truncation by a time limit is not termination: it bootstraps)\ndelta = Q(s, a) - y\nloss = mean( 0.5 * delta^2 if |delta| <= 1 else |delta| - 0.5 )        (Huber / smooth L1, as SB3)",
    algos: dqn,
  },
  {
    key: 'train_freq',
    type: 'train_freq',
    default: 4,
    min: 1,
    sensible: [1, 256],
    summary: 'Environment steps (per env) between training phases, or `[n, "episode"]`.',
    explanation:
      'After every train_freq steps of each environment copy (train_freq x n_envs transitions) the network is trained with gradient_steps gradient steps. SB3\'s tuple form `[n, "episode"]` (as RL Baselines3 Zoo writes it) collects until n episodes (over all copies) have ended.',
    algos: dqn,
  },
  {
    key: 'gradient_steps',
    type: 'int',
    default: 1,
    min: -1,
    sensible: [1, 256],
    summary: 'Gradient steps per training phase; -1 = as many as transitions were collected.',
    explanation:
      'How many minibatch updates follow each train_freq collection. -1 takes one per transition collected in the phase (train_freq x n_envs), as SB3; 0 collects without training.',
    algos: dqn,
  },
  {
    key: 'target_update_interval',
    type: 'int',
    default: 10000,
    min: 1,
    sensible: [1, 50000],
    summary: 'Environment steps between target-network updates.',
    explanation:
      'Counted in environment steps summed over envs, as SB3 (which updates every max(target_update_interval / n_envs, 1) vectorized steps). With tau = 1 the target is a copy refreshed this often; a longer interval gives steadier targets and slower propagation of values.',
    algos: dqn,
  },
  {
    key: 'exploration_fraction',
    type: 'float',
    default: 0.1,
    min: 0,
    max: 1,
    sensible: [0.05, 0.5],
    summary: 'Fraction of n_timesteps over which epsilon decays linearly.',
    explanation:
      'Epsilon goes from exploration_initial_eps to exploration_final_eps over the first exploration_fraction x n_timesteps steps and stays at exploration_final_eps afterwards. Logged as charts/epsilon (SB3: rollout/exploration_rate).',
    formula:
      'progress = step / n_timesteps\neps = initial + (final - initial) * min(progress / exploration_fraction, 1)        (SB3 get_linear_fn)',
    algos: dqn,
  },
  {
    key: 'exploration_initial_eps',
    type: 'float',
    default: 1.0,
    min: 0,
    max: 1,
    sensible: [0.5, 1],
    summary: 'Probability of a random action at the start of training.',
    explanation: 'Start of the epsilon-greedy schedule: each environment copy takes a uniformly random action with probability epsilon, else argmax_a Q(s, a).',
    formula: 'a = uniform random action with probability eps, else argmax_a Q(s, a)',
    algos: dqn,
  },
  {
    key: 'exploration_final_eps',
    type: 'float',
    default: 0.05,
    min: 0,
    max: 1,
    sensible: [0.01, 0.2],
    summary: 'Probability of a random action once the schedule has finished.',
    explanation: 'End value of the epsilon-greedy schedule, kept for the rest of training. Evaluation (playback) is greedy.',
    algos: dqn,
  },
  {
    key: 'max_grad_norm',
    type: 'float',
    default: 10,
    min: 0,
    minExclusive: true,
    sensible: [0.5, 100],
    summary: 'Clip the global gradient norm of each step to this value.',
    explanation: 'The gradient of the Q-network is scaled down when its L2 norm exceeds this value (SB3 default 10).',
    formula: 'g <- g * min(1, max_grad_norm / ||g||_2)',
    algos: dqn,
  },
  {
    key: 'double_q',
    type: 'bool',
    default: false,
    summary: 'Double DQN: choose the next action with the online network, evaluate it with the target network.',
    explanation:
      'The max in the plain TD target both selects and evaluates the action with the same noisy estimates, which biases Q upwards. Double DQN decouples the two (van Hasselt et al. 2016). Not an SB3 option; off by default.',
    formula: "a* = argmax_a' Q_online(s', a')\ny = r + gamma * (1 - terminated) * Q_target(s', a*)        (van Hasselt et al. 2016, eq. 4)",
    algos: dqn,
  },
  {
    key: 'dueling',
    type: 'bool',
    default: false,
    summary: 'Dueling head: Q = V(s) + A(s, a) - mean_a A(s, a).',
    explanation:
      'The last layer emits a state value V(s) and one advantage per action; their sum, with the mean advantage subtracted so V and A are identifiable, is Q (Wang et al. 2016). Helps when many actions have similar values. The hidden layers (net_arch) are shared. Not an SB3 option; off by default.',
    formula: "Q(s, a) = V(s) + A(s, a) - (1 / |A|) * sum_a' A(s, a')        (Wang et al. 2016, eq. 9)",
    algos: dqn,
  },
  {
    key: 'optimize_memory_usage',
    type: 'bool',
    default: false,
    summary: 'SB3 memory-saving replay buffer layout (next observation not stored twice).',
    explanation: 'An SB3 memory optimization for large image observations. RL Lab stores vector observations and ignores it.',
    algos: dqn,
    implemented: false,
  },
];

