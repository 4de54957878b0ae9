import { gsdeParams } from './gsde';
import { PPO_PARAMS } from './ppo';
import { reuse } from './reuse';
import type { AlgoSpec, ParamSpec } from './types';

/** Names and defaults follow Stable-Baselines3's A2C, so RL Baselines3 Zoo's a2c.yml runs as it is. */
export const A2C: AlgoSpec = {
  id: 'a2c',
  name: 'Advantage Actor-Critic (synchronous A3C)',
  summary: 'On-policy actor-critic: one gradient step per short rollout, n-step or GAE advantages, RMSprop.',
  explanation:
    'Collects n_steps x n_envs transitions, estimates advantages with n-step returns (gae_lambda = 1) or GAE, and takes a single RMSprop (or Adam) step on policy loss + value loss - entropy bonus (Mnih et al. 2016, synchronous variant as in Stable-Baselines3). Cheap updates, many of them; more sensitive to hyperparameters than PPO. `a3c` is the asynchronous original: worker threads applying their gradients to shared parameters without waiting for each other.',
  actionSpaces: ['discrete', 'continuous'],
};

const a2c = ['a2c'] as const;

export const A2C_PARAMS: readonly ParamSpec[] = [
  reuse(PPO_PARAMS, 'learning_rate', a2c, {
    default: 7e-4,
    summary: 'Optimizer step size (RMSprop or Adam); a number or `lin_<start>` for linear decay to 0.',
    explanation: 'Step size of the one optimizer shared by actor and critic. `lin_0.0007` decays linearly to 0 at the end of training.',
  }),
  reuse(PPO_PARAMS, 'n_steps', a2c, {
    default: 5,
    sensible: [5, 256],
    summary: 'Steps collected per environment before each (single) gradient step.',
    explanation: 'Each update uses n_steps x n_envs transitions once. Also the horizon of the n-step returns when gae_lambda = 1.',
  }),
  reuse(PPO_PARAMS, 'gamma', a2c),
  reuse(PPO_PARAMS, 'gae_lambda', a2c, {
    default: 1.0,
    summary: 'GAE lambda; 1 (the default) gives the classic n-step returns.',
    formula:
      'gae_lambda = 1:  A_t = r_t + gamma r_{t+1} + ... + gamma^(n-1-t) r_{n-1} + gamma^(n-t) V(s_n) - V(s_t)   (n-step return within the rollout)\notherwise GAE:   A_t = sum_l (gamma lambda)^l delta_{t+l}        (Schulman et al. 2016)',
  }),
  reuse(PPO_PARAMS, 'ent_coef', a2c, { formula: 'loss = -mean( log pi(a_t|s_t) * A_t ) + vf_coef * mean( (V(s_t) - R_t)^2 ) - ent_coef * H   (SB3 A2C; R_t = A_t + V(s_t))' }),
  reuse(PPO_PARAMS, 'vf_coef', a2c, { formula: 'loss = policy_loss + vf_coef * mean( (V(s_t) - R_t)^2 ) - ent_coef * H   (SB3: no 1/2 on the squared error)' }),
  reuse(PPO_PARAMS, 'max_grad_norm', a2c),
  {
    key: 'rms_prop_eps',
    type: 'float',
    default: 1e-5,
    min: 0,
    minExclusive: true,
    sensible: [1e-8, 1e-3],
    summary: 'RMSprop epsilon (added to the root mean square, as PyTorch does).',
    explanation: 'Stabilises the division by the running RMS of the gradient. SB3 uses 1e-5 (PyTorch default 1e-8).',
    formula: 'v <- alpha v + (1 - alpha) g^2   (alpha = 0.99)\ntheta <- theta - lr * g / (sqrt(v) + eps)      (torch.optim.RMSprop)',
    algos: a2c,
  },
  {
    key: 'use_rms_prop',
    type: 'bool',
    default: true,
    summary: 'RMSprop (true, as the A3C paper and SB3) or Adam (false).',
    explanation: 'RMSprop with alpha 0.99 and eps rms_prop_eps; Adam with PyTorch\'s betas (0.9, 0.999) and eps 1e-5.',
    algos: a2c,
  },
  reuse(PPO_PARAMS, 'normalize_advantage', a2c, { default: false, summary: 'Normalize the advantages of each rollout to zero mean and unit std (off in SB3\'s A2C).', explanation: 'Over the whole rollout (the one batch of the update).' }),
  ...gsdeParams(a2c),
];

/** gSDE keys: defined in gsde.ts (kept exported here for the schema files that import them from a2c). */
export { gsdeParams } from './gsde';
