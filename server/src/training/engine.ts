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
import { A2C } from './algos/a2c/a2c';
import { NPG } from './algos/npg/naturalGradient';
import { REINFORCE } from './algos/reinforce/reinforce';
import { TRPO } from './algos/trpo/trpo';
import { DQN } from './algos/dqn/dqn';
import { DDPG } from './algos/ddpg/ddpg';
import { TD3 } from './algos/td3/td3';
import { SAC } from './algos/sac/sac';
import { A3C } from './algos/a3c/a3c';
import { BC } from './algos/bc/bc';
import { resolveTrainingEnv } from './envs/trainingEnv';
import { isLmAlgo } from '../schema/lm';
import { createLmStage } from './rlhf/stages';
import { BACKEND_ENV_VAR, currentBackend, selectBackend, type BackendChoice } from './backends';
import type { TrainedPolicy, TrainHooks, TrainResult } from './types';
import type { Algorithm } from './algos/algorithm';
import { createTabular } from './algos/tabular';
import type { AlgoCheckpoint } from './algos/checkpoint';

export { selectBackend, currentBackend, BACKEND_ENV_VAR };
export type { BackendChoice, TrainHooks, TrainResult };
export type { MetricRow } from './types';

export interface TrainOptions {
  /** Backend to select when none was selected in this process yet (default: RL_LAB_BACKEND, then auto). */
  backend?: string;
  /** Continue from this checkpoint (same config) instead of starting fresh. */
  resume?: AlgoCheckpoint;
}

/** The algorithm of a config on its environment (custom modules are loaded here). */
export async function createAlgorithm(config: ResolvedConfig): Promise<Algorithm> {
  // Language-model stages train on text tasks, not registry environments.
  if (isLmAlgo(config.algo)) return createLmStage(config);
  const env = await resolveTrainingEnv(config);
  switch (config.algo) {
    case 'ppo':
      return new PPO(config, env);
    case 'dqn':
      return new DQN(config, env);
    case 'reinforce':
      return new REINFORCE(config, env);
    case 'a2c':
      return new A2C(config, env);
    case 'npg':
      return new NPG(config, env);
    case 'a3c':
      return new A3C(config, env);
    case 'bc':
      return new BC(config, env);
    case 'trpo':
      return new TRPO(config, env);
    case 'ddpg':
      return new DDPG(config, env);
    case 'td3':
      return new TD3(config, env);
    case 'sac':
      return new SAC(config, env);
    case 'q_learning':
    case 'sarsa':
    case 'expected_sarsa':
    case 'mc_control':
    case 'value_iteration':
    case 'policy_iteration':
      return createTabular(config);
    default:
      throw new Error(`algorithm '${String(config.algo)}' is not implemented`);
  }
}

/** Checks that a checkpoint belongs to this config before any state is touched. */
export function checkCompatible(config: ResolvedConfig, checkpoint: AlgoCheckpoint): void {
  if (checkpoint.algo !== config.algo) throw new Error(`the checkpoint is of algorithm '${checkpoint.algo}', the config trains '${config.algo}'`);
  if (checkpoint.env && checkpoint.env !== config.env) throw new Error(`the checkpoint is of env '${checkpoint.env}', the config trains '${config.env}'`);
}

/**
 * The policy saved in a checkpoint, restored into a fresh algorithm (evaluation). The caller
 * disposes it when done.
 */
export async function restorePolicy(config: ResolvedConfig, checkpoint: AlgoCheckpoint): Promise<{ policy: TrainedPolicy; dispose(): void }> {
  if (!currentBackend()) await selectBackend(process.env[BACKEND_ENV_VAR]);
  checkCompatible(config, checkpoint);
  const algorithm = await createAlgorithm(config);
  try {
    await algorithm.loadCheckpoint(checkpoint);
    const policy = algorithm.trainedPolicy();
    if (!policy) throw new Error(`algorithm '${config.algo}' has no policy to evaluate`);
    return { policy, dispose: () => algorithm.dispose() };
  } catch (e) {
    algorithm.dispose();
    throw e;
  }
}

export async function train(config: ResolvedConfig, hooks: TrainHooks, options: TrainOptions = {}): Promise<TrainResult> {
  try {
    if (!currentBackend()) await selectBackend(options.backend ?? process.env[BACKEND_ENV_VAR]);
  } catch (err) {
    return { status: 'failed', globalStep: 0, sps: 0, error: err instanceof Error ? err.message : String(err) };
  }
  let algorithm: Algorithm | undefined;
  try {
    // A custom environment's module is loaded (and checked) here, in the training process.
    if (options.resume) checkCompatible(config, options.resume);
    algorithm = await createAlgorithm(config);
    if (options.resume) await algorithm.loadCheckpoint(options.resume);
  } catch (err) {
    algorithm?.dispose();
    return { status: 'failed', globalStep: options.resume?.globalStep ?? 0, sps: 0, error: err instanceof Error ? err.message : String(err) };
  }
  return algorithm.learn(hooks);
}
