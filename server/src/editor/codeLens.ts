/**
 * Code lenses above each experiment: Run, Run with 3 seeds, Sweep (when it declares `sweep:`),
 * Open last run (with its status and last mean return) and Stop while one of its runs trains.
 * The runs come from the server's RunManager; the server asks the client to refresh the lenses
 * (workspace/codeLens/refresh) when a run starts, progresses or ends.
 */
import type { CodeLens } from 'vscode-languageserver';
import { CommandIds, type RunExperimentArgs, type RunSummary, type RunSweepArgs, type RunWithSeedsArgs } from '../protocol';
import { experimentAlgo, SWEEP_KEY, type ExperimentModel } from '../experiments';
import { expandSweep, readSweep, trialOverrides } from '../experiments/sweep';
import { ENV_SPECS } from '../training/envs/registry';
import { toRange, type EditorDocument } from './document';

export const RUN_LENS_TITLE = '$(play) Run experiment';
/** How many seeds "Run with seeds" starts. */
export const SEED_COUNT = 3;

/** What the lenses know of runs: the runs of this document's experiments, newest first. */
export interface LensRuns {
  runsOf(experiment: string): readonly RunSummary[];
}

const NO_RUNS: LensRuns = { runsOf: () => [] };

export function codeLenses(doc: EditorDocument, runs: LensRuns = NO_RUNS): CodeLens[] {
  const { model } = doc;
  const lenses: CodeLens[] = [];
  // Zoo files list many environments RL Lab lacks; offer Run only where it can work.
  const runnable = (e: ExperimentModel): boolean => model.format !== 'zoo' || (e.name in ENV_SPECS && experimentAlgo(model, e) !== undefined);
  for (const e of model.experiments.filter(runnable)) {
    const range = toRange(doc.document, e.nameRange);
    const lens = (title: string, command: string, args: unknown[]): void => {
      lenses.push({ range, command: { title, command, arguments: args } });
    };
    const base: RunExperimentArgs = { uri: doc.uri, experiment: e.name };
    const history = runs.runsOf(e.name);
    lens(RUN_LENS_TITLE, CommandIds.runExperiment, [base]);
    const seeds = freeSeeds(history, SEED_COUNT);
    const seedArgs: RunWithSeedsArgs = { ...base, seeds };
    lens(`$(run-all) Run with ${SEED_COUNT} seeds (${seeds.join(', ')})`, CommandIds.runExperimentWithSeeds, [seedArgs]);
    const sweepEntry = e.entries.find((x) => x.key === SWEEP_KEY);
    if (sweepEntry && sweepEntry.value !== null) {
      // Expanded exactly as `rl-lab sweep` and the Sweep request do (experiments/sweep.ts).
      const spec = readSweep(sweepEntry.value).value;
      if (spec) {
        const runs = expandSweep(spec).map((t) => ({ ...(t.seed === undefined ? {} : { seed: t.seed }), overrides: trialOverrides({ params: t.params }) }));
        const sweepArgs: RunSweepArgs = { ...base, runs };
        lens(`$(beaker) Sweep ${spec.method}: ${runs.length} run${runs.length === 1 ? '' : 's'} (${Object.keys(spec.values).join(', ')})`, CommandIds.runSweep, [sweepArgs]);
      } else lens('$(beaker) Sweep: fix the sweep block first (see Problems)', '', []);
    }
    const live = history.filter((r) => r.status === 'running' || r.status === 'queued');
    for (const run of live) lens(`$(debug-stop) Stop ${run.status === 'queued' ? 'queued run' : `seed ${run.seed} at ${progress(run)}`}`, CommandIds.stopRun, [run.id]);
    const last = history[0];
    if (last) lens(`$(graph) Last run: ${lastRunText(last)}`, CommandIds.openLastRun, [last.id]);
  }
  return lenses;
}

/** The first `n` positive seeds no run of the experiment used: 1, 2, 3 the first time, then onwards. */
export function freeSeeds(history: readonly RunSummary[], n: number): number[] {
  const used = new Set(history.map((r) => r.seed));
  const seeds: number[] = [];
  for (let s = 1; seeds.length < n; s++) if (!used.has(s)) seeds.push(s);
  return seeds;
}

function progress(run: RunSummary): string {
  if (!run.totalSteps) return `step ${run.globalStep}`;
  return `${Math.floor((100 * run.globalStep) / run.totalSteps)}%`;
}

function lastRunText(run: RunSummary): string {
  const ret = run.meanReturn === undefined ? 'no episode finished yet' : `mean return ${formatReturn(run.meanReturn)}`;
  return `${run.status}, ${ret} (seed ${run.seed})`;
}

function formatReturn(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(3);
}
