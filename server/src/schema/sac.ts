import { gsdeParams } from './a2c';
import { continuousOffPolicyParams } from './ddpg';
import type { AlgoSpec, ParamSpec } from './types';

/** Names and defaults follow Stable-Baselines3's SAC, so RL Baselines3 Zoo's `hyperparams/sac.yml` runs as it is. */
export const SAC: AlgoSpec = {
  id: 'sac',
  name: 'Soft Actor-Critic',
  summary: 'Off-policy maximum-entropy actor-critic: a squashed Gaussian policy, twin critics and a tuned entropy coefficient.',
  explanation:
    'Maximizes reward plus alpha times the policy\'s entropy (Haarnoja et al. 2018). The actor is a Gaussian squashed by tanh into the action bounds, trained by the reparameterization trick against the smaller of two critics; the critics are fitted to soft Bellman targets from a Polyak-averaged target copy; alpha is fixed or learned so the entropy stays near target_entropy. Continuous (Box) action spaces only.',
  actionSpaces: ['continuous'],
  // SB3's SACPolicy: net_arch [256, 256] for actor and critics, ReLU, PyTorch's default init.
  policyDefaults: { net_arch: { pi: [256, 256], vf: [256, 256] }, activation_fn: 'relu', ortho_init: false },
};

const sac = ['sac'] as const;

const SOFT_TARGET =
  "a' ~ pi(.|s'),  y = r + gamma * (1 - terminated) * ( min_i Q'_i(s', a') - alpha * log pi(a'|s') )        (soft Bellman target, Haarnoja et al. 2018b, eq. 3 with twin critics)\ncritic loss = 0.5 * sum_i mean( (Q_i(s, a) - y)^2 )        (SB3)\nactor loss = mean( alpha * log pi(a~|s) - min_i Q_i(s, a~) ),  a~ = tanh(mu(s) + sigma(s) * eps)        (eq. 7, reparameterized)\nlog pi(a|s) = sum_j [ log N(u_j; mu_j, sigma_j) - log(1 - tanh(u_j)^2 + 1e-6) ]        (tanh correction, appendix C)";

export const SAC_PARAMS: readonly ParamSpec[] = [
  ...continuousOffPolicyParams(sac, 3e-4).map((p) => (p.key === 'gamma' ? { ...p, formula: SOFT_TARGET } : p)),
  {
    key: 'ent_coef',
    type: 'auto_float',
    default: 'auto',
    min: 0,
    sensible: [0.001, 1],
    summary: 'Entropy coefficient alpha: a number (fixed), `auto` (learned from 1) or `auto_<init>` (learned from init).',
    explanation:
      'Weight of the entropy bonus: larger alpha keeps the policy more random. With `auto` alpha is learned by gradient descent on log alpha so that the policy\'s entropy tracks target_entropy (logged as losses/ent_coef and losses/ent_coef_loss); `auto_0.1` starts it at 0.1. A fixed number (Zoo\'s MountainCarContinuous uses 0.1) never changes.',
    formula:
      'J(log alpha) = -mean( log alpha * (log pi(a~|s) + target_entropy) )        (Haarnoja et al. 2018b, eq. 18; SB3 optimizes log alpha with Adam)',
    algos: sac,
  },
  {
    key: 'target_entropy',
    type: 'auto_float',
    default: 'auto',
    sensible: [-6, 0],
    summary: 'Entropy the learned alpha aims for: `auto` = -dim(A), or a number.',
    explanation: 'Only used with ent_coef auto. -dim(A) (-1 for Pendulum) is the SAC paper\'s heuristic; higher values keep more exploration.',
    formula: "target_entropy = -dim(A)   ('auto')",
    algos: sac,
  },
  {
    key: 'target_update_interval',
    type: 'int',
    default: 1,
    min: 1,
    sensible: [1, 1000],
    summary: 'Gradient steps between soft updates of the target critics.',
    explanation: 'SB3 moves the target critics by tau every this many gradient steps (1: every step).',
    formula: "every target_update_interval gradient steps:  theta'_i <- tau * theta_i + (1 - tau) * theta'_i",
    algos: sac,
  },
  ...gsdeParams(sac),
  {
    key: 'use_sde_at_warmup',
    type: 'bool',
    default: false,
    summary: 'Use gSDE instead of uniform random actions before learning_starts.',
    explanation: 'Accepted so RL Baselines3 Zoo files load; unused because use_sde is not implemented (the warm-up samples uniformly).',
    algos: sac,
    implemented: false,
  },
];
