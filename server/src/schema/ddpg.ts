import { DQN_PARAMS } from './dqn';
import { reuse } from './reuse';
import type { AlgoId, AlgoSpec, ParamSpec } from './types';

/**
 * DDPG. Names and defaults follow Stable-Baselines3's DDPG (a TD3 with one critic, no delay and
 * no target smoothing), and the exploration noise keys are RL Baselines3 Zoo's (`noise_type`,
 * `noise_std`, `noise_std_final`), so Zoo's `hyperparams/ddpg.yml` runs as it is.
 */
export const DDPG: AlgoSpec = {
  id: 'ddpg',
  name: 'Deep Deterministic Policy Gradient',
  summary: 'Off-policy actor-critic for continuous actions: a deterministic actor trained through a learned Q(s, a).',
  explanation:
    'A deterministic actor mu(s) (tanh-squashed to the action bounds) and a critic Q(s, a) fitted to TD targets computed with slowly moving (Polyak-averaged) target copies of both, from a replay buffer; the actor follows the critic\'s action gradient, and exploration adds Gaussian or Ornstein-Uhlenbeck noise to its actions (Lillicrap et al. 2016; Silver et al. 2014). Continuous (Box) action spaces only.',
  actionSpaces: ['continuous'],
  // SB3's TD3Policy (DDPG's too): net_arch [400, 300] for actor and critic, ReLU, PyTorch's default init.
  policyDefaults: { net_arch: { pi: [400, 300], vf: [400, 300] }, activation_fn: 'relu', ortho_init: false },
};

/** The replay, target and schedule keys DDPG, TD3 and SAC share, with their SB3 defaults. */
export function continuousOffPolicyParams(algos: readonly AlgoId[], learningRate: number): ParamSpec[] {
  const polyak = "theta' <- tau * theta + (1 - tau) * theta'        (Polyak averaging of every target network, SB3 polyak_update)";
  return [
    {
      key: 'learning_rate',
      type: 'schedule',
      default: learningRate,
      min: 0,
      minExclusive: true,
      max: 1,
      sensible: [1e-5, 3e-3],
      summary: 'Adam step size of the actor and the critics; a number or `lin_<start>` for linear decay to 0.',
      explanation:
        'One schedule for every optimizer (actor, critics and, for SAC with ent_coef auto, the entropy coefficient), Adam with PyTorch\'s epsilon 1e-8 as SB3. `lin_7.3e-4` starts at 7.3e-4 and decays linearly to 0 at the end of training.',
      formula: 'lin_x:  lr(progress_remaining) = x * progress_remaining,  progress_remaining = 1 - step / n_timesteps',
      algos,
    },
    reuse(DQN_PARAMS, 'buffer_size', algos, { sensible: [10000, 1000000] }),
    reuse(DQN_PARAMS, 'learning_starts', algos, {
      explanation:
        'Until this many steps (summed over envs) have been taken, actions are drawn uniformly within the Box bounds (SB3\'s warm-up) and no gradient step is taken. RL Baselines3 Zoo uses 10000 for Pendulum-v1 with DDPG/TD3.',
    }),
    reuse(DQN_PARAMS, 'batch_size', algos, { default: 256, sensible: [64, 512] }),
    {
      key: 'tau',
      type: 'float',
      default: 0.005,
      min: 0,
      minExclusive: true,
      max: 1,
      sensible: [0.001, 0.05],
      summary: 'Soft (Polyak) update coefficient of the target networks.',
      explanation:
        'After each policy update (DDPG/TD3) or every target_update_interval gradient steps (SAC) the target networks move this fraction of the way towards the trained ones. Small values give slowly moving, stable targets; 1 would copy.',
      formula: polyak,
      algos,
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
        'Weight of the bootstrapped next-state value in the critic\'s target; the effective horizon is about 1 / (1 - gamma) steps. Truncation by a time limit (Pendulum\'s 200 steps) is not termination: the target still bootstraps. Zoo uses 0.98 for Pendulum-v1.',
      formula: "y = r + gamma * (1 - terminated) * Q'(s', a')        (the Bellman target; see each algorithm's target below)",
      algos,
    },
    {
      key: 'train_freq',
      type: 'train_freq',
      default: 1,
      min: 1,
      sensible: [1, 1000],
      summary: 'Environment steps (per env) between training phases, or `[n, "episode"]`.',
      explanation:
        'After every train_freq steps of each environment copy the networks are trained with gradient_steps gradient steps. RL Baselines3 Zoo\'s tuple form `[1, "episode"]` collects until that many episodes (over all copies) have ended, as SB3\'s TrainFreq.',
      algos,
    },
    {
      key: 'gradient_steps',
      type: 'int',
      default: 1,
      min: -1,
      sensible: [1, 1000],
      summary: 'Gradient steps per training phase; -1 = as many as transitions were collected.',
      explanation:
        'How many minibatch updates follow each collection phase. -1 takes one per transition collected in the phase (SB3), which with `train_freq: [1, "episode"]` is one per step of the episode.',
      algos,
    },
    reuse(DQN_PARAMS, 'optimize_memory_usage', algos),
  ];
}

/** The Zoo's exploration-noise keys of DDPG and TD3. */
export function actionNoiseParams(algos: readonly AlgoId[]): ParamSpec[] {
  return [
    {
      key: 'noise_type',
      type: 'enum',
      values: ['normal', 'ornstein-uhlenbeck'],
      default: null,
      nullable: true,
      summary: 'Exploration noise added to the deterministic action: normal, ornstein-uhlenbeck, or none (null).',
      explanation:
        'RL Baselines3 Zoo\'s way of writing SB3\'s `action_noise`: `normal` adds independent Gaussian noise each step (NormalActionNoise, what TD3\'s authors use); `ornstein-uhlenbeck` adds temporally correlated noise (OrnsteinUhlenbeckActionNoise, theta 0.15, dt 0.01, as the DDPG paper), restarted at each episode. The noise acts on the action normalized to [-1, 1], which is then clipped and scaled to the Box bounds. Without noise (SB3\'s default) the policy explores only through its own changes.',
      formula:
        'a = unscale( clip(mu(s) + n, -1, 1) ),  unscale(a) = low + (a + 1) / 2 * (high - low)\nnormal:              n ~ N(0, noise_std^2)\nornstein-uhlenbeck:  n <- n + 0.15 * (0 - n) * 0.01 + noise_std * sqrt(0.01) * N(0, 1)        (SB3 common/noise.py)',
      algos,
    },
    {
      key: 'noise_std',
      type: 'float',
      default: 0.1,
      min: 0,
      sensible: [0.05, 0.5],
      summary: 'Standard deviation sigma of the exploration noise (in the normalized action space).',
      explanation: 'Used with noise_type. 0.1 of the half-range is the TD3 paper\'s choice and Zoo\'s for Pendulum-v1; Zoo\'s MountainCarContinuous uses 0.5 with Ornstein-Uhlenbeck noise to get over the hill.',
      algos,
    },
    {
      key: 'noise_std_final',
      type: 'float',
      default: null,
      nullable: true,
      min: 0,
      sensible: [0, 0.2],
      summary: 'When set, the noise std decays linearly from noise_std to this value over training.',
      explanation: 'RL Baselines3 Zoo\'s noise schedule (its LinearNormalActionNoise); null keeps noise_std throughout.',
      formula: 'sigma(t) = noise_std + (noise_std_final - noise_std) * t / n_timesteps',
      algos,
    },
  ];
}

const ddpg = ['ddpg'] as const;

export const DDPG_PARAMS: readonly ParamSpec[] = [
  ...continuousOffPolicyParams(ddpg, 1e-3).map((p) =>
    p.key === 'gamma'
      ? {
          ...p,
          formula:
            "y = r + gamma * (1 - terminated) * Q'(s', mu'(s'))        (Lillicrap et al. 2016, with target networks Q', mu')\ncritic loss = mean( (Q(s, a) - y)^2 )\nactor loss = -mean( Q(s, mu(s)) )        (deterministic policy gradient, Silver et al. 2014)",
        }
      : p,
  ),
  ...actionNoiseParams(ddpg),
];
