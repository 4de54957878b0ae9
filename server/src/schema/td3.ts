import { actionNoiseParams, continuousOffPolicyParams, DDPG } from './ddpg';
import type { AlgoSpec, ParamSpec } from './types';

/** Names and defaults follow Stable-Baselines3's TD3, so RL Baselines3 Zoo's `hyperparams/td3.yml` runs as it is. */
export const TD3: AlgoSpec = {
  id: 'td3',
  name: 'Twin Delayed DDPG',
  summary: 'DDPG with clipped double Q-learning, target policy smoothing and delayed policy updates.',
  explanation:
    'Three fixes to DDPG\'s overestimation and brittleness (Fujimoto et al. 2018): twin critics whose smaller estimate forms the target; clipped Gaussian noise on the target action, so the target is smooth in the action; and the actor and target networks updated once every policy_delay critic updates. Continuous (Box) action spaces only.',
  actionSpaces: ['continuous'],
  policyDefaults: DDPG.policyDefaults,
};

const td3 = ['td3'] as const;

const TD3_TARGET =
  "a~' = clip( mu'(s') + clip(eps, -target_noise_clip, target_noise_clip), -1, 1 ),  eps ~ N(0, target_policy_noise^2)\ny = r + gamma * (1 - terminated) * min(Q'_1(s', a~'), Q'_2(s', a~'))        (Fujimoto et al. 2018, eq. 10 and 14)\ncritic loss = sum_i mean( (Q_i(s, a) - y)^2 )        (SB3)\nactor loss = -mean( Q_1(s, mu(s)) ),  every policy_delay critic updates";

export const TD3_PARAMS: readonly ParamSpec[] = [
  ...continuousOffPolicyParams(td3, 1e-3).map((p) => (p.key === 'gamma' ? { ...p, formula: TD3_TARGET } : p)),
  ...actionNoiseParams(td3),
  {
    key: 'policy_delay',
    type: 'int',
    default: 2,
    min: 1,
    sensible: [1, 4],
    summary: 'Critic updates per actor (and target-network) update.',
    explanation:
      'The actor follows the critic\'s gradient, which is noisy while the critic is still moving; updating the actor and the targets less often lets the critic settle first (the "delayed" in TD3). 1 updates them every step, as DDPG.',
    formula: "every policy_delay gradient steps:  actor step on -mean Q_1(s, mu(s));  theta' <- tau * theta + (1 - tau) * theta' for every target",
    algos: td3,
  },
  {
    key: 'target_policy_noise',
    type: 'float',
    default: 0.2,
    min: 0,
    sensible: [0.1, 0.5],
    summary: 'Std of the Gaussian noise added to the target action (target policy smoothing).',
    explanation:
      'Averaging the target over nearby actions keeps the critic from exploiting narrow peaks of its own error. In the normalized action space [-1, 1]; 0 turns smoothing off.',
    formula: TD3_TARGET,
    algos: td3,
  },
  {
    key: 'target_noise_clip',
    type: 'float',
    default: 0.5,
    min: 0,
    sensible: [0.2, 1],
    summary: 'Limit on the absolute value of the target smoothing noise.',
    explanation: 'The smoothing noise is clipped to [-target_noise_clip, target_noise_clip] so the target action stays near mu\'(s\').',
    formula: "eps_clipped = clip(eps, -target_noise_clip, target_noise_clip)",
    algos: td3,
  },
];
