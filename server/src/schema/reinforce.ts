import { PPO_PARAMS } from './ppo';
import { reuse } from './reuse';
import type { AlgoSpec, ParamSpec } from './types';

/** REINFORCE (Williams 1992): the Monte-Carlo policy gradient, with reward-to-go and an optional learned baseline. */
export const REINFORCE: AlgoSpec = {
  id: 'reinforce',
  name: 'REINFORCE (Monte-Carlo policy gradient)',
  summary: 'Plays complete episodes, then takes one gradient step along sum_t grad log pi(a_t|s_t) times the return.',
  explanation:
    'The plainest policy-gradient method: sample n_episodes complete episodes with the current policy, weight each action\'s log-probability gradient by the (discounted) return that followed it, optionally minus a learned baseline V(s), and take one Adam step. Unbiased but high-variance; reward-to-go and the baseline are the two classic variance reductions. grad J(theta) = E[ sum_t grad log pi_theta(a_t|s_t) (G_t - b(s_t)) ] (Williams 1992).',
  actionSpaces: ['discrete', 'continuous'],
};

const reinforce = ['reinforce'] as const;

export const REINFORCE_PARAMS: readonly ParamSpec[] = [
  reuse(PPO_PARAMS, 'learning_rate', reinforce, { default: 1e-3 }),
  {
    key: 'n_episodes',
    type: 'int',
    default: 4,
    min: 1,
    sensible: [1, 32],
    summary: 'Complete episodes collected per update.',
    explanation:
      'Every update averages the policy gradient over this many whole episodes played by the current policy. With n_envs > 1 the envs run in parallel until this many episodes have ended; episodes still in progress then are discarded (they would mix two policies), so n_envs <= n_episodes wastes least.',
    algos: reinforce,
  },
  reuse(PPO_PARAMS, 'gamma', reinforce),
  {
    key: 'reward_to_go',
    type: 'bool',
    default: true,
    summary: 'Weight each action by the return after it (true) or by the whole episode\'s return (false).',
    explanation:
      'An action cannot affect rewards that came before it, so dropping them (reward-to-go) removes noise without bias. false gives the original estimator, where every step of an episode is weighted by the same total return G_0.',
    formula: 'reward_to_go:  G_t = sum_{k >= t} gamma^(k - t) r_k\notherwise:     G_t = G_0 = sum_k gamma^k r_k',
    algos: reinforce,
  },
  {
    key: 'use_baseline',
    type: 'bool',
    default: true,
    summary: 'Subtract a learned state value V(s) from the return (a critic trained on the same episodes).',
    explanation:
      'A baseline that depends only on the state leaves the gradient unbiased and can cut its variance a lot. The value network (net_arch.vf) is fitted to the Monte-Carlo returns (n_critic_updates). With a baseline, an episode cut by the time limit bootstraps its return with gamma * V(last observation).',
    formula: 'grad J = E[ sum_t grad log pi(a_t|s_t) (G_t - b(s_t)) ],   b(s) = V_phi(s),   L_V = mean( (V_phi(s_t) - G_t)^2 )',
    algos: reinforce,
  },
  reuse(PPO_PARAMS, 'normalize_advantage', reinforce, {
    summary: 'Normalize the weights G_t - b(s_t) of a batch to zero mean and unit std.',
    explanation: 'Over the whole batch of episodes (one update). Makes the step size independent of the reward scale; it is a baseline (the mean) plus a rescaling.',
  }),
  reuse(PPO_PARAMS, 'ent_coef', reinforce, { formula: 'loss = -mean( log pi(a_t|s_t) * A_t ) - ent_coef * H' }),
  {
    key: 'n_critic_updates',
    type: 'int',
    default: 10,
    min: 1,
    sensible: [1, 50],
    summary: 'Full-batch Adam steps fitting the baseline V(s) to the returns after each policy step.',
    explanation: 'The baseline has its own Adam state and is fitted to the batch\'s Monte-Carlo returns after the policy step (so the weights G_t - V(s_t) of that step used the old V). Returns of order 100 need many steps of size ~learning_rate; ignored when use_baseline is false.',
    formula: 'L_V = mean( (V_phi(s_t) - G_t)^2 )',
    algos: reinforce,
  },
  reuse(PPO_PARAMS, 'max_grad_norm', reinforce, { default: null, nullable: true, summary: 'Clip the global gradient norm to this value before each step; null disables.' }),
];

