/**
 * The run-history requests over a real LSP connection (`node dist/server.js --stdio`):
 * Sweep queues every combination (maxConcurrentRuns from the initialization options),
 * SetRunMeta, EvaluateRun, ExportPolicy, RerunRun, ResumeRun, DeleteRun, and readable errors.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import {
  DeleteRunRequest,
  EvaluateRunRequest,
  ExportPolicyRequest,
  ListRunsRequest,
  RerunRunRequest,
  ResumeRunRequest,
  RunStatusNotification,
  SetRunMetaRequest,
  StartRunRequest,
  StopRunRequest,
  SweepRequest,
  TERMINAL_STATUSES,
} from '../../server/src/protocol';
import { LspClient, repoRoot } from './lspClient';

const FILE = `
grid:
  algo: ppo
  env: CartPole-v1
  n_envs: 2
  n_timesteps: 256
  n_steps: 64
  batch_size: 64
  n_epochs: 1
  policy_kwargs: "dict(net_arch=[8])"
  sweep:
    values:
      ent_coef: [0.0, 0.01, 0.02]
    seeds: [1, 2]
long:
  algo: ppo
  env: CartPole-v1
  seed: 4
  n_envs: 2
  n_timesteps: 10000000
  n_steps: 64
  batch_size: 64
  n_epochs: 1
  checkpoint_freq: 256
  policy_kwargs: "dict(net_arch=[8])"
`;

let ws = '';
let client: LspClient;
const uri = () => pathToFileURL(join(ws, 'runs.rl.yaml')).href;

before(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--only=server,worker'], { cwd: repoRoot, stdio: 'inherit' });
  ws = mkdtempSync(join(tmpdir(), 'rl-lab-requests-'));
  writeFileSync(join(ws, 'runs.rl.yaml'), FILE);
  client = await LspClient.start(ws, { maxConcurrentRuns: 2 });
});
after(async () => {
  await client?.stop();
  rmSync(ws, { recursive: true, force: true });
});

describe('run-history requests', { timeout: 300_000 }, () => {
  it('Sweep queues every combination, 2 at a time, all finish with one sweep id', async () => {
    const { sweepId, runs } = await client.connection.sendRequest(SweepRequest, { uri: uri(), experiment: 'grid' });
    assert.equal(runs.length, 6);
    assert.deepEqual(runs.map((r) => r.status), ['running', 'running', 'queued', 'queued', 'queued', 'queued']);
    assert.ok(runs.every((r) => r.sweepId === sweepId));
    assert.deepEqual(runs.map((r) => r.sweepParams), [
      { ent_coef: 0, seed: 1 }, { ent_coef: 0, seed: 2 }, { ent_coef: 0.01, seed: 1 },
      { ent_coef: 0.01, seed: 2 }, { ent_coef: 0.02, seed: 1 }, { ent_coef: 0.02, seed: 2 },
    ]);
    const finals = await Promise.all(runs.map((r) => client.waitFor(RunStatusNotification, (s) => s.id === r.id && TERMINAL_STATUSES.includes(s.status))));
    assert.ok(finals.every((f) => f.status === 'completed'), JSON.stringify(finals.map((f) => f.error)));

    const run = finals[0];
    const starred = await client.connection.sendRequest(SetRunMetaRequest, { runId: run.id, starred: true, tags: ['keep'] });
    assert.equal(starred.run.starred, true);
    const listed = (await client.connection.sendRequest(ListRunsRequest, {})).runs.find((r) => r.id === run.id);
    assert.deepEqual(listed?.tags, ['keep']);

    const { evaluation } = await client.connection.sendRequest(EvaluateRunRequest, { runId: run.id, episodes: 2 });
    assert.equal(evaluation.returns.length, 2);
    const exported = await client.connection.sendRequest(ExportPolicyRequest, { runId: run.id });
    assert.ok(existsSync(exported.modelJson));

    const { run: rerun } = await client.connection.sendRequest(RerunRunRequest, { runId: run.id });
    assert.equal(rerun.seed, run.seed);
    await client.waitFor(RunStatusNotification, (s) => s.id === rerun.id && TERMINAL_STATUSES.includes(s.status));
    assert.deepEqual(await client.connection.sendRequest(DeleteRunRequest, { runId: rerun.id }), { deleted: true });
    assert.equal(existsSync(rerun.runDir), false);
    await assert.rejects(
      client.connection.sendRequest(DeleteRunRequest, { runId: 'no-such-run' }),
      (e: unknown) => e instanceof ResponseError && /no run 'no-such-run'/.test(e.message),
    );
    await assert.rejects(
      client.connection.sendRequest(ResumeRunRequest, { runId: 'no-such-run' }),
      (e: unknown) => e instanceof ResponseError && /no-such-run/.test(e.message),
    );
  });

  it('ResumeRun continues a stopped run in the same folder', async () => {
    const { run } = await client.connection.sendRequest(StartRunRequest, { uri: uri(), experiment: 'long' });
    await client.waitFor(RunStatusNotification, (s) => s.id === run.id && (s.checkpointStep ?? 0) >= 256);
    await client.connection.sendRequest(StopRunRequest, { runId: run.id });
    const stopped = await client.waitFor(RunStatusNotification, (s) => s.id === run.id && TERMINAL_STATUSES.includes(s.status));
    assert.equal(stopped.status, 'stopped');
    const { run: resumed } = await client.connection.sendRequest(ResumeRunRequest, { runId: run.id });
    assert.equal(resumed.runDir, run.runDir);
    const progressed = await client.waitFor(RunStatusNotification, (s) => s.id === run.id && s.status === 'running' && s.globalStep > stopped.globalStep);
    assert.equal(progressed.resumes, 1);
    await client.connection.sendRequest(StopRunRequest, { runId: run.id });
    await client.waitFor(RunStatusNotification, (s) => s.id === run.id && s.status === 'stopped' && (s.resumes ?? 0) === 1);
    await assert.rejects(client.connection.sendRequest(ResumeRunRequest, { runId: '../x' }), (e: unknown) => e instanceof ResponseError && /not a run id/.test(e.message));
  });
});
