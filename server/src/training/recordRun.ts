/**
 * Trains one run and records it in its run folder: the code that both trainers share, the
 * worker child process (for the language server) and the headless CLI. It picks the
 * backend, appends every metric row to metrics.jsonl as it arrives, keeps run.json current
 * and writes the final status, so the folder is complete whoever started the run.
 */
import type { MetricRow, RunStatus } from '../protocol/types';
import type { ResolvedConfig } from '../schema';
import { BACKEND_ENV_VAR, selectBackend, train, type TrainResult } from './engine';
import { MetricsWriter, readRunSummary, writeRunSummary, type StoredRun } from './runStore';

export interface RecordEvents {
  /** run.json was just rewritten with `run`. */
  status?(run: StoredRun): void;
  /** `row` was just appended to metrics.jsonl. */
  metrics?(row: MetricRow): void;
  progress?(globalStep: number, totalSteps: number, meanReturn?: number): void;
}

export interface RecordOptions {
  /** An existing run folder (see `createRun`). */
  runDir: string;
  config: ResolvedConfig;
  /** Preferred backend name; undefined falls back to $RL_LAB_BACKEND; 'auto' picks the best that loads. */
  backend?: string;
  /** Polled by the engine between rollouts. */
  shouldStop(): boolean;
  /** The status to record when a stop request ended training; 'stopped' unless told otherwise. */
  stoppedAs?(): RunStatus;
  events?: RecordEvents;
}

export interface RecordedRun {
  run: StoredRun;
  /** Absent when training threw before it could report a result. */
  result?: TrainResult;
}

/**
 * How often progress (global step, mean return) is saved to run.json while training, so a
 * run whose trainer dies still shows how far it got. Metric rows are saved as they come.
 */
const PROGRESS_SAVE_MS = 2000;

export async function trainAndRecord(opts: RecordOptions): Promise<RecordedRun> {
  const { runDir, config, events = {} } = opts;
  let run = readRunSummary(runDir);
  const save = (patch: Partial<StoredRun>) => {
    run = { ...run, ...patch };
    writeRunSummary(runDir, run);
    events.status?.(run);
  };
  const writer = new MetricsWriter(runDir);
  try {
    const backend = await selectBackend(opts.backend ?? process.env[BACKEND_ENV_VAR]);
    save({ status: 'running', backend: backend.name, backendNotes: backend.notes, pid: process.pid });
    let lastSave = Date.now();
    const result = await train(config, {
      onMetrics(row) {
        writer.append(row);
        events.metrics?.(row);
      },
      onProgress(globalStep, totalSteps, meanReturn) {
        run = { ...run, globalStep, totalSteps, ...(meanReturn !== undefined ? { meanReturn } : {}) };
        events.progress?.(globalStep, totalSteps, meanReturn);
        if (Date.now() - lastSave >= PROGRESS_SAVE_MS) {
          lastSave = Date.now();
          writeRunSummary(runDir, run);
        }
      },
      shouldStop: opts.shouldStop,
    });
    const status: RunStatus = result.status === 'stopped' ? (opts.stoppedAs?.() ?? 'stopped') : result.status;
    save({
      status,
      endTime: new Date().toISOString(),
      globalStep: result.globalStep,
      ...(result.meanReturn !== undefined ? { meanReturn: result.meanReturn } : {}),
      ...(result.error ? { error: result.error } : {}),
    });
    return { run, result };
  } catch (e) {
    save({ status: 'failed', endTime: new Date().toISOString(), error: errorMessage(e) });
    return { run };
  } finally {
    writer.close();
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
