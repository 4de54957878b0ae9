/**
 * One training job of the bench in its own child process (so its peak RSS is its own and
 * jobs cannot disturb each other): a resolved config, an optional forced backend, an optional
 * stop once the mean of the last 20 episodic returns reaches a threshold, and optional
 * sampling of TensorFlow.js tensor count and RSS (the memory-flatness check).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from '../server/src/schema';
import { loadExperimentConfig } from '../server/src/experiments';
import { selectBackend } from '../server/src/training/backends';
import { train } from '../server/src/training/engine';

export interface Job {
  config: ResolvedConfig;
  /** Forced backend; undefined = auto. */
  backend?: string;
  /** Stop as soon as the mean of the last 20 episodic returns reaches this (steps_to_return). */
  stopAtReturn?: number;
  /** Sample tensor count and RSS every this many env steps. */
  sampleEvery?: number;
}

export interface MemorySample {
  step: number;
  tensors: number;
  rss_mib: number;
}

export interface JobFigures {
  backend: string;
  backend_notes: string[];
  steps: number;
  sps: number;
  /** Env steps per CPU second of this process (what an idle machine would give; see bench/ppo.ts). */
  cpu_sps: number;
  peak_rss_mib: number;
  wall_s: number;
  mean_return_last_20: number | null;
  /** First update boundary at which the mean of the last 20 returns reached stopAtReturn; null = never. */
  steps_to_return?: number | null;
  memory?: MemorySample[];
}

export type JobOutcome = JobFigures | { error: string };

/** A config from an experiment file of the repository, with overrides (`key=value`). */
export function exampleConfig(file: string, experiment: string, overrides: string[]): ResolvedConfig {
  const path = join(__dirname, '..', file);
  const loaded = loadExperimentConfig(readFileSync(path, 'utf8'), path, experiment, overrides);
  if ('error' in loaded) throw new Error(`${file}#${experiment}: ${loaded.error.message}`);
  return loaded.config;
}

/** Runs a job in a child process. */
export function runJob(job: Job): Promise<JobOutcome> {
  return new Promise((resolve) => {
    const child = fork(__filename, ['--bench-job'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let outcome: JobOutcome = { error: 'benchmark process exited without a result' };
    child.on('message', (m) => (outcome = m as JobOutcome));
    child.on('exit', () => resolve(outcome));
    child.send(job);
  });
}

async function childMain(job: Job): Promise<JobOutcome> {
  let choice;
  try {
    choice = await selectBackend(job.backend);
  } catch (err) {
    return { error: (err as Error).message.replace(/^backend '[^']+' was requested but is unavailable: /, '') };
  }
  let stepsToReturn: number | null = null;
  const memory: MemorySample[] = [];
  let nextSample = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = await train(job.config, {
    onMetrics(row) {
      if (job.sampleEvery && row.step >= nextSample) {
        memory.push({ step: row.step, tensors: tf.memory().numTensors, rss_mib: Math.round(process.memoryUsage().rss / 2 ** 20) });
        nextSample = row.step + job.sampleEvery;
      }
    },
    onProgress(step, _total, meanReturn) {
      if (stepsToReturn === null && job.stopAtReturn !== undefined && meanReturn !== undefined && meanReturn >= job.stopAtReturn) stepsToReturn = step;
    },
    shouldStop: () => stepsToReturn !== null,
  });
  const cpu = process.cpuUsage(cpuStart);
  if (result.status === 'failed') return { error: `training failed: ${result.error ?? ''}` };
  return {
    backend: choice.name,
    backend_notes: choice.notes,
    steps: result.globalStep,
    sps: result.sps,
    cpu_sps: Math.round(result.globalStep / ((cpu.user + cpu.system) / 1e6)),
    peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    wall_s: Math.round((performance.now() - start) / 100) / 10,
    mean_return_last_20: result.meanReturn ?? null,
    ...(job.stopAtReturn !== undefined ? { steps_to_return: stepsToReturn } : {}),
    ...(job.sampleEvery ? { memory } : {}),
  };
}

if (process.argv[2] === '--bench-job' && process.send) {
  process.once('message', (job) => {
    void childMain(job as Job)
      .catch((err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }))
      .then((outcome) => process.send!(outcome, () => process.exit(0)));
  });
}
