/**
 * A tabular run over a real LSP connection: the server's worker trains it, writes q_table.json
 * while it trains and at the end, and `rlLab/runValueTable` serves it (the dashboard's heatmap),
 * beside a playback episode on the grid.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { RunPlaybackRequest, RunStatusNotification, RunValueTableRequest, StartRunRequest, TERMINAL_STATUSES } from '../../server/src/protocol';
import { LspClient, repoRoot } from './lspClient';

const EXPERIMENTS = `cliff-sarsa:
  algo: sarsa
  env: CliffWalking-v0
  seed: 3
  n_timesteps: 20000
  learning_rate: lin_0.5
  gamma: 1.0
  exploration_initial_eps: 0.1
  exploration_final_eps: 0.1
lake-pi:
  algo: policy_iteration
  env: FrozenLake-v1
  seed: 1
  eval_episodes: 100
`;

describe('tabular runs over LSP', () => {
  let ws: string;
  let client: LspClient;
  let uri: string;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--only=server,worker'], { cwd: repoRoot, stdio: 'inherit' });
    ws = mkdtempSync(join(tmpdir(), 'rl-lab-tabular-lsp-'));
    writeFileSync(join(ws, 'tabular.rl.yaml'), EXPERIMENTS);
    uri = pathToFileURL(join(ws, 'tabular.rl.yaml')).href;
    client = await LspClient.start(ws, { backend: 'cpu' });
  });

  after(async () => {
    await client?.stop();
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  for (const [experiment, env, algo, nS] of [
    ['cliff-sarsa', 'CliffWalking-v0', 'sarsa', 48],
    ['lake-pi', 'FrozenLake-v1', 'policy_iteration', 16],
  ] as const) {
    it(`${experiment}: trains in the worker and serves its value table and a playback on the grid`, async () => {
      const { run } = await client.connection.sendRequest(StartRunRequest, { uri, experiment });
      const done = await client.waitFor(RunStatusNotification, (s) => s.id === run.id && TERMINAL_STATUSES.includes(s.status));
      assert.equal(done.status, 'completed', done.error);
      assert.equal(done.algo, algo);
      const { table } = await client.connection.sendRequest(RunValueTableRequest, { runId: run.id });
      assert.ok(table, 'a finished tabular run has its table');
      assert.equal(table.env, env);
      assert.equal(table.nS, nS);
      assert.equal(table.step, done.globalStep);
      assert.equal(table.grid?.rows, 4);
      const { episode } = await client.connection.sendRequest(RunPlaybackRequest, { runId: run.id });
      assert.ok(episode && episode.frames.every((f) => f.length === 1 && Number.isInteger(f[0])));
      assert.equal(episode.terminated, true, 'the greedy policy reaches the end of the episode');
    });
  }

  it('answers null for a run it does not have', async () => {
    assert.deepEqual(await client.connection.sendRequest(RunValueTableRequest, { runId: 'no-such-run' }), { table: null });
    assert.deepEqual(await client.connection.sendRequest(RunValueTableRequest, { runId: '../..' }), { table: null });
  });
});
