/**
 * The `dataset` key of the language-model stages names a JSONL file relative to the experiment
 * file; the resolved config holds it absolute (the worker may run elsewhere). The editor checks
 * that it exists with the same resolution.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ResolvedConfig } from '../../../schema';
import { isLmAlgo } from '../../../schema/lm';

export function resolveDatasetPath(experimentFile: string, dataset: string): string {
  return isAbsolute(dataset) ? dataset : resolve(dirname(experimentFile), dataset);
}

/** Makes an LM stage's `dataset` absolute (in place); other configs are left alone. */
export function resolveLmPaths(config: ResolvedConfig, experimentFile: string): void {
  if (!isLmAlgo(config.algo)) return;
  const h = config.hyperparameters as unknown as { dataset?: string | null; reward_module?: string | null };
  if (typeof h.dataset === 'string' && h.dataset.trim()) h.dataset = resolveDatasetPath(experimentFile, h.dataset.trim());
  // ppo_rlhf / grpo: the user's reward function module, resolved the same way (rlhf/rewardFunctions.ts).
  if (typeof h.reward_module === 'string' && h.reward_module.trim()) h.reward_module = resolveDatasetPath(experimentFile, h.reward_module.trim());
}

/** Why the dataset path cannot be read, or undefined when it is a file. */
export function datasetPathProblem(experimentFile: string, dataset: string): string | undefined {
  const file = resolveDatasetPath(experimentFile, dataset);
  if (!existsSync(file)) return `dataset file not found: ${file}`;
  if (!statSync(file).isFile()) return `dataset is not a file: ${file}`;
  return undefined;
}
