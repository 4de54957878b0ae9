/**
 * The measure of issue 4's learning tests: train an example experiment (seed and step budget
 * overridden) until the mean return of the last 20 TRAINING episodes reaches the threshold, and
 * report the step at which it did. Training stops there, to keep CI short.
 */
import { readFileSync } from 'node:fs';
import { loadExperimentConfig } from '../../server/src/experiments';
import type { ResolvedConfig } from '../../server/src/schema';
import { train, type TrainResult } from '../../server/src/training/engine';

export interface ThresholdRun {
  config: ResolvedConfig;
  /** First global step at which the last-20 mean was >= threshold (checked at every metric row); undefined = never. */
  solvedAt?: number;
  result: TrainResult;
}

export async function trainToThreshold(
  file: string, experiment: string, opts: { seed: number; budget: number; threshold: number; overrides?: string[] },
): Promise<ThresholdRun> {
  const overrides = [...(opts.overrides ?? []), `seed=${opts.seed}`, `n_timesteps=${opts.budget}`];
  const loaded = loadExperimentConfig(readFileSync(file, 'utf8'), file, experiment, overrides);
  if ('error' in loaded) throw new Error(`${loaded.error.file}:${loaded.error.line}: ${loaded.error.message}`);
  let solvedAt: number | undefined;
  const result = await train(loaded.config, {
    onMetrics() {},
    onProgress(step, _total, meanReturn) {
      if (solvedAt === undefined && meanReturn !== undefined && meanReturn >= opts.threshold) solvedAt = step;
    },
    shouldStop: () => solvedAt !== undefined,
  });
  return { config: loaded.config, solvedAt, result };
}
