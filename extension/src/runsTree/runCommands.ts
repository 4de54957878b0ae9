import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds, type RunSummary } from '../../../server/src/protocol';
import type { TrainingServer } from '../client';
import type { Config } from '../config';
import type { Dashboard } from '../dashboard/panel';
import { applyChoices, EMPTY_FILTER, filterChoices, knownTags, parseFilter, parseTags, type FilterChoice } from './filter';
import { deleteQuestion, describeEvaluation, isResumable, MAX_EVAL_EPISODES, parseEpisodes, targetRuns } from './actionArgs';
import { DISPLAY_STATUSES, formatReturn, isLive, STATUS_ICONS } from './format';
import type { RunsModel } from './model';
import type { RunsView } from './view';

interface Deps {
  server: TrainingServer;
  runs: RunsModel;
  view: RunsView;
  dashboard: Dashboard;
  config: Config;
}

/**
 * The Runs tree's actions. A tree menu calls a command with the clicked element (a run id)
 * and, with multi-select, every selected element; the palette calls it with nothing, and the
 * command asks which run. Bulk-capable actions (star, tag, delete) apply to the selection when
 * the clicked row is part of it.
 */
export function registerRunCommands({ server, runs, view, dashboard, config }: Deps): vscode.Disposable[] {
  const lookup = (id: string) => runs.get(id);
  // No argument (palette, keybinding): the Runs view's selection when it is shown, else ask.
  const selection = (eligible: (r: RunSummary) => boolean) => (view.visible ? view.selectedRuns().filter(eligible) : []);
  const one = (placeHolder: string, eligible: (r: RunSummary) => boolean, action: (run: RunSummary) => Promise<void>) =>
    async (arg: unknown) => {
      const run =
        targetRuns(arg, undefined, lookup)[0] ??
        (arg === undefined ? selection(eligible)[0] : undefined) ??
        (await pickRun(runs, placeHolder, eligible));
      if (run) await reportErrors(() => action(run));
    };
  const many = (placeHolder: string, eligible: (r: RunSummary) => boolean, action: (list: RunSummary[]) => Promise<void>) =>
    async (arg: unknown, selected: unknown) => {
      let list = targetRuns(arg, selected, lookup);
      if (!list.length && arg === undefined) list = selection(eligible);
      if (!list.length) list = await pickRun(runs, placeHolder, eligible).then((r) => (r ? [r] : []));
      if (list.length) await reportErrors(() => action(list));
    };
  const finished = (r: RunSummary) => !isLive(r) && !r.damaged;
  const started = async (run: RunSummary) => {
    runs.upsert(run);
    dashboard.show(run.id);
    await view.reveal(run.id);
  };

  return [
    vscode.commands.registerCommand(
      CommandIds.rerunRun,
      one('Run to rerun with the same config and seed', (r) => !r.damaged, async (run) => started(await server.rerunRun(run.id, false))),
    ),
    vscode.commands.registerCommand(
      CommandIds.rerunRunNewSeed,
      one('Run to rerun with a new seed', (r) => !r.damaged, async (run) => started(await server.rerunRun(run.id, true))),
    ),
    vscode.commands.registerCommand(
      CommandIds.resumeRun,
      one('Run to resume from its last checkpoint', isResumable, async (run) => {
        runs.upsert(await server.resumeRun(run.id));
      }),
    ),
    vscode.commands.registerCommand(
      CommandIds.evaluateRun,
      one('Run to evaluate', finished, async (run) => {
        const episodes = await askEpisodes(config.evaluationEpisodes);
        if (episodes === undefined) return;
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `RL Lab: evaluating ${run.experiment} (${episodes} episodes)…` },
          () => server.evaluateRun(run.id, episodes),
        );
        // The server records the evaluation in run.json and sends the run's new summary.
        void vscode.window.showInformationMessage(`RL Lab: ${run.experiment} (seed ${run.seed}) ${describeEvaluation(result)}`);
      }),
    ),
    vscode.commands.registerCommand(
      CommandIds.exportPolicy,
      one('Run whose policy to export', finished, async (run) => {
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `RL Lab: exporting the policy of ${run.experiment}…` },
          () => server.exportPolicy(run.id),
        );
        const reveal = 'Reveal';
        const choice = await vscode.window.showInformationMessage(
          `RL Lab: policy exported as a TensorFlow.js model to ${result.dir}`,
          reveal,
        );
        if (choice === reveal) await revealInOS(vscode.Uri.file(result.modelJson));
      }),
    ),
    vscode.commands.registerCommand(
      CommandIds.revealRunConfig,
      one('Run whose config to open', (r) => !r.damaged, async (run) => {
        const file = path.join(run.runDir, run.configFile ?? 'config.yaml');
        await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
      }),
    ),
    vscode.commands.registerCommand(
      CommandIds.openRunFolder,
      one('Run whose folder to open', () => true, async (run) => revealInOS(vscode.Uri.file(run.runDir))),
    ),
    vscode.commands.registerCommand(
      CommandIds.copyRunId,
      one('Run whose id to copy', () => true, async (run) => {
        await vscode.env.clipboard.writeText(run.id);
        vscode.window.setStatusBarMessage(`RL Lab: copied ${run.id}`, 3000);
      }),
    ),
    vscode.commands.registerCommand(
      CommandIds.deleteRun,
      many('Run to delete', (r) => !isLive(r), async (list) => {
        const live = list.filter(isLive);
        const doomed = list.filter((r) => !isLive(r));
        if (live.length) {
          void vscode.window.showWarningMessage(
            `RL Lab: ${live.length === 1 ? 'a run that is queued or running is' : `${live.length} runs that are queued or running are`} not deleted; stop ${live.length === 1 ? 'it' : 'them'} first.`,
          );
        }
        if (!doomed.length || !(await confirmDelete(doomed))) return;
        for (const run of doomed) {
          if (await server.deleteRun(run.id)) runs.remove(run.id);
        }
      }),
    ),
    vscode.commands.registerCommand(
      CommandIds.starRun,
      many('Run to star', (r) => !r.starred, async (list) => {
        for (const run of list) runs.upsert(await server.setRunMeta({ runId: run.id, starred: true }));
      }),
    ),
    vscode.commands.registerCommand(
      CommandIds.unstarRun,
      many('Run to unstar', (r) => !!r.starred, async (list) => {
        for (const run of list) runs.upsert(await server.setRunMeta({ runId: run.id, starred: false }));
      }),
    ),
    vscode.commands.registerCommand(
      CommandIds.tagRun,
      many('Run to tag', (r) => !r.damaged, async (list) => {
        const tags = await askTags(list, knownTags(runs.list()));
        if (tags === undefined) return;
        for (const run of list) runs.upsert(await server.setRunMeta({ runId: run.id, tags }));
      }),
    ),
    vscode.commands.registerCommand(CommandIds.filterRuns, async (query: unknown) => {
      // An argument sets the filter directly (keybindings, tests); otherwise ask.
      const text = typeof query === 'string' ? query : await askFilter(view.filterQuery, knownTags(runs.list()));
      if (text === undefined) return;
      const parsed = parseFilter(text);
      if ('error' in parsed) {
        void vscode.window.showErrorMessage(`RL Lab: ${parsed.error}`);
        return;
      }
      view.setFilter(parsed.filter);
    }),
    vscode.commands.registerCommand(CommandIds.filterRunsByStatusOrTag, async () => {
      const choices = filterChoices(runs.list(), view.filter);
      if (!choices.length) {
        void vscode.window.showInformationMessage('RL Lab: no runs to filter yet.');
        return;
      }
      const icon = (c: FilterChoice) => {
        const status = DISPLAY_STATUSES.find((st) => c.kind === 'status' && st === c.value);
        return status ? STATUS_ICONS[status].icon.replace('~spin', '') : c.kind === 'tag' ? 'tag' : 'star-full';
      };
      const items = choices.map((c) => ({
        label: `$(${icon(c)}) ${c.value}`,
        description: `${c.count} run${c.count === 1 ? '' : 's'}`,
        picked: c.picked,
        choice: c,
      }));
      const picked = await vscode.window.showQuickPick(items, {
        title: 'Filter runs by status, star and tag',
        placeHolder: 'Runs with any checked status and any checked tag are shown; nothing checked shows all',
        canPickMany: true,
      });
      if (picked) view.setFilter(applyChoices(view.filter, picked.map((p) => p.choice)));
    }),
    vscode.commands.registerCommand(CommandIds.clearRunsFilter, () => {
      view.setFilter(EMPTY_FILTER);
    }),
  ];
}

async function pickRun(runs: RunsModel, placeHolder: string, eligible: (r: RunSummary) => boolean): Promise<RunSummary | undefined> {
  const candidates = runs.list().filter(eligible);
  if (!candidates.length) {
    void vscode.window.showInformationMessage('RL Lab: no run fits.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((r) => ({
      label: `${r.starred ? '$(star-full) ' : ''}${r.experiment}`,
      description: `seed ${r.seed} · ${r.damaged ? 'damaged' : r.status}${r.meanReturn !== undefined ? ` · return ${formatReturn(r.meanReturn)}` : ''}`,
      detail: r.id,
      run: r,
    })),
    { placeHolder, matchOnDetail: true },
  );
  return picked?.run;
}

async function askEpisodes(fallback: number): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Evaluate run',
    prompt: 'Deterministic episodes to play with the saved policy',
    value: String(fallback),
    validateInput: (v) => (parseEpisodes(v) === undefined ? `a whole number from 1 to ${MAX_EVAL_EPISODES}` : undefined),
  });
  return text === undefined ? undefined : parseEpisodes(text);
}

async function askTags(list: RunSummary[], known: string[]): Promise<string[] | undefined> {
  const current = list.length === 1 ? (list[0].tags ?? []) : [];
  const text = await vscode.window.showInputBox({
    title: list.length === 1 ? `Tags of ${list[0].experiment} (seed ${list[0].seed})` : `Tags of ${list.length} runs (replaces theirs)`,
    prompt: `Comma-separated tags; empty removes them all.${known.length ? ` In use: ${known.join(', ')}` : ''}`,
    value: current.join(', '),
  });
  return text === undefined ? undefined : parseTags(text);
}

async function askFilter(current: string, tags: string[]): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Filter runs',
    prompt:
      `Words to find in experiment, file, env, algorithm, id or tags; status:${DISPLAY_STATUSES.join(',')}; ` +
      `tag:${tags.length ? tags.join(',') : 'NAME'}; is:starred. Empty clears the filter.`,
    placeHolder: 'e.g. status:completed,failed tag:baseline cartpole',
    value: current,
    validateInput: (v) => {
      const parsed = parseFilter(v);
      return 'error' in parsed ? parsed.error : undefined;
    },
  });
}

async function confirmDelete(list: RunSummary[]): Promise<boolean> {
  const detail = list.map((r) => r.runDir).join('\n');
  const choice = await vscode.window.showWarningMessage(
    deleteQuestion(list),
    { modal: true, detail },
    'Delete',
  );
  return choice === 'Delete';
}

/** The OS file manager where there is one (desktop); the Explorer otherwise (a remote or web window). */
async function revealInOS(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.commands.executeCommand('revealFileInOS', uri);
  } catch {
    await vscode.commands.executeCommand('revealInExplorer', uri);
  }
}

async function reportErrors(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    void vscode.window.showErrorMessage(`RL Lab: ${err instanceof Error ? err.message : String(err)}`);
  }
}
