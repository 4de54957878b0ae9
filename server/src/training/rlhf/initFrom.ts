/**
 * `init_from`: where a language-model stage starts. The value names either another experiment
 * of the same experiment file — then its latest *completed* run in the run store is used — or a
 * run (id, unique id prefix, or folder path). Every stage saves its model in `<runDir>/model/`
 * (lm/io.ts), which is what the next stage loads. Resolved when training starts, in the training
 * process, against the run store that holds the new run's own folder.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findRun, listRuns, readRunSummary, type StoredRun } from '../runStore';
import { LM_MANIFEST } from './lm/io';

/** The folder inside a run folder where a language-model stage saves its model. */
export const MODEL_DIR = 'model';

export function modelDirOf(runDir: string): string {
  return join(runDir, MODEL_DIR);
}

export interface InitSource {
  /** The run whose model is loaded. */
  run: StoredRun;
  /** `<run folder>/model`. */
  modelDir: string;
  /** How it was found, for the log line: "experiment 'sft' (latest completed run)" or "run <id>". */
  via: string;
}

/**
 * Finds the run `initFrom` names, for a run recorded in `runDir`. Throws an Error that says what
 * to do when nothing usable is found (no completed run of that experiment yet, no model saved).
 */
export function resolveInitFrom(initFrom: string, runDir: string | undefined): InitSource {
  if (!runDir) {
    throw new Error(`init_from '${initFrom}' can only be resolved for a recorded run (train through the CLI, the code lens or trainAndRecord)`);
  }
  const runsDir = dirname(runDir);
  const self = readRunSummary(runDir);
  const { runs } = listRuns(runsDir);
  // Same experiment file: run.json records it workspace-relative, the same way for every run.
  const sameExperiment = runs.filter((r) => r.experiment === initFrom && r.file === self.file && r.id !== self.id);
  if (sameExperiment.length > 0) {
    const completed = sameExperiment.filter((r) => r.status === 'completed').sort((a, b) => endOf(b).localeCompare(endOf(a)));
    if (completed.length === 0) {
      const states = [...new Set(sameExperiment.map((r) => r.status))].join(', ');
      throw new Error(`init_from: experiment '${initFrom}' of ${self.file} has no completed run yet (its runs are ${states}); train it to completion first (rl-lab train ${self.file}#${initFrom})`);
    }
    return withModel(completed[0], `experiment '${initFrom}' (latest completed run ${completed[0].id})`);
  }
  let dir: string;
  try {
    dir = findRun(runsDir, initFrom);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new Error(
      `init_from: '${initFrom}' is neither an experiment of ${self.file} with a run nor a run id (${detail}); train experiment '${initFrom}' first (rl-lab train ${self.file}#${initFrom}) or give a run id`,
    );
  }
  const run = readRunSummary(dir);
  if (run.id === self.id) throw new Error(`init_from: '${initFrom}' names this run itself`);
  if (run.status === 'running' || run.status === 'queued') throw new Error(`init_from: run ${run.id} is still ${run.status}; wait until it completes`);
  return withModel(run, `run ${run.id}`);
}

function withModel(run: StoredRun, via: string): InitSource {
  const modelDir = modelDirOf(run.runDir);
  if (!existsSync(join(modelDir, LM_MANIFEST))) {
    throw new Error(`init_from: ${via} (algo ${run.algo}) saved no language model (${join(modelDir, LM_MANIFEST)} is missing); init_from must name a language-model stage (sft, reward_model, ppo_rlhf, dpo, grpo)`);
  }
  return { run, modelDir, via };
}

function endOf(r: StoredRun): string {
  return r.endTime ?? r.startTime;
}

/** What a stage started from, in its run folder (`lineage.json`): the model and the reward it used. */
export const LINEAGE_FILE = 'lineage.json';

export function writeLineage(runDir: string | undefined, lineage: { model: string; reward?: string }): void {
  if (runDir) writeFileSync(join(runDir, LINEAGE_FILE), JSON.stringify(lineage, null, 1) + '\n');
}
