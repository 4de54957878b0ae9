/** What A3C's main thread and its worker threads tell each other (workerData and postMessage). */
import type { ResolvedConfig } from '../../../schema';
import type { SharedBuffers } from './shared';

export interface A3cWorkerData {
  /** 0-based index, in messages and errors. */
  index: number;
  /** The run's config with this worker's seed (run seed + offset) in `seed`. */
  config: ResolvedConfig;
  /** The backend the main thread trains with; each worker selects it for its own TensorFlow.js. */
  backend: string;
  shared: SharedBuffers;
  /** Env steps (this worker's) between two reports. */
  reportEvery: number;
}

export interface EpisodeSummary {
  return: number;
  length: number;
}

export type A3cWorkerMessage =
  /** Means over the updates since the last report, and the episodes that ended meanwhile. */
  | { type: 'report'; index: number; updates: number; metrics: Record<string, number>; episodes: EpisodeSummary[] }
  /** The worker left its loop (done or asked to stop) after its last report. */
  | { type: 'done'; index: number }
  /** The worker failed; it exits right after. */
  | { type: 'error'; index: number; message: string };
