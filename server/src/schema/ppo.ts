import { gsdeParams } from './gsde';
import type { AlgoSpec, ParamSpec } from './types';

/** Names and defaults follow Stable-Baselines3's PPO, so RL Baselines3 Zoo files run as they are. */
export const PPO: AlgoSpec = {
  id: 'ppo',
  name: 'Proximal Policy Optimization (clip)',
  summary: 'On-policy actor-critic that limits each update with a clipped probability ratio.',
  explanation:
    'Collects n_steps x n_envs transitions with the current policy, computes GAE advantages, then runs n_epochs of minibatch gradient ascent on the clipped surrogate objective plus a value loss and an entropy bonus (Schulman et al. 2017). A robust first choice for discrete and continuous control.',
  actionSpaces: ['discrete', 'continuous'],
};

const ppo = ['ppo'] as const;

export const PPO_PARAMS: readonly ParamSpec[] = [
  {
    key: 'learning_rate',
    type: 'schedule',
    default: 3e-4,
    min: 0,
    minExclusive: true,
    max: 1,
    sensible: [1e-5, 3e-3],
    summary: 'Adam step size; a number or `lin_<start>` for linear decay to 0.',
    explanation:
      'Step size of the Adam optimizer shared by actor and critic. `lin_0.001` starts at 0.001 and decays linearly to 0 at the end of training (CleanRL\'s "anneal_lr").',
    formula: 'lin_x:  lr(progress_remaining) = x * progress_remaining,  progress_remaining = 1 - step / n_timesteps',
    algos: ppo,
  },
  {
    key: 'n_steps',
    type: 'int',
    default: 2048,
    min: 1,
    sensible: [16, 4096],
    summary: 'Steps collected per environment before each update.',
    explanation:
      'Each rollout holds n_steps x n_envs transitions. Longer rollouts give lower-variance advantage estimates but fewer updates per environment step.',
    algos: ppo,
  },
  {
    key: 'batch_size',
    type: 'int',
    default: 64,
    min: 1,
    sensible: [32, 4096],
    summary: 'Minibatch size for the gradient steps of each epoch.',
    explanation:
      'The rollout of n_steps x n_envs transitions is shuffled and split into minibatches of this size each epoch. It should divide n_steps x n_envs; a last partial minibatch is still used.',
    algos: ppo,
  },
  {
    key: 'n_epochs',
    type: 'int',
    default: 10,
    min: 1,
    sensible: [1, 30],
    summary: 'Passes over each rollout when optimising the surrogate loss.',
    explanation:
      'More epochs extract more from each rollout but move the policy further from the one that collected the data; clip_range and target_kl keep that in check.',
    algos: ppo,
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
      'How much a reward k steps ahead counts: gamma^k. The effective horizon is about 1 / (1 - gamma) steps.',
    formula: 'G_t = r_t + gamma * r_{t+1} + gamma^2 * r_{t+2} + ...',
    algos: ppo,
  },
  {
    key: 'gae_lambda',
    type: 'float',
    default: 0.95,
    min: 0,
    max: 1,
    sensible: [0.8, 1],
    summary: 'GAE lambda: bias/variance trade-off of the advantage estimate.',
    explanation:
      'Generalized Advantage Estimation mixes n-step advantages with weights (1 - lambda) lambda^(n-1). lambda = 0 is the one-step TD error (low variance, biased by the critic); lambda = 1 is the Monte-Carlo return minus the value (unbiased, high variance). Computed backwards over the rollout; on truncation (time limit) the value of the last observation is bootstrapped, on termination it is not.',
    formula:
      'delta_t = r_t + gamma * V(s_{t+1}) * (1 - done_{t+1}) - V(s_t)\nA_t = delta_t + gamma * lambda * (1 - done_{t+1}) * A_{t+1}\nreturn_t = A_t + V(s_t)        (Schulman et al. 2016, GAE)',
    algos: ppo,
  },
  {
    key: 'clip_range',
    type: 'schedule',
    default: 0.2,
    min: 0,
    minExclusive: true,
    max: 1,
    sensible: [0.1, 0.3],
    summary: 'PPO clipping parameter epsilon: how far the probability ratio may move per update.',
    explanation:
      'The surrogate objective stops rewarding a change of the action probability once the ratio pi_new / pi_old leaves [1 - epsilon, 1 + epsilon] in the direction the advantage favours. Smaller values give smaller, safer policy updates. A number or `lin_<start>` for linear decay.',
    formula:
      'r_t(theta) = pi_theta(a_t | s_t) / pi_theta_old(a_t | s_t)\nL_CLIP(theta) = E_t[ min( r_t * A_t, clip(r_t, 1 - epsilon, 1 + epsilon) * A_t ) ]        (Schulman et al. 2017, eq. 7)',
    algos: ppo,
  },
  {
    key: 'clip_range_vf',
    type: 'schedule',
    default: null,
    nullable: true,
    min: 0,
    minExclusive: true,
    sensible: [0.1, 10],
    summary: 'Value-function clipping around the old value prediction; null disables it.',
    explanation:
      'When set, the new value prediction is clipped to V_old +/- clip_range_vf and the larger of the clipped and unclipped squared errors is used, as in the RLHF critic loss. It depends on the scale of the returns. Null (the default) uses the plain squared error.',
    formula:
      'V_clip = V_old + clip(V - V_old, -c, c)\nL_VF = 0.5 * E_t[ max( (V - R_t)^2, (V_clip - R_t)^2 ) ]',
    algos: ppo,
  },
  {
    key: 'normalize_advantage',
    type: 'bool',
    default: true,
    summary: 'Normalize advantages to zero mean and unit std within each minibatch.',
    explanation:
      'Makes the scale of the policy gradient independent of the reward scale. Done per minibatch, as in SB3 and CleanRL.',
    formula: 'A <- (A - mean(A)) / (std(A) + 1e-8)',
    algos: ppo,
  },
  {
    key: 'ent_coef',
    type: 'float',
    default: 0.0,
    min: 0,
    max: 1,
    sensible: [0, 0.05],
    summary: 'Weight of the entropy bonus in the loss.',
    explanation: 'Rewards a spread-out policy and so exploration; too large keeps the policy from committing.',
    formula: 'loss = -L_CLIP + vf_coef * L_VF - ent_coef * H[pi_theta(. | s)]',
    algos: ppo,
  },
  {
    key: 'vf_coef',
    type: 'float',
    default: 0.5,
    min: 0,
    max: 10,
    sensible: [0.25, 1],
    summary: 'Weight of the value loss in the combined loss.',
    explanation: 'Actor and critic are separate networks trained on one combined loss by one optimizer; this sets how much the critic error counts.',
    formula: 'loss = -L_CLIP + vf_coef * L_VF - ent_coef * H',
    algos: ppo,
  },
  {
    key: 'max_grad_norm',
    type: 'float',
    default: 0.5,
    min: 0,
    minExclusive: true,
    sensible: [0.3, 5],
    summary: 'Clip the global gradient norm to this value before each step.',
    explanation: 'All gradients are scaled down together when their joint L2 norm exceeds this value, which keeps rare huge advantages from wrecking the policy.',
    formula: 'g <- g * min(1, max_grad_norm / ||g||_2)',
    algos: ppo,
  },
  {
    key: 'target_kl',
    type: 'float',
    default: null,
    nullable: true,
    min: 0,
    minExclusive: true,
    sensible: [0.01, 0.05],
    summary: 'Stop the epochs of an update early when the approximate KL exceeds 1.5 x target_kl; null disables.',
    explanation:
      'An extra guard beside clipping: after each minibatch the approximate KL divergence between the old and new policy is estimated, and the remaining epochs of this update are skipped once it passes 1.5 x target_kl (SB3\'s rule).',
    formula: 'approx_kl = E[(r - 1) - log r]        (the k3 estimator; r = pi_new / pi_old)',
    algos: ppo,
  },
  {
    key: 'ppo_mode',
    type: 'enum',
    default: 'clip',
    values: ['clip', 'kl_penalty'],
    summary: 'Which PPO objective: the clipped surrogate (clip) or the adaptive KL penalty (kl_penalty).',
    explanation:
      'kl_penalty optimises the unclipped surrogate minus beta times the exact KL divergence from the rollout policy, and after each update adapts beta: halved when the measured KL was below kl_target / 1.5, doubled when above kl_target * 1.5 (the PPO paper, section 4). clip_range then only feeds the clipfrac diagnostic.',
    formula:
      'clip:        L = E[ min(r A, clip(r, 1 - eps, 1 + eps) A) ]\nkl_penalty:  L = E[ r A - beta * KL[pi_old(.|s), pi_theta(.|s)] ]        (Schulman et al. 2017, eq. 8)',
    algos: ppo,
  },
  {
    key: 'kl_coef',
    type: 'float',
    default: 1.0,
    min: 0,
    minExclusive: true,
    sensible: [0.01, 10],
    summary: 'kl_penalty mode: the initial penalty coefficient beta (then adapted every update).',
    explanation: 'Only the starting point: the adaptive rule moves beta by factors of 2 towards the value that keeps the KL near kl_target. The paper found the result insensitive to it.',
    formula: 'd = mean KL[pi_old || pi_new] after the update\nd < kl_target / 1.5  =>  beta <- beta / 2\nd > kl_target * 1.5  =>  beta <- beta * 2',
    algos: ppo,
  },
  {
    key: 'kl_target',
    type: 'float',
    default: 0.01,
    min: 0,
    minExclusive: true,
    sensible: [0.003, 0.03],
    summary: 'kl_penalty mode: d_targ, the per-update KL divergence beta is adapted around.',
    explanation: 'The paper tried 0.003, 0.01 and 0.03. Separate from target_kl, which stops the epochs early in either mode.',
    formula: 'd < d_targ / 1.5  =>  beta / 2;   d > d_targ * 1.5  =>  beta * 2',
    algos: ppo,
  },
  ...gsdeParams(ppo),
];
