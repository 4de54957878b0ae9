/** What the engine reports to whoever runs it (worker, CLI, tests, bench). */
import type { MetricRow, SamplesRow } from '../protocol/types';
import type { VecNormalizeState } from './envs/vecNormalize';
import type { AlgoCheckpoint } from './algos/checkpoint';
import type { ValueTable } from './algos/tabular/valueTable';

export type { MetricRow };

/** One line of samples.jsonl as the trainer writes it: the protocol's SamplesRow plus wall time (ms). */
export type SampleRow = SamplesRow & { time?: number };

export interface TrainHooks {
  /** One row per update: namespaced metrics; `step` is the global env step. */
  onMetrics(row: MetricRow): void;
  onProgress?(globalStep: number, totalSteps: number, meanReturn?: number): void;
  /** Polled between rollouts; true ends training with status 'stopped'. */
  shouldStop?(): boolean;
  /**
   * Called once when training ends completed or stopped, before the model is freed: the
   * caller's last chance to use the trained policy (the run store records a playback episode).
   * It must not throw; a throw would fail the run.
   */
  onTrained?(policy: TrainedPolicy): void | Promise<void>;
  /**
   * After each update when observation/reward normalization is on: the current statistics
   * (the run store saves them as normalization.json, throttled, and once more at the end).
   */
  onNormalization?(stats: VecNormalizeState): void;
  /**
   * Env steps between periodic checkpoints (the `checkpoint_freq` key); 0 or unset: only the
   * final one. A checkpoint is taken at the first update boundary at or after each multiple.
   */
  checkpointFreq?: number;
  /**
   * A checkpoint was taken (algos/checkpoint.ts): periodically, and once more (`final`) when
   * training completes or is stopped. Not called for a failed run (its weights may be NaN) nor
   * by algorithms without checkpoint support. The run store writes it atomically.
   */
  onCheckpoint?(checkpoint: AlgoCheckpoint, final: boolean): void | Promise<void>;
  /**
   * Tabular algorithms: their Q-table / value function after every metric row, and once more
   * (`final`) when training completes or is stopped (the run store writes it as q_table.json).
   */
  onValueTable?(table: ValueTable, final: boolean): void;
  /**
   * Language-model stages (RLHF): a few completions sampled at a logged step, with their
   * rewards (the run store appends them to samples.jsonl; the dashboard shows them as a table).
   */
  onSamples?(row: SampleRow): void;
  /**
   * The run folder, when the caller records the run (worker, CLI). Stages that produce a model
   * for later stages (RLHF: sft, reward_model, ppo_rlhf, dpo, grpo) save it in `<runDir>/model/`
   * and resolve `init_from` against the run store that holds this folder.
   */
  runDir?: string;
}


/** The trained policy, for evaluation after training. */
export interface TrainedPolicy {
  /**
   * The action for one observation, without exploration: argmax of the logits (Discrete) or
   * the Gaussian mean clipped to the Box bounds. Returns an env action row (the index for
   * Discrete), valid until the next call.
   */
  actDeterministic(obs: Float32Array): Float32Array;
  /**
   * What the policy's inputs were made from raw env observations during training (frozen
   * observation normalization, VecNormalize-style); absent when it saw raw observations.
   */
  transformObs?(obs: Float32Array): Float32Array;
}

export interface TrainResult {
  status: 'completed' | 'stopped' | 'failed';
  globalStep: number;
  /** Mean of the last 20 episodic returns, when any episode finished. */
  meanReturn?: number;
  /** Environment steps per second over the whole run (charts/SPS at the end). */
  sps: number;
  error?: string;
}
