/** The hyperparameter schema: one registry that validation, hover, completion and docs read. */
import { EXPERIMENT_PARAMS } from './experiment';
import { DQN, DQN_PARAMS } from './dqn';
import { A2C, A2C_PARAMS } from './a2c';
import { NPG, NPG_PARAMS } from './npg';
import { PPO, PPO_PARAMS } from './ppo';
import { REINFORCE, REINFORCE_PARAMS } from './reinforce';
import { TRPO, TRPO_PARAMS } from './trpo';
import { DDPG, DDPG_PARAMS } from './ddpg';
import { TD3, TD3_PARAMS } from './td3';
import { SAC, SAC_PARAMS } from './sac';
import { A3C, A3C_PARAMS } from './a3c';
import { BC, BC_PARAMS } from './bc';
import { DPO, DPO_PARAMS, GRPO, GRPO_PARAMS, PPO_RLHF, PPO_RLHF_PARAMS } from './rlhf';
import { SFT, SFT_PARAMS } from './sft';
import { REWARD_MODEL, REWARD_MODEL_PARAMS } from './rewardModel';
import { TABULAR_ALGOS, TABULAR_PARAMS } from './tabular';
import type { AlgoId, AlgoSpec, ParamSpec } from './types';

export * from './types';
export * from './config';
export { ZOO_TUNED, zooTunedEntry, type ZooValue } from './zooTuned';

export const ALGOS: Readonly<Record<AlgoId, AlgoSpec>> = { ppo: PPO, dqn: DQN, reinforce: REINFORCE, a2c: A2C, npg: NPG, trpo: TRPO, ddpg: DDPG, td3: TD3, sac: SAC, a3c: A3C, bc: BC, sft: SFT, reward_model: REWARD_MODEL, ppo_rlhf: PPO_RLHF, dpo: DPO, grpo: GRPO, ...TABULAR_ALGOS };
export const ALGO_IDS = Object.keys(ALGOS) as AlgoId[];

const ALGO_PARAMS: Readonly<Record<AlgoId, readonly ParamSpec[]>> = {
  ppo: PPO_PARAMS, dqn: DQN_PARAMS, reinforce: REINFORCE_PARAMS, a2c: A2C_PARAMS, npg: NPG_PARAMS, trpo: TRPO_PARAMS, ddpg: DDPG_PARAMS, td3: TD3_PARAMS, sac: SAC_PARAMS, a3c: A3C_PARAMS, bc: BC_PARAMS,
  sft: SFT_PARAMS, reward_model: REWARD_MODEL_PARAMS, ppo_rlhf: PPO_RLHF_PARAMS, dpo: DPO_PARAMS, grpo: GRPO_PARAMS,
  ...TABULAR_PARAMS,
};

export { EXPERIMENT_PARAMS };

export function isAlgoId(value: unknown): value is AlgoId {
  return typeof value === 'string' && value in ALGOS;
}

/** Every key valid in an experiment of this algorithm: experiment keys first, then the algorithm's. */
export function paramsFor(algo: AlgoId): readonly ParamSpec[] {
  return [...EXPERIMENT_PARAMS, ...ALGO_PARAMS[algo]];
}

export function paramSpec(algo: AlgoId | undefined, key: string): ParamSpec | undefined {
  const experimentKey = EXPERIMENT_PARAMS.find((p) => p.key === key);
  if (experimentKey) return experimentKey;
  const algos = algo ? [algo] : ALGO_IDS;
  for (const id of algos) {
    const spec = ALGO_PARAMS[id].find((p) => p.key === key);
    if (spec) return spec;
  }
  return undefined;
}

/** All keys known to any algorithm (for did-you-mean when the algorithm is unknown). */
export function allParamKeys(): string[] {
  return [...new Set([...EXPERIMENT_PARAMS, ...ALGO_IDS.flatMap((a) => ALGO_PARAMS[a])].map((p) => p.key))];
}
