/**
 * RL Lab inside a real VS Code (Extension Development Host), on a workspace holding a copy of
 * examples/cartpole.rl.yaml. Runs under mocha's TDD interface (suite/test).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CommandIds, type RunExperimentArgs, type RunSummary } from '../../../server/src/protocol/types';

const EXTENSION_ID = 'rl-lab.rl-lab';

interface RlLabApi {
  runs(): RunSummary[];
  onDidChangeRuns: vscode.Event<RunSummary | undefined>;
}

/**
 * Resolves with `check()`'s first defined value. Re-checks when `event` fires and, for states
 * no event announces (a language server finishing start-up), every 200 ms; fails after `ms`.
 */
function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, event?: vscode.Event<unknown>, ms = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err: Error | undefined, value?: T) => {
      if (done) return;
      done = true;
      clearInterval(interval);
      clearTimeout(deadline);
      subscription?.dispose();
      if (err) reject(err);
      else resolve(value as T);
    };
    const probe = async () => {
      try {
        const value = await check();
        if (value !== undefined) finish(undefined, value);
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    };
    const interval = setInterval(() => void probe(), 200);
    const deadline = setTimeout(() => finish(new Error(`timed out waiting for ${what}`)), ms);
    const subscription = event?.(() => void probe());
    void probe();
  });
}

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

suite('RL Lab extension', () => {
  let api: RlLabApi;
  const experimentFile = () => workspaceFile('cartpole.rl.yaml');

  suiteSetup(async () => {
    const document = await vscode.workspace.openTextDocument(experimentFile());
    await vscode.window.showTextDocument(document);
  });

  test('activates in a workspace with an experiment file', async () => {
    const extension = vscode.extensions.getExtension<RlLabApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
    assert.equal(extension.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    for (const id of Object.values(CommandIds)) assert.ok(commands.includes(id), `command ${id} is registered`);
  });

  test('shows a Run experiment code lens above each experiment', async () => {
    const uri = experimentFile();
    const lenses = await waitFor('code lenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return found && found.length >= 2 ? found : undefined;
    });
    const runs = lenses.filter((l) => l.command?.command === CommandIds.runExperiment);
    const experiments = runs.map((l) => (l.command?.arguments?.[0] as RunExperimentArgs).experiment);
    assert.deepEqual(experiments, ['cartpole-ppo', 'cartpole-ppo-cleanrl']);
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(runs[0].range.start.line, document.getText().split('\n').indexOf('cartpole-ppo:'));
  });

  test('explains clip_range on hover', async () => {
    const uri = experimentFile();
    const document = await vscode.workspace.openTextDocument(uri);
    const offset = document.getText().indexOf('clip_range');
    assert.ok(offset >= 0);
    const position = document.positionAt(offset + 2);
    const text = await waitFor('a hover on clip_range', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
      const joined = (hovers ?? [])
        .flatMap((h) => h.contents)
        .map((c) => (typeof c === 'string' ? c : c.value))
        .join('\n');
      return joined.length > 0 ? joined : undefined;
    });
    assert.match(text, /clip_range/);
    assert.match(text, /0\.2/, 'mentions the default');
    assert.match(text, /clip/i);
  });

  test('runs an experiment: the tree shows it running, and Stop stops it', async () => {
    const uri = experimentFile();
    const args: RunExperimentArgs = { uri: uri.toString(), experiment: 'cartpole-ppo' };
    const before = new Set(api.runs().map((r) => r.id));
    await vscode.commands.executeCommand(CommandIds.runExperiment, args);
    const started = await waitFor(
      'the new run in the Runs tree',
      () => api.runs().find((r) => !before.has(r.id) && r.experiment === 'cartpole-ppo'),
      api.onDidChangeRuns,
    );
    const running = await waitFor(
      'the run to make progress',
      () => api.runs().find((r) => r.id === started.id && r.status === 'running' && r.globalStep > 0),
      api.onDidChangeRuns,
    );
    assert.equal(running.env, 'CartPole-v1');
    assert.ok(existsSync(join(running.runDir, 'run.json')) || existsSync(join(workspaceFile('.rl-lab').fsPath, 'runs', running.id, 'run.json')));

    await vscode.commands.executeCommand(CommandIds.stopRun, running.id);
    const stopped = await waitFor(
      'the run to stop',
      () => api.runs().find((r) => r.id === running.id && r.status === 'stopped'),
      api.onDidChangeRuns,
    );
    assert.ok(stopped.globalStep > 0);
  });
});
