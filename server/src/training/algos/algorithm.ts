/**
 * What the engine needs from any algorithm (on-policy or not): train with hooks, snapshot
 * and restore itself (algos/checkpoint.ts), hand out its deterministic policy, free tensors.
 * OnPolicyAlgorithm implements it; an algorithm with its own loop implements it directly.
 */
import type { TrainedPolicy, TrainHooks, TrainResult } from '../types';
import type { Checkpointable } from './checkpoint';

export interface Algorithm extends Checkpointable {
  learn(hooks: TrainHooks): Promise<TrainResult>;
  /** The current policy for evaluation; undefined for an algorithm without one. */
  trainedPolicy(): TrainedPolicy | undefined;
  dispose(): void;
}
