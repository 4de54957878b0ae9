/**
 * The language server over a real LSP connection: `node dist/server.js --stdio` spawned and
 * driven with vscode-languageserver-protocol. Hover, completion, diagnostics, code lenses,
 * incremental sync, and runs started over LSP (statuses through to 'completed', hover
 * answering while a run trains, stop, and config errors as ResponseErrors).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CodeLensRequest,
  CompletionRequest,
  HoverRequest,
  PublishDiagnosticsNotification,
  ResponseError,
  type CompletionItem,
  type CompletionList,
  type Hover,
} from 'vscode-languageserver-protocol/node';
import {
  CommandIds,
  ListRunsRequest,
  RunMetricsNotificationType,
  RunMetricsRequest,
  RunStatusNotification,
  StartRunRequest,
  StopRunRequest,
  TERMINAL_STATUSES,
  type RunSummary,
} from '../../server/src/protocol';
import { ENV_IDS } from '../../server/src/training/envs/registry';
import { LspClient, messageText, repoRoot } from './lspClient';

const fixture = (name: string) => readFileSync(join(repoRoot, 'test/fixtures', name), 'utf8');

function hoverText(h: Hover | null): string {
  assert.ok(h && typeof h.contents === 'object' && 'value' in h.contents, 'expected a markdown hover');
  return h.contents.value;
}

function items(result: CompletionItem[] | CompletionList | null): string[] {
  if (!result) return [];
  return (Array.isArray(result) ? result : result.items).map((i) => i.label);
}

describe('language server over LSP (stdio)', () => {
  let ws: string;
  let client: LspClient;
  const uri = (name: string) => pathToFileURL(join(ws, name)).href;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--only=server,worker'], { cwd: repoRoot, stdio: 'inherit' });
    ws = mkdtempSync(join(tmpdir(), 'rl-lab-lsp-'));
    copyFileSync(join(repoRoot, 'examples/cartpole.rl.yaml'), join(ws, 'cartpole.rl.yaml'));
    for (const f of ['bad.rl.yaml', 'syntax-error.rl.yaml', 'tiny.rl.yaml']) copyFileSync(join(repoRoot, 'test/fixtures', f), join(ws, f));
    mkdirSync(join(ws, 'hyperparams'));
    copyFileSync(join(repoRoot, 'test/fixtures/hyperparams/ppo.yml'), join(ws, 'hyperparams/ppo.yml'));
    client = await LspClient.start(ws);
  });

  after(async () => {
    await client?.stop();
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  it('hovers clip_range with the clipped objective and its default', async () => {
    const text = readFileSync(join(ws, 'cartpole.rl.yaml'), 'utf8');
    const diags = client.diagnostics(uri('cartpole.rl.yaml'));
    await client.open(uri('cartpole.rl.yaml'), text);
    assert.deepEqual((await diags).diagnostics, [], 'the example is clean');
    const line = text.split('\n').findIndex((l) => l.trim().startsWith('clip_range:'));
    const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri('cartpole.rl.yaml') }, position: { line, character: 4 } });
    const value = hoverText(h);
    assert.match(value, /clip/);
    assert.match(value, /L_CLIP\(theta\) = E_t\[ min\( r_t \* A_t, clip\(r_t, 1 - epsilon, 1 \+ epsilon\) \* A_t \) \]/);
    assert.match(value, /Default \| `0.2`/);
  });

  it('completes keys and enum values', async () => {
    const u = uri('new.rl.yaml');
    const diags = client.diagnostics(u);
    await client.open(u, 'exp:\n  algo: ppo\n  env: \n  \n');
    await diags;
    const keys = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: u }, position: { line: 3, character: 2 } });
    assert.ok(items(keys).includes('clip_range'));
    assert.ok(!items(keys).includes('algo'));
    const envs = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: u }, position: { line: 2, character: 7 } });
    assert.deepEqual(items(envs), [...ENV_IDS, 'custom']);
  });

  it('publishes diagnostics for a bad file: unknown key with did-you-mean, wrong type, out of range', async () => {
    const u = uri('bad.rl.yaml');
    // A YAML file outside the experiment-file patterns gets nothing: had it been published,
    // it would arrive before the bad file's diagnostics, which are sent after it in order.
    const otherUri = uri('docker-compose.yml');
    const diags = client.diagnostics(u);
    await client.open(otherUri, 'services:\n  clip_rnage: 1\n');
    await client.open(u, fixture('bad.rl.yaml'));
    const { diagnostics } = await diags;
    assert.equal(client.all(PublishDiagnosticsNotification.type).filter((p) => p.uri === otherUri).length, 0);
    const summary = diagnostics.map((d) => `${d.severity}@${d.range.start.line}:${d.range.start.character} ${messageText(d)}`);
    assert.ok(summary.includes("1@4:2 unknown key 'clip_rnage' — did you mean 'clip_range'?"), summary.join('\n'));
    assert.ok(summary.includes("1@5:12 n_epochs: must be a whole number, got 'many'"), summary.join('\n'));
    assert.ok(summary.includes('1@6:9 gamma: must be >= 0 and <= 1, got 1.5'), summary.join('\n'));
    assert.ok(diagnostics.every((d) => d.source === 'rl-lab'));
  });

  it('applies incremental edits and re-validates', async () => {
    const u = uri('bad.rl.yaml');
    const diags = client.diagnostics(u, 2);
    // Fix the typo in place: line 4 "  clip_rnage: 0.2" -> "  clip_range: 0.2".
    await client.change(u, 2, [{ range: { start: { line: 4, character: 7 }, end: { line: 4, character: 12 } }, text: 'range' }]);
    const { diagnostics } = await diags;
    assert.ok(!diagnostics.some((d) => messageText(d).includes('clip_rnage')));
    assert.ok(diagnostics.some((d) => messageText(d).startsWith('gamma:')));
  });

  it('reports YAML syntax errors with their position', async () => {
    const u = uri('syntax-error.rl.yaml');
    const diags = client.diagnostics(u);
    await client.open(u, fixture('syntax-error.rl.yaml'));
    const { diagnostics } = await diags;
    const syntax = diagnostics.find((d) => /Flow sequence/.test(messageText(d)));
    assert.ok(syntax, JSON.stringify(diagnostics));
    assert.equal(syntax.severity, 1);
    assert.ok(syntax.range.start.line >= 3, `line ${syntax.range.start.line}`);
  });

  it('gives a Zoo file only warnings and lenses for the environments RL Lab has', async () => {
    const u = uri('hyperparams/ppo.yml');
    const diags = client.diagnostics(u);
    await client.open(u, fixture('hyperparams/ppo.yml'));
    const { diagnostics } = await diags;
    assert.ok(diagnostics.length > 0 && diagnostics.every((d) => d.severity === 2));
    assert.ok(diagnostics.some((d) => messageText(d).includes('BipedalWalker-v3')), JSON.stringify(diagnostics.map(messageText)));
    // gSDE is implemented for PPO, so Zoo's use_sde entries load without a warning.
    assert.ok(!diagnostics.some((d) => messageText(d).includes("'use_sde'")));
    const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: u } }))?.filter((l) => l.command?.command === CommandIds.runExperiment);
    assert.deepEqual(lenses?.map((l) => l.command?.arguments?.[0]?.experiment), ['CartPole-v1', 'Pendulum-v1', 'MountainCarContinuous-v0', 'Acrobot-v1']);
  });

  it('shows a Run lens above each experiment', async () => {
    const u = uri('cartpole.rl.yaml');
    const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: u } }))?.filter((l) => l.command?.command === CommandIds.runExperiment);
    assert.deepEqual(
      lenses?.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
      [
        [5, '$(play) Run experiment', CommandIds.runExperiment, [{ uri: u, experiment: 'cartpole-ppo' }]],
        [22, '$(play) Run experiment', CommandIds.runExperiment, [{ uri: u, experiment: 'cartpole-ppo-cleanrl' }]],
      ],
    );
  });

  it('answers StartRun for a bad config with "file:line: key: message"', async () => {
    await assert.rejects(
      client.connection.sendRequest(StartRunRequest, { uri: uri('syntax-error.rl.yaml'), experiment: 'cartpole' }),
      (e: unknown) => e instanceof ResponseError && /^syntax-error\.rl\.yaml:\d+: /.test(e.message),
    );
    const gammaLine = readFileSync(join(ws, 'cartpole.rl.yaml'), 'utf8').split('\n').findIndex((l) => l.trim().startsWith('gamma:')) + 1;
    await assert.rejects(
      client.connection.sendRequest(StartRunRequest, { uri: uri('cartpole.rl.yaml'), experiment: 'cartpole-ppo', overrides: ['gamma=2'] }),
      (e: unknown) => e instanceof ResponseError && e.message === `cartpole.rl.yaml:${gammaLine}: gamma: --set gamma=2: must be >= 0 and <= 1, got 2`,
    );
    await assert.rejects(
      client.connection.sendRequest(StartRunRequest, { uri: uri('missing.rl.yaml'), experiment: 'x' }),
      (e: unknown) => e instanceof ResponseError && /^missing\.rl\.yaml: cannot read the file/.test(e.message),
    );
  });

  it('trains a tiny experiment from the file on disk, with statuses through to completed', async () => {
    const u = uri('tiny.rl.yaml');
    const { run } = await client.connection.sendRequest(StartRunRequest, { uri: u, experiment: 'tiny-cartpole' });
    assert.equal(run.experiment, 'tiny-cartpole');
    assert.equal(run.seed, 7);
    const done = await client.waitFor(RunStatusNotification, (s) => s.id === run.id && TERMINAL_STATUSES.includes(s.status));
    assert.equal(done.status, 'completed', done.error);
    assert.ok(done.globalStep >= 2048, `globalStep ${done.globalStep}`);
    const statuses = client.all(RunStatusNotification).filter((s) => s.id === run.id).map((s) => s.status);
    assert.equal(statuses[0], 'running');
    const metrics = await client.connection.sendRequest(RunMetricsRequest, { runId: run.id });
    assert.ok(metrics.rows.length > 0 && metrics.rows.some((r) => 'losses/approx_kl' in r));
    const { runs } = await client.connection.sendRequest(ListRunsRequest, {});
    assert.ok(runs.some((r: RunSummary) => r.id === run.id && r.status === 'completed'));
    assert.ok(existsSync(join(run.runDir, 'config.yaml')));
  });

  it('keeps answering hovers while a run trains, and stops it', async () => {
    const u = uri('long.rl.yaml');
    const text = 'long-cartpole:\n  algo: ppo\n  env: CartPole-v1\n  seed: 3\n  n_envs: 2\n  n_timesteps: 1000000\n  n_steps: 64\n  clip_range: 0.2\n';
    writeFileSync(join(ws, 'long.rl.yaml'), text);
    const diags = client.diagnostics(u);
    await client.open(u, text);
    await diags;
    const { run } = await client.connection.sendRequest(StartRunRequest, { uri: u, experiment: 'long-cartpole' });
    // Training is under way once metric rows stream in.
    await client.waitFor(RunMetricsNotificationType, (m) => m.runId === run.id && m.rows.length > 0);
    for (let i = 0; i < 5; i++) {
      const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: { line: 7, character: 4 } });
      assert.match(hoverText(h), /clip_range/);
    }
    const latest = client.all(RunStatusNotification).filter((s) => s.id === run.id).at(-1);
    assert.equal(latest?.status, 'running', 'the hovers were answered while the run trained');
    const stopped = client.waitFor(RunStatusNotification, (s) => s.id === run.id && TERMINAL_STATUSES.includes(s.status));
    assert.deepEqual(await client.connection.sendRequest(StopRunRequest, { runId: run.id }), { stopped: true });
    assert.equal((await stopped).status, 'stopped');
  });
});
