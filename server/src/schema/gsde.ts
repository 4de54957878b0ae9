import type { AlgoId, ParamSpec } from './types';

/**
 * gSDE keys (SB3 names): generalized State-Dependent Exploration for Gaussian policies
 * (training/nn/gsde.ts). The on-policy algorithms (ppo, a2c, npg, trpo) implement it as SB3's
 * ActorCriticPolicy does (learn_features=False); the policy_kwargs full_std, use_expln and
 * log_std_init shape its log-std parameter.
 */
export function gsdeParams(algos: readonly AlgoId[]): ParamSpec[] {
  return [
    {
      key: 'use_sde',
      type: 'bool',
      default: false,
      summary: 'Generalized State-Dependent Exploration (gSDE) instead of independent Gaussian noise per step.',
      explanation:
        'The exploration noise is a linear function of the policy network\'s last hidden layer z(s), through a random matrix drawn per environment: smooth, state-dependent exploration that changes only when the matrix is resampled (sde_sample_freq). The log std becomes a learned matrix (latent features x action dims, or one column with full_std=False in policy_kwargs), started at policy_kwargs log_std_init (0 by default, as SB3\'s on-policy policies). Evaluation and the exported policy use the mean action. Gaussian (Box) action spaces only; ignored for discrete actions.',
      formula:
        'M_e ~ N(0, std^2) per env,  std = exp(log_std)  (use_expln: exp(x) for x <= 0, log1p(x) + 1 above)\na = mu(s) + z(s) @ M_e\nsigma(s)^2 = (z(s)^2) @ (std^2) + 1e-6,   log pi(a|s) = sum_d log N(a_d; mu_d(s), sigma_d(s))        (Raffin et al. 2021; SB3 StateDependentNoiseDistribution)',
      algos,
    },
    {
      key: 'sde_sample_freq',
      type: 'int',
      default: -1,
      min: -1,
      sensible: [-1, 64],
      summary: 'Resample the gSDE exploration matrices every n steps (-1: only at the start of each rollout).',
      explanation:
        'With use_sde, each environment keeps its exploration matrix for this many steps, so its noise is a fixed function of the state for that long. -1 (SB3\'s default) draws new matrices once per rollout; small values (4 in RL Baselines3 Zoo\'s Pendulum entries) make the exploration less correlated in time. Unused without use_sde.',
      formula: 'resample M_e at rollout step t when t % sde_sample_freq == 0 (and at every rollout start)        (SB3 OnPolicyAlgorithm.collect_rollouts)',
      algos,
    },
  ];
}
