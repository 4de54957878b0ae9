/**
 * The commands behind the experiment code lenses beyond Run: Run with 3 seeds, Sweep and
 * Open last run. The server computes their arguments (free seeds, the sweep's expanded runs,
 * the last run's id); the extension only starts runs and opens the dashboard.
 */
import * as vscode from 'vscode';
import { CommandIds, type RunSummary, type RunSweepArgs, type RunWithSeedsArgs, type SweepParams } from '../../server/src/protocol';
import type { TrainingServer } from './client';
import type { Dashboard } from './dashboard/panel';
import type { RunsModel } from './runsTree/model';

interface Deps {
  server: TrainingServer;
  runs: RunsModel;
  dashboard: Dashboard;
}

/** The sweep request of the run-history work (issue 7), when this build's client has it. */
type SweepCapable = { sweep?: (p: SweepParams) => Promise<RunSummary[] | { runs: RunSummary[] }> };

export function registerLensCommands({ server, runs, dashboard }: Deps): vscode.Disposable[] {
  const started = (list: RunSummary[]): void => {
    for (const run of list) runs.upsert(run);
    if (list.length === 1) dashboard.show(list[0].id);
    else if (list.length > 1) dashboard.compare(list.map((r) => r.id));
  };
  return [
    vscode.commands.registerCommand(CommandIds.runExperimentWithSeeds, async (arg: unknown) => {
      if (!isSeedsArgs(arg)) return;
      await reportErrors(async () => {
        const list: RunSummary[] = [];
        for (const seed of arg.seeds) list.push(await server.startRun({ uri: arg.uri, experiment: arg.experiment, seed }));
        started(list);
      });
    }),
    vscode.commands.registerCommand(CommandIds.runSweep, async (arg: unknown) => {
      if (!isSweepArgs(arg)) return;
      await reportErrors(async () => {
        const sweeper = server as unknown as SweepCapable;
        if (typeof sweeper.sweep === 'function') {
          const result = await sweeper.sweep({ uri: arg.uri, experiment: arg.experiment });
          started(Array.isArray(result) ? result : result.runs);
          return;
        }
        // No sweep request: one StartRun per combination the server expanded into the lens.
        const list: RunSummary[] = [];
        for (const r of arg.runs) list.push(await server.startRun({ uri: arg.uri, experiment: arg.experiment, seed: r.seed, overrides: r.overrides }));
        started(list);
      });
    }),
    vscode.commands.registerCommand(CommandIds.openLastRun, (arg: unknown) => {
      dashboard.show(typeof arg === 'string' && arg ? arg : undefined);
    }),
  ];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isSeedsArgs(arg: unknown): arg is RunWithSeedsArgs {
  return isRecord(arg) && typeof arg.uri === 'string' && typeof arg.experiment === 'string' && Array.isArray(arg.seeds) && arg.seeds.every((s) => typeof s === 'number');
}

function isSweepArgs(arg: unknown): arg is RunSweepArgs {
  return (
    isRecord(arg) &&
    typeof arg.uri === 'string' &&
    typeof arg.experiment === 'string' &&
    Array.isArray(arg.runs) &&
    arg.runs.every((r) => isRecord(r) && Array.isArray(r.overrides) && (r.seed === undefined || typeof r.seed === 'number'))
  );
}

async function reportErrors(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    void vscode.window.showErrorMessage(`RL Lab: ${err instanceof Error ? err.message : String(err)}`);
  }
}
