/** The hyperparameter schema: one registry that validation, hover, completion and docs read. */
import { EXPERIMENT_PARAMS } from './experiment';
import { PPO, PPO_PARAMS } from './ppo';
import type { AlgoId, AlgoSpec, ParamSpec } from './types';

export * from './types';
export * from './config';

export const ALGOS: Readonly<Record<AlgoId, AlgoSpec>> = { ppo: PPO };
export const ALGO_IDS = Object.keys(ALGOS) as AlgoId[];

const ALGO_PARAMS: Readonly<Record<AlgoId, readonly ParamSpec[]>> = { ppo: PPO_PARAMS };

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
