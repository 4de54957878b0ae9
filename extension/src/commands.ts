import * as vscode from 'vscode';
import { CommandIds, type RunExperimentArgs } from '../../server/src/protocol';
import type { TrainingServer } from './client';
import { registerLensCommands } from './lensCommands';
import type { Dashboard } from './dashboard/panel';
import { isLive } from './runsTree/format';
import type { RunsModel } from './runsTree/model';

interface CommandDeps {
  server: TrainingServer;
  runs: RunsModel;
  dashboard: Dashboard;
}

/** Registers every command in `CommandIds`; the returned disposables belong to the extension scope. */
export function registerCommands({ server, runs, dashboard }: CommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandIds.runExperiment, async (arg: unknown) => {
      const args = isRunExperimentArgs(arg) ? arg : await pickExperiment();
      if (!args) return;
      await reportErrors(async () => {
        const run = await server.startRun({ uri: args.uri, experiment: args.experiment });
        runs.upsert(run);
        dashboard.show(run.id);
      });
    }),
    vscode.commands.registerCommand(CommandIds.stopRun, async (arg: unknown) => {
      const runId = runIdFrom(arg) ?? (await pickLiveRun(runs));
      if (!runId) return;
      await reportErrors(async () => {
        if (!(await server.stopRun(runId))) {
          void vscode.window.showInformationMessage('RL Lab: that run is not running any more.');
        }
      });
    }),
    vscode.commands.registerCommand(CommandIds.openDashboard, (arg: unknown) => dashboard.show(runIdFrom(arg))),
    vscode.commands.registerCommand(CommandIds.refreshRuns, () => reportErrors(() => runs.refresh())),
    // Run with 3 seeds, Sweep, Open last run: the experiment code lenses.
    ...registerLensCommands({ server, runs, dashboard }),
    vscode.commands.registerCommand(CommandIds.compareRuns, async (...args: unknown[]) => {
      const ids = runIdsFrom(args);
      const picked = ids.length > 0 ? ids : await pickRuns(runs);
      if (picked.length > 0) dashboard.compare(picked);
    }),
  ];
}

/** Tree items pass their element (a run id); the palette passes nothing. */
export function runIdFrom(arg: unknown): string | undefined {
  // Runs tree group rows ('file:…', 'experiment:…') are not runs; run ids never contain ':'.
  if (typeof arg === 'string' && arg.length > 0 && !arg.includes(':')) return arg;
  if (typeof arg === 'object' && arg !== null && 'id' in arg && typeof arg.id === 'string') return arg.id;
  return undefined;
}

/**
 * Run ids from a command's arguments: ids, tree elements (a run node `{run}`, an experiment
 * node `{runs}` meaning all its runs, or anything with an `id`), arrays of them. A tree with
 * multi-select passes (clicked element, selected elements): the selection wins then.
 */
export function runIdsFrom(args: readonly unknown[]): string[] {
  const last: unknown = args[args.length - 1];
  const items = args.length === 2 && Array.isArray(last) && last.length > 0 ? last : args.flatMap((a) => (Array.isArray(a) ? a : [a]));
  const ids: string[] = [];
  const add = (id: string | undefined) => {
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  };
  for (const item of items) {
    if (typeof item === 'object' && item !== null && 'run' in item) add(runIdFrom(item.run));
    else if (typeof item === 'object' && item !== null && 'runs' in item && Array.isArray(item.runs)) item.runs.forEach((r: unknown) => add(runIdFrom(r)));
    else add(runIdFrom(item));
  }
  return ids;
}

async function pickRuns(runs: RunsModel): Promise<string[]> {
  const all = runs.list();
  if (all.length === 0) {
    void vscode.window.showInformationMessage('RL Lab: no runs to compare yet.');
    return [];
  }
  const picked = await vscode.window.showQuickPick(
    all.map((r) => ({ label: r.experiment, description: `seed ${r.seed} · ${r.status} · ${r.id}`, id: r.id })),
    { placeHolder: 'Runs to compare', canPickMany: true },
  );
  return picked?.map((p) => p.id) ?? [];
}

function isRunExperimentArgs(arg: unknown): arg is RunExperimentArgs {
  return (
    typeof arg === 'object' &&
    arg !== null &&
    'uri' in arg &&
    typeof arg.uri === 'string' &&
    'experiment' in arg &&
    typeof arg.experiment === 'string'
  );
}

/**
 * From the palette: the experiments of the active editor's file, as the server's code lenses
 * list them (the server owns YAML parsing; the extension does not parse experiment files).
 */
async function pickExperiment(): Promise<RunExperimentArgs | undefined> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document) {
    void vscode.window.showInformationMessage('RL Lab: open an experiment file to run one of its experiments.');
    return undefined;
  }
  const lenses =
    (await vscode.commands.executeCommand<vscode.CodeLens[] | undefined>(
      'vscode.executeCodeLensProvider',
      document.uri,
    )) ?? [];
  const experiments = lenses
    .map((lens) => (lens.command?.command === CommandIds.runExperiment ? lens.command.arguments?.[0] : undefined))
    .filter(isRunExperimentArgs);
  if (experiments.length === 0) {
    void vscode.window.showInformationMessage(`RL Lab: no experiments found in ${vscode.workspace.asRelativePath(document.uri)}.`);
    return undefined;
  }
  if (experiments.length === 1) return experiments[0];
  const picked = await vscode.window.showQuickPick(
    experiments.map((e) => ({ label: e.experiment, args: e })),
    { placeHolder: 'Experiment to run' },
  );
  return picked?.args;
}

async function pickLiveRun(runs: RunsModel): Promise<string | undefined> {
  const live = runs.list().filter(isLive);
  if (live.length === 0) {
    void vscode.window.showInformationMessage('RL Lab: no run is in progress.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    live.map((r) => ({ label: r.experiment, description: `${r.env} · ${r.id}`, id: r.id })),
    { placeHolder: 'Run to stop' },
  );
  return picked?.id;
}

async function reportErrors(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    void vscode.window.showErrorMessage(`RL Lab: ${err instanceof Error ? err.message : String(err)}`);
  }
}
