/**
 * Playback over a real LSP connection: a run trained by the server's worker records its
 * evaluation episode, and `rlLab/runPlayback` serves it from the run folder, for completed
 * and for stopped runs; unknown runs answer null.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  RunMetricsNotificationType,
  RunPlaybackRequest,
  RunStatusNotification,
  StartRunRequest,
  StopRunRequest,
  TERMINAL_STATUSES,
} from '../../server/src/protocol';
import { LspClient, repoRoot } from './lspClient';

const EXPERIMENTS = `tiny-pendulum:
  algo: ppo
  env: Pendulum-v1
  seed: 5
  n_envs: 2
  n_timesteps: 512
  n_steps: 128
  batch_size: 64
  n_epochs: 2
long-cartpole:
  algo: ppo
  env: CartPole-v1
  seed: 6
  n_envs: 2
  n_timesteps: 1000000
  n_steps: 64
`;

describe('run playback over LSP', () => {
  let ws: string;
  let client: LspClient;
  let uri: string;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--only=server,worker'], { cwd: repoRoot, stdio: 'inherit' });
    ws = mkdtempSync(join(tmpdir(), 'rl-lab-playback-lsp-'));
    writeFileSync(join(ws, 'play.rl.yaml'), EXPERIMENTS);
    uri = pathToFileURL(join(ws, 'play.rl.yaml')).href;
    client = await LspClient.start(ws, { backend: 'cpu' });
  });

  after(async () => {
    await client?.stop();
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  it("serves a completed run's evaluation episode", async () => {
    const { run } = await client.connection.sendRequest(StartRunRequest, { uri, experiment: 'tiny-pendulum' });
    const done = await client.waitFor(RunStatusNotification, (s) => s.id === run.id && TERMINAL_STATUSES.includes(s.status));
    assert.equal(done.status, 'completed', done.error);
    const { episode } = await client.connection.sendRequest(RunPlaybackRequest, { runId: run.id });
    assert.ok(episode, 'a finished run has a playback');
    assert.equal(episode.env, 'Pendulum-v1');
    assert.equal(episode.frames.length, 201, 'Pendulum runs to its 200-step limit: 201 frames');
    assert.equal(episode.rewards.length, 200);
    assert.equal(episode.truncated, true);
    assert.ok(episode.frames.every((f) => f.length === 3));
    assert.ok(episode.frames.slice(1).every((f) => Math.abs(f[2]) <= 2), 'torques inside the action bounds');
  });

  it('records a playback for a stopped run too', async () => {
    const { run } = await client.connection.sendRequest(StartRunRequest, { uri, experiment: 'long-cartpole' });
    await client.waitFor(RunMetricsNotificationType, (m) => m.runId === run.id && m.rows.length > 0);
    const stopped = client.waitFor(RunStatusNotification, (s) => s.id === run.id && TERMINAL_STATUSES.includes(s.status));
    assert.equal((await client.connection.sendRequest(StopRunRequest, { runId: run.id })).stopped, true);
    assert.equal((await stopped).status, 'stopped');
    const { episode } = await client.connection.sendRequest(RunPlaybackRequest, { runId: run.id });
    assert.ok(episode);
    assert.equal(episode.env, 'CartPole-v1');
    assert.equal(episode.frames.length, episode.rewards.length + 1);
    assert.ok(episode.rewards.length >= 1 && episode.rewards.length <= 500);
  });

  it('answers null for a run it does not have, and for an id that is not a folder name', async () => {
    assert.deepEqual(await client.connection.sendRequest(RunPlaybackRequest, { runId: 'no-such-run' }), { episode: null });
    assert.deepEqual(await client.connection.sendRequest(RunPlaybackRequest, { runId: '../..' }), { episode: null });
  });
});
