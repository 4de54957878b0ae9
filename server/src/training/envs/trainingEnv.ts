/**
 * The environment a run trains on, built-in or custom, behind one shape: its spec and a
 * factory of vectorized copies. Custom modules are loaded here, in the training process.
 */
import type { ResolvedConfig } from '../../schema';
import { CUSTOM_ENV } from './custom/id';
import { loadCustomEnv } from './custom/source';
import { envSpec, makeVecEnv } from './registry';
import type { EnvSpec } from './spaces';
import { VecEnv } from './vecEnv';

export interface TrainingEnv {
  spec: EnvSpec;
  makeVecEnv(numEnvs: number, seed: number): VecEnv;
}

type EnvConfig = Pick<ResolvedConfig, 'env' | 'env_kwargs' | 'env_module'>;

/** A built-in environment (synchronous: nothing to load). */
export function builtinTrainingEnv(config: EnvConfig): TrainingEnv {
  const kwargs = config.env_kwargs ?? {};
  return {
    spec: envSpec(config.env, kwargs),
    makeVecEnv: (numEnvs, seed) => makeVecEnv(config.env, numEnvs, seed, kwargs),
  };
}

/** The run's environment; for `env: custom` this loads and checks the user's module (throws CustomEnvError). */
export async function resolveTrainingEnv(config: EnvConfig): Promise<TrainingEnv> {
  if (config.env !== CUSTOM_ENV) return builtinTrainingEnv(config);
  if (!config.env_module) throw new Error(`env: ${CUSTOM_ENV} needs env_module, the path of the environment's module`);
  const source = await loadCustomEnv(config.env_module, config.env_kwargs ?? {});
  return {
    spec: source.spec,
    makeVecEnv: (numEnvs, seed) => new VecEnv(source.makeDynamics(numEnvs), numEnvs, source.spec.maxEpisodeSteps, seed),
  };
}
