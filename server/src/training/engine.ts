/**
 * The training engine's entry point: pick a TensorFlow.js backend (once per process), build
 * the algorithm for a resolved config and run it with the caller's hooks.
 *
 * Backend preference: `selectBackend(name)` called by the host first (worker, CLI) wins;
 * otherwise train() selects on first use, honouring the RL_LAB_BACKEND environment variable
 * (auto | tensorflow-gpu | tensorflow | wasm | cpu), or the `backend` option of train().
 */
import type { ResolvedConfig } from '../schema';
import { PPO } from './algos/ppo/ppo';
import { resolveTrainingEnv } from './envs/trainingEnv';
import { BACKEND_ENV_VAR, currentBackend, selectBackend, type BackendChoice } from './backends';
import type { TrainHooks, TrainResult } from './types';

export { selectBackend, currentBackend, BACKEND_ENV_VAR };
export type { BackendChoice, TrainHooks, TrainResult };
export type { MetricRow } from './types';

export interface TrainOptions {
  /** Backend to select when none was selected in this process yet (default: RL_LAB_BACKEND, then auto). */
  backend?: string;
}

export async function train(config: ResolvedConfig, hooks: TrainHooks, options: TrainOptions = {}): Promise<TrainResult> {
  try {
    if (!currentBackend()) await selectBackend(options.backend ?? process.env[BACKEND_ENV_VAR]);
  } catch (err) {
    return { status: 'failed', globalStep: 0, sps: 0, error: err instanceof Error ? err.message : String(err) };
  }
  let algorithm: PPO;
  try {
    // A custom environment's module is loaded (and checked) here, in the training process.
    const env = await resolveTrainingEnv(config);
    switch (config.algo) {
      case 'ppo':
        algorithm = new PPO(config, env);
        break;
      default:
        throw new Error(`algorithm '${String(config.algo)}' is not implemented`);
    }
  } catch (err) {
    return { status: 'failed', globalStep: 0, sps: 0, error: err instanceof Error ? err.message : String(err) };
  }
  return algorithm.learn(hooks);
}
