/**
 * Trains one run and records it in its run folder: the code that both trainers share, the
 * worker child process (for the language server) and the headless CLI. It picks the
 * backend, appends every metric row to metrics.jsonl as it arrives, keeps run.json current
 * and writes the final status, so the folder is complete whoever started the run.
 */
import { version_core as tfjsCoreVersion } from '@tensorflow/tfjs-core';
import type { MetricRow, RunStatus } from '../protocol/types';
import type { ResolvedConfig } from '../schema';
import { BACKEND_ENV_VAR, selectBackend, train, type TrainResult } from './engine';
import type { VecNormalizeState } from './envs/vecNormalize';
import { resolveTrainingEnv } from './envs/trainingEnv';
import { evaluatePolicy } from './evaluate';
import { writeNormalization } from './normalizationFile';
import { MetricsWriter, readRunSummary, rewindMetrics, withBestMeanReturn, writePlayback, writeRunSummary, type StoredRun } from './runStore';
import { latestCheckpoint, writeCheckpoint } from './checkpointStore';
import { DEFAULT_CHECKPOINT_FREQ } from '../schema';
import type { TrainedPolicy } from './types';
import { VALUE_TABLE_SAVE_MS, writeValueTable } from './valueTableFile';
import { SamplesWriter } from './samplesFile';

export interface RecordEvents {
  /** run.json was just rewritten with `run`. */
  status?(run: StoredRun): void;
  /** `row` was just appended to metrics.jsonl. */
  metrics?(row: MetricRow): void;
  progress?(globalStep: number, totalSteps: number, meanReturn?: number): void;
  /** Something went wrong that does not fail the run (the playback could not be recorded). */
  warning?(message: string): void;
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
  /**
   * Continue the run in `runDir` from its newest checkpoint (none: from the start). Metric
   * rows logged after that checkpoint move to metrics.rewound.jsonl first, so steps continue.
   */
  resume?: boolean;
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
    run = writeRunSummary(runDir, withBestMeanReturn({ ...run, ...patch }));
    events.status?.(run);
  };
  // Before the writer opens metrics.jsonl: a resume first cuts it back to the checkpoint.
  const resumeFrom = opts.resume ? latestCheckpoint(runDir) : undefined;
  if (opts.resume) rewindMetrics(runDir, resumeFrom?.checkpoint.globalStep ?? 0);
  const writer = new MetricsWriter(runDir);
  const samplesWriter = new SamplesWriter(runDir);
  try {
    const backend = await selectBackend(opts.backend ?? process.env[BACKEND_ENV_VAR]);
    const ckpt = resumeFrom?.checkpoint;
    const recent = ckpt?.recentReturns ?? [];
    save({
      status: 'running',
      backend: backend.name,
      backendNotes: backend.notes,
      pid: process.pid,
      versions: { rlLab: run.versions?.rlLab ?? run.packageVersion ?? 'unknown', tfjsCore: tfjsCoreVersion, node: process.versions.node },
      ...(opts.resume
        ? {
            resumes: (run.resumes ?? 0) + 1,
            globalStep: ckpt?.globalStep ?? 0,
            meanReturn: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : undefined,
            endTime: undefined,
            error: undefined,
          }
        : {}),
    });
    let lastSave = Date.now();
    let normalization: VecNormalizeState | undefined;
    let lastNormalizationSave = 0;
    let lastValueTableSave = 0;
    const result = await train(config, {
      onMetrics(row) {
        writer.append(row);
        events.metrics?.(row);
      },
      // Language-model stages: sampled completions to samples.jsonl, and the folder they save their model in.
      onSamples(row) {
        samplesWriter.append(row);
      },
      runDir,
      onProgress(globalStep, totalSteps, meanReturn) {
        run = withBestMeanReturn({ ...run, globalStep, totalSteps, ...(meanReturn !== undefined ? { meanReturn } : {}) });
        events.progress?.(globalStep, totalSteps, meanReturn);
        if (Date.now() - lastSave >= PROGRESS_SAVE_MS) {
          lastSave = Date.now();
          writeRunSummary(runDir, run);
        }
      },
      shouldStop: opts.shouldStop,
      onNormalization(stats) {
        // Throttled like run.json's progress; the last statistics are written after training.
        normalization = stats;
        if (Date.now() - lastNormalizationSave >= PROGRESS_SAVE_MS) {
          lastNormalizationSave = Date.now();
          writeNormalization(runDir, stats);
        }
      },
      onValueTable(table, final) {
        // Tabular runs: the Q-table / value function, throttled while training (the dashboard's
        // heatmap reads it live) and always at the end.
        if (!final && Date.now() - lastValueTableSave < VALUE_TABLE_SAVE_MS) return;
        lastValueTableSave = Date.now();
        writeValueTable(runDir, table);
      },
      async onTrained(policy) {
        await recordPlayback(runDir, config, policy, events);
      },
      checkpointFreq: config.checkpoint_freq ?? DEFAULT_CHECKPOINT_FREQ,
      onCheckpoint(checkpoint) {
        writeCheckpoint(runDir, checkpoint);
        // The statistics that go with these weights (evaluation reads normalization.json).
        const stats = checkpoint.policy?.normalization;
        if (stats) writeNormalization(runDir, stats);
        save({ checkpointStep: checkpoint.globalStep, globalStep: checkpoint.globalStep });
      },
    }, ckpt ? { resume: ckpt } : {});
    if (normalization) writeNormalization(runDir, normalization);
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
    samplesWriter.close();
  }
}

/**
 * One deterministic evaluation episode of the final policy into playback.json. Playback is
 * an extra: when it fails, the run keeps its status and the reason goes to `warning` (stderr
 * when nobody listens).
 */
async function recordPlayback(runDir: string, config: ResolvedConfig, policy: TrainedPolicy, events: RecordEvents): Promise<void> {
  try {
    // The same environment training used (a custom module is already loaded, so this is cheap).
    const env = await resolveTrainingEnv(config);
    writePlayback(runDir, evaluatePolicy(config, policy, env));
  } catch (e) {
    const message = `playback not recorded: ${errorMessage(e)}`;
    if (events.warning) events.warning(message);
    else console.error(`rl-lab: ${message}`);
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
