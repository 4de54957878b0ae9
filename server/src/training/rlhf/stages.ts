/**
 * The language-model stages by algo id. engine.ts dispatches here before any Gymnasium
 * environment is resolved: their `env` is a text task (rlhf/tasks), not a registry env.
 */
import type { ResolvedConfig } from '../../schema';
import type { Algorithm } from '../algos/algorithm';
import { DPO } from './dpo';
import { GRPO } from './grpo';
import { PpoRlhf } from './ppoRlhf';
import { SftStage } from './sft';
import { RewardModelStage } from './rewardModel';

export function createLmStage(config: ResolvedConfig): Algorithm {
  const algo: string = config.algo;
  switch (algo) {
    case 'sft':
      return new SftStage(config);
    case 'reward_model':
      return new RewardModelStage(config);
    case 'ppo_rlhf':
      return new PpoRlhf(config);
    case 'dpo':
      return new DPO(config);
    case 'grpo':
      return new GRPO(config);
    default:
      throw new Error(`language-model stage '${algo}' is not implemented`);
  }
}
