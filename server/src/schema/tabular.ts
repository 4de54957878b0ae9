/**
 * Tabular methods (Sutton & Barto, chapters 4-6) on the toy-text environments (FrozenLake,
 * CliffWalking, Taxi): a table of Q(s, a) or V(s), one entry per state, no network. Each
 * algorithm's hover shows its update rule.
 */
import { DQN_PARAMS } from './dqn';
import { PPO_PARAMS } from './ppo';
import { reuse } from './reuse';
import type { AlgoId, AlgoSpec, ParamSpec } from './types';

const TABULAR_ENVS = 'Needs a discrete observation space (a finite set of states): FrozenLake-v1, FrozenLake8x8-v1, CliffWalking-v0/v1 or Taxi-v3. One environment copy is stepped (n_envs is not used).';

const Q_LEARNING_RULE = 'Q(s,a) <- Q(s,a) + alpha * [ r + gamma * max_a\' Q(s\',a\') - Q(s,a) ]        (Watkins 1989; Sutton & Barto eq. 6.8)';
const SARSA_RULE = 'Q(s,a) <- Q(s,a) + alpha * [ r + gamma * Q(s\',a\') - Q(s,a) ],  a\' ~ epsilon-greedy(Q, s\')        (Sutton & Barto eq. 6.7)';
const EXPECTED_SARSA_RULE =
  'Q(s,a) <- Q(s,a) + alpha * [ r + gamma * sum_a\' pi(a\'|s\') Q(s\',a\') - Q(s,a) ]\npi = epsilon-greedy(Q):  sum_a\' pi(a\'|s\') Q(s\',a\') = eps * mean_a\' Q(s\',a\') + (1 - eps) * max_a\' Q(s\',a\')        (Sutton & Barto eq. 6.9)';
const MC_RULE =
  'after each episode, for the first visit of (s_t, a_t):\nG_t = r_{t+1} + gamma * G_{t+1}\nN(s,a) <- N(s,a) + 1;   Q(s,a) <- Q(s,a) + (G_t - Q(s,a)) / N(s,a)   (the average of the returns seen; Sutton & Barto 5.4)';
const VI_RULE = 'V(s) <- max_a sum_{s\',r} p(s\',r|s,a) [ r + gamma * V(s\') ]        (Bellman optimality backup; Sutton & Barto 4.4)';
const PI_RULE =
  'evaluation:  V(s) <- sum_{s\',r} p(s\',r|s,pi(s)) [ r + gamma * V(s\') ]   until max change < theta\nimprovement: pi(s) <- argmax_a sum_{s\',r} p(s\',r|s,a) [ r + gamma * V(s\') ]   until pi is stable        (Sutton & Barto 4.3)';

function spec(id: AlgoId, name: string, summary: string, explanation: string, rule: string): AlgoSpec {
  return {
    id,
    name,
    summary,
    explanation: `${explanation}\n\n\`\`\`text\n${rule}\n\`\`\`\n\n${TABULAR_ENVS}`,
    actionSpaces: ['discrete'],
    observationSpaces: ['discrete'],
  };
}

export const Q_LEARNING = spec(
  'q_learning',
  'Q-learning (tabular)',
  'Off-policy TD control: acts epsilon-greedily, learns the greedy policy\'s values from max_a\' Q(s\', a\').',
  'Each step updates Q(s, a) towards the reward plus the discounted value of the best next action, whatever action the behaviour policy takes next. It learns the optimal policy\'s values, so on CliffWalking its greedy path runs right along the cliff edge, even though exploring there costs falls during training.',
  Q_LEARNING_RULE,
);
export const SARSA = spec(
  'sarsa',
  'Sarsa (tabular)',
  'On-policy TD control: learns the values of the epsilon-greedy policy it follows, from the action it takes next.',
  'Each step updates Q(s, a) towards the reward plus the discounted value of the next action the epsilon-greedy policy actually picks (s, a, r, s\', a\'). It evaluates the exploring policy itself, so on CliffWalking it learns that walking beside the cliff risks random falls and takes the safer path further away.',
  SARSA_RULE,
);
export const EXPECTED_SARSA = spec(
  'expected_sarsa',
  'Expected Sarsa (tabular)',
  'TD control with the expected value of the next action under the epsilon-greedy policy: Sarsa without the sampling noise of a\'.',
  'Like Sarsa, but the target averages Q(s\', .) over the policy\'s action probabilities instead of using the one sampled action, which removes that source of variance and allows larger step sizes. With epsilon = 0 it is Q-learning.',
  EXPECTED_SARSA_RULE,
);
export const MC_CONTROL = spec(
  'mc_control',
  'Monte-Carlo control (first-visit, tabular)',
  'Plays whole episodes epsilon-greedily, then sets Q(s, a) to the average of the returns that followed the first visit of (s, a).',
  'No bootstrapping: the target is the actual return of the episode, unbiased but noisy, and only available once the episode ends. Contrast with the TD methods, whose one-step targets use the current estimate Q(s\', .).',
  MC_RULE,
);
export const VALUE_ITERATION = spec(
  'value_iteration',
  'Value iteration (dynamic programming)',
  'Plans on the environment\'s known transition model: repeated Bellman optimality backups of V until it stops changing.',
  'No environment steps while planning: each sweep backs up every state from the model P(s\', r | s, a). A run\'s step counts sweeps (n_timesteps is not used); after convergence the greedy policy plays eval_episodes episodes to report its return.',
  VI_RULE,
);
export const POLICY_ITERATION = spec(
  'policy_iteration',
  'Policy iteration (dynamic programming)',
  'Plans on the known model: evaluate the current policy exactly, make it greedy with respect to that value, repeat until the policy is stable.',
  'Starts from the policy that always takes action 0. Usually needs few rounds, each with many evaluation sweeps. A run\'s step counts evaluation sweeps (n_timesteps is not used); after convergence the policy plays eval_episodes episodes to report its return.',
  PI_RULE,
);

const td = ['q_learning', 'sarsa', 'expected_sarsa'] as const;
const dp = ['value_iteration', 'policy_iteration'] as const;

function learningRate(algo: AlgoId, rule: string): ParamSpec {
  return {
    key: 'learning_rate',
    type: 'schedule',
    default: 0.1,
    min: 0,
    minExclusive: true,
    max: 1,
    sensible: [0.01, 0.5],
    summary: 'alpha, the step size of each table update; a number or `lin_<start>` for linear decay to 0.',
    explanation:
      'How far Q(s, a) moves towards each new target. Large values learn fast but keep chasing noisy targets (slippery FrozenLake); decaying it (`lin_0.5`) lets the estimates settle. Logged as charts/learning_rate.',
    formula: rule,
    algos: [algo],
  };
}

const gamma = (algos: readonly AlgoId[]): ParamSpec => reuse(PPO_PARAMS, 'gamma', algos, { sensible: [0.9, 1] });

const exploration = (algos: readonly AlgoId[]): ParamSpec[] => [
  {
    key: 'exploration_schedule',
    type: 'enum',
    values: ['linear', 'exponential'],
    default: 'linear',
    summary: 'How epsilon decays: linearly over exploration_fraction of training, or by exploration_decay per episode.',
    explanation: 'linear is SB3\'s schedule (as DQN). exponential multiplies epsilon by exploration_decay after every episode, the form most tabular tutorials use. Logged as charts/epsilon.',
    formula:
      'linear:       eps = initial + (final - initial) * min(step / (exploration_fraction * n_timesteps), 1)\nexponential:  eps = max(final, initial * exploration_decay ^ episodes)',
    algos,
  },
  reuse(DQN_PARAMS, 'exploration_initial_eps', algos, {
    explanation: 'Start of the epsilon-greedy schedule: a uniformly random action with probability epsilon, else a greedy one (ties broken at random). Set it equal to exploration_final_eps for a constant epsilon (the textbook Sarsa/Q-learning comparison uses 0.1).',
  }),
  reuse(DQN_PARAMS, 'exploration_final_eps', algos, { explanation: 'End value of the epsilon-greedy schedule, kept for the rest of training. Evaluation (playback) is greedy.' }),
  reuse(DQN_PARAMS, 'exploration_fraction', algos, { default: 0.5 }),
  {
    key: 'exploration_decay',
    type: 'float',
    default: 0.999,
    min: 0,
    max: 1,
    sensible: [0.99, 0.9999],
    summary: 'With exploration_schedule: exponential, the factor epsilon is multiplied by after each episode.',
    explanation: 'Ignored by the linear schedule. 0.999 halves epsilon about every 700 episodes.',
    formula: 'eps = max(exploration_final_eps, exploration_initial_eps * exploration_decay ^ episodes)',
    algos,
  },
];

const qInit = (algos: readonly AlgoId[]): ParamSpec => ({
  key: 'q_init',
  type: 'float',
  default: 0,
  summary: 'Initial value of every Q(s, a); above the achievable returns it is "optimism in the face of uncertainty".',
  explanation: 'An optimistic table (say 1 on FrozenLake, 0 on CliffWalking where returns are negative) makes untried actions look best, which drives systematic exploration even with a small epsilon.',
  algos,
});

const tdParams = (algo: AlgoId, rule: string): ParamSpec[] => [learningRate(algo, rule), gamma([algo]), qInit([algo]), ...exploration([algo])];

export const Q_LEARNING_PARAMS: readonly ParamSpec[] = tdParams('q_learning', Q_LEARNING_RULE);
export const SARSA_PARAMS: readonly ParamSpec[] = tdParams('sarsa', SARSA_RULE);
export const EXPECTED_SARSA_PARAMS: readonly ParamSpec[] = tdParams('expected_sarsa', EXPECTED_SARSA_RULE);
export const MC_CONTROL_PARAMS: readonly ParamSpec[] = [gamma(['mc_control']), ...exploration(['mc_control'])];

const dpParams = (algo: AlgoId, rule: string): ParamSpec[] => [
  gamma([algo]),
  {
    key: 'theta',
    type: 'float',
    default: 1e-8,
    min: 0,
    minExclusive: true,
    sensible: [1e-10, 1e-4],
    summary: 'Stop when the largest change of V(s) in a sweep is below this.',
    explanation: 'The convergence threshold of value iteration and of each policy evaluation. Logged per sweep as charts/value_delta.',
    formula: `${rule}\nstop when max_s |V_new(s) - V_old(s)| < theta`,
    algos: [algo],
  },
  {
    key: 'max_iterations',
    type: 'int',
    default: 10000,
    min: 1,
    sensible: [100, 100000],
    summary: 'At most this many value-iteration sweeps (or policy-iteration rounds, and evaluation sweeps per round).',
    explanation: 'A safety limit: with gamma = 1 a policy that never reaches a terminal state has no finite value and its evaluation would not converge.',
    algos: [algo],
  },
  {
    key: 'eval_episodes',
    type: 'int',
    default: 1000,
    min: 0,
    sensible: [100, 10000],
    summary: 'Episodes of the greedy policy played after planning; their mean return is the run\'s result.',
    explanation: 'Planning takes no environment steps, so these episodes are where the charts\' episodic return and the run\'s mean return come from (the mean over all of them, not just the last 20).',
    algos: [algo],
  },
];

export const VALUE_ITERATION_PARAMS: readonly ParamSpec[] = dpParams('value_iteration', VI_RULE);
export const POLICY_ITERATION_PARAMS: readonly ParamSpec[] = dpParams('policy_iteration', PI_RULE);

/** For ALGOS / ALGO_PARAMS in schema/index.ts. */
export const TABULAR_ALGOS = {
  q_learning: Q_LEARNING,
  sarsa: SARSA,
  expected_sarsa: EXPECTED_SARSA,
  mc_control: MC_CONTROL,
  value_iteration: VALUE_ITERATION,
  policy_iteration: POLICY_ITERATION,
} as const;

export const TABULAR_PARAMS = {
  q_learning: Q_LEARNING_PARAMS,
  sarsa: SARSA_PARAMS,
  expected_sarsa: EXPECTED_SARSA_PARAMS,
  mc_control: MC_CONTROL_PARAMS,
  value_iteration: VALUE_ITERATION_PARAMS,
  policy_iteration: POLICY_ITERATION_PARAMS,
} as const;

export const TABULAR_ALGO_IDS: readonly AlgoId[] = [...td, 'mc_control', ...dp];
