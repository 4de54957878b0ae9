import { gsdeParams } from './gsde';
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
  // SB3's SACPolicy: net_arch [256, 256] for actor and critics, ReLU, PyTorch's default init; gSDE's log_std_init -3.
  policyDefaults: { net_arch: { pi: [256, 256], vf: [256, 256] }, activation_fn: 'relu', ortho_init: false, log_std_init: -3 },
};

const sac = ['sac'] as const;

const SOFT_TARGET =
  "a' ~ pi(.|s'),  y = r + gamma * (1 - terminated) * ( min_i Q'_i(s', a') - alpha * log pi(a'|s') )        (soft Bellman target, Haarnoja et al. 2018b, eq. 3 with twin critics)\ncritic loss = 0.5 * sum_i mean( (Q_i(s, a) - y)^2 )        (SB3)\nactor loss = mean( alpha * log pi(a~|s) - min_i Q_i(s, a~) ),  a~ = tanh(mu(s) + sigma(s) * eps)        (eq. 7, reparameterized)\nlog pi(a|s) = sum_j [ log N(u_j; mu_j, sigma_j) - log(1 - tanh(u_j)^2 + 1e-6) ]        (tanh correction, appendix C)";

/** SAC's gSDE differs from the on-policy one (SB3's SAC Actor): learned features, a clipped mean, a squash, log_std_init -3. */
const SAC_GSDE: Readonly<Record<string, Partial<ParamSpec>>> = {
  use_sde: {
    explanation:
      'The exploration noise is a linear function of the actor\'s last hidden layer z(s) through a random matrix M (one per env copy), so it is smooth in the state and changes only when M is resampled: at the start of every collection phase (train_freq steps) and every sde_sample_freq steps. As SB3\'s SAC Actor: the actor emits only the mean, clipped to [-clip_mean, clip_mean] (policy_kwargs clip_mean, 2.0) before the tanh; the log std is a learned matrix (latent features x action dims) started at policy_kwargs log_std_init (-3 for SAC); z is trained through the noise too (learn_features); every gradient step draws a new M, shared by the samples on s and s\'. Evaluation and the exported policy use tanh(clip(mean)). RL Baselines3 Zoo\'s MountainCarContinuous-v0 entry uses it.',
    formula:
      'a = tanh( clip(mu(s), -clip_mean, clip_mean) + z(s) @ M ),  M = std * E,  E ~ N(0, 1),  std = exp(log_std)\nsigma(s)^2 = (z(s)^2) @ (std^2) + 1e-6\nlog pi(a|s) = sum_j [ log N(u_j; mu_j, sigma_j) - log(1 - a_j^2 + 1e-6) ],  u = atanh(a)        (Raffin et al. 2021; SB3 StateDependentNoiseDistribution, learn_features=True, squash_output=True)',
  },
  sde_sample_freq: {
    explanation:
      'With use_sde, each env copy keeps its exploration matrix for this many steps. -1 (SB3\'s default) draws new matrices only at the start of each collection phase (every train_freq steps); gradient steps always draw their own. Unused without use_sde.',
    formula: 'resample M at collection step t when t % sde_sample_freq == 0, and at every collection start        (SB3 OffPolicyAlgorithm.collect_rollouts)',
  },
};

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
  ...gsdeParams(sac).map((p) => SAC_GSDE[p.key] ? { ...p, ...SAC_GSDE[p.key] } : p),
  {
    key: 'use_sde_at_warmup',
    type: 'bool',
    default: false,
    summary: 'Use gSDE instead of uniform random actions before learning_starts.',
    explanation:
      'With use_sde, the warm-up (the steps before learning_starts) takes the untrained policy\'s gSDE actions instead of actions drawn uniformly in the Box (SB3\'s _sample_action). Unused without use_sde.',
    algos: sac,
  },
];
