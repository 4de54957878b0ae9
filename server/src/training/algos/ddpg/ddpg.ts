/**
 * Deep Deterministic Policy Gradient (Lillicrap et al. 2016) as SB3 defines it: TD3 with a
 * single critic, the actor updated after every critic step and no target policy smoothing
 * (SB3's DDPG subclasses TD3 with n_critics=1, policy_delay=1, target_policy_noise=0).
 *   y = r + gamma * (1 - terminated) * Q'(s', mu'(s'))
 *   critic loss = mean((Q(s, a) - y)^2);  actor loss = -mean Q(s, mu(s));  Polyak targets.
 */
import { hyperparametersOf, type ResolvedConfig } from '../../../schema';
import { builtinTrainingEnv, type TrainingEnv } from '../../envs/trainingEnv';
import { TD3 } from '../td3/td3';

export class DDPG extends TD3 {
  constructor(config: ResolvedConfig, env: TrainingEnv = builtinTrainingEnv(config)) {
    const hp = hyperparametersOf(config, 'ddpg');
    super(config, env, { algo: 'ddpg', hp, nCritics: 1, policyDelay: 1, targetPolicyNoise: 0, targetNoiseClip: 0 });
  }
}
