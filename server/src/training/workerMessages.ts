/**
 * The IPC contract between the run manager (in the language server) and a training worker
 * (`dist/worker.js`, a forked child process). Both sides import these types; no message
 * type is spelled anywhere else.
 */
import type { EvaluationResult, MetricRow, RunSummary } from '../protocol/types';
import type { ResolvedConfig } from '../schema';

/** Parent -> worker. */
export type ToWorker =
  /** Sent once, right after fork: train `config`, recording into the existing run folder. */
  | { type: 'start'; runDir: string; config: ResolvedConfig; backend?: string; resume?: boolean }
  /** Sent once instead of `start`: evaluate the run's saved policy, answer `evaluation` or `error`, exit. */
  | { type: 'evaluate'; runDir: string; episodes: number; backend?: string }
  /** Finish the current rollout and end the run as 'stopped'. */
  | { type: 'stop' };

/** Worker -> parent. */
export type FromWorker =
  /** run.json was rewritten with this content (backend chosen, final status, ...). */
  | { type: 'status'; run: RunSummary }
  /** Rows already appended to metrics.jsonl. */
  | { type: 'metrics'; rows: MetricRow[] }
  | { type: 'progress'; globalStep: number; totalSteps: number; meanReturn?: number }
  /** The answer to `evaluate` (already recorded in the run folder). */
  | { type: 'evaluation'; result: EvaluationResult }
  /** `evaluate` failed. */
  | { type: 'error'; message: string };

export function isToWorker(message: unknown): message is ToWorker {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'start' || type === 'stop' || type === 'evaluate';
}

export function isFromWorker(message: unknown): message is FromWorker {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'status' || type === 'metrics' || type === 'progress' || type === 'evaluation' || type === 'error';
}
