/**
 * The RunManager with real worker child processes (`dist/worker.js`, built here) training
 * tiny PPO runs on CartPole-v1: statuses, metrics, stop, a killed worker, and runs left
 * 'running' by a dead trainer.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunMetricsNotification, RunSummary } from '../../server/src/protocol/types';
import type { ResolvedConfig } from '../../server/src/schema';
import { RunManager } from '../../server/src/training/runManager';
import { createRun, readMetrics, readRunSummary, writeRunSummary } from '../../server/src/training/runStore';

const root = process.env.RL_LAB_ROOT ?? join(__dirname, '../..');
const workerPath = join(root, 'dist', 'worker.js');

function tinyConfig(nTimesteps: number): ResolvedConfig {
  return {
    experiment: 'tiny',
    algo: 'ppo',
    env: 'CartPole-v1',
    n_envs: 2,
    n_timesteps: nTimesteps,
    seed: 3,
    policy: 'MlpPolicy',
    policy_kwargs: { net_arch: { pi: [16, 16], vf: [16, 16] }, activation_fn: 'tanh', ortho_init: true, log_std_init: 0 },
    hyperparameters: {
      learning_rate: 3e-4,
      n_steps: 64,
      batch_size: 64,
      n_epochs: 2,
      gamma: 0.99,
      gae_lambda: 0.95,
      clip_range: 0.2,
      clip_range_vf: null,
      normalize_advantage: true,
      ent_coef: 0,
      vf_coef: 0.5,
      max_grad_norm: 0.5,
      target_kl: null,
    },
  };
}

const temps: string[] = [];
const managers: RunManager[] = [];
function newManager(workspaceRoot = mkdtempSync(join(tmpdir(), 'rl-lab-runs-'))): RunManager {
  temps.push(workspaceRoot);
  const m = new RunManager({ workspaceRoot, workerPath, stopGraceMs: 60_000 });
  managers.push(m);
  return m;
}

/** Resolves with the first status of `runId` that satisfies `predicate`, collecting all it saw. */
function statusWhere(m: RunManager, runId: () => string | undefined, predicate: (s: RunSummary) => boolean, seen: RunSummary[] = []) {
  return new Promise<RunSummary>((resolve) => {
    const sub = m.onStatus((s) => {
      if (s.id !== runId()) return;
      seen.push(s);
      if (predicate(s)) {
        sub.dispose();
        resolve(s);
      }
    });
  });
}

function firstMetrics(m: RunManager, runId: () => string | undefined) {
  return new Promise<RunMetricsNotification>((resolve) => {
    const sub = m.onMetrics((n) => {
      if (n.runId !== runId() || !n.rows.length) return;
      sub.dispose();
      resolve(n);
    });
  });
}

const isTerminal = (s: RunSummary) => ['completed', 'failed', 'stopped', 'interrupted'].includes(s.status);

before(() => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--only=worker'], { cwd: root, stdio: 'inherit' });
});
after(() => {
  managers.forEach((m) => m.dispose());
  temps.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('RunManager with real workers', { timeout: 180_000 }, () => {
  it('trains a tiny run to completion, streaming statuses and metrics', async () => {
    const m = newManager();
    let id: string | undefined;
    const seen: RunSummary[] = [];
    const notified: RunMetricsNotification[] = [];
    m.onMetrics((n) => notified.push(n));
    const done = statusWhere(m, () => id, isTerminal, seen);
    const started = m.start({ filePath: join(root, 'examples', 'cartpole.rl.yaml'), experiment: 'tiny', config: tinyConfig(2000) });
    id = started.id;
    assert.equal(started.status, 'running', 'running from the start');
    assert.equal(m.list()[0]?.id, id);

    const final = await done;
    assert.equal(final.status, 'completed', final.error);
    assert.ok(final.globalStep >= 2000, `global step ${final.globalStep}`);
    assert.ok(final.backend, 'the run records its backend');
    assert.ok(seen.some((s) => s.status === 'running' && s.backend === final.backend), 'the worker reported its backend while running');
    assert.ok(final.endTime);

    const stored = readRunSummary(final.runDir);
    assert.equal(stored.status, 'completed');
    assert.equal((final as RunSummary & { pid?: number }).pid, undefined, 'the protocol summary carries no pid');
    const rows = readMetrics(final.runDir);
    assert.ok(rows.length > 0, 'metrics.jsonl has rows');
    assert.ok(rows.some((r) => typeof r['losses/approx_kl'] === 'number'));
    assert.deepEqual(m.metrics(final.id), rows);
    // Every row written reached listeners, in order.
    assert.deepEqual(notified.filter((n) => n.runId === id).flatMap((n) => n.rows), rows);
    assert.equal(m.list().find((r) => r.id === id)?.status, 'completed');
  });

  it('stops a run on request', async () => {
    const m = newManager();
    let id: string | undefined;
    const done = statusWhere(m, () => id, isTerminal);
    const training = firstMetrics(m, () => id);
    id = m.start({ filePath: join(root, 'examples', 'cartpole.rl.yaml'), experiment: 'tiny', config: tinyConfig(10_000_000) }).id;
    await training;
    assert.equal(m.stop(id), true);
    const final = await done;
    assert.equal(final.status, 'stopped', final.error);
    assert.ok(final.globalStep > 0 && final.globalStep < 10_000_000);
    assert.equal(readRunSummary(final.runDir).status, 'stopped');
    assert.ok(readMetrics(final.runDir).length > 0);
    assert.equal(m.stop(id), false, 'a finished run cannot be stopped');
    assert.equal(m.stop('no-such-run'), false);
  });

  it('marks a run whose worker is killed as interrupted and keeps its metrics', async () => {
    const m = newManager();
    let id: string | undefined;
    const done = statusWhere(m, () => id, isTerminal);
    const training = firstMetrics(m, () => id);
    const started = m.start({ filePath: join(root, 'examples', 'cartpole.rl.yaml'), experiment: 'tiny', config: tinyConfig(10_000_000) });
    id = started.id;
    await training;
    const workerPid = readRunSummary(started.runDir).pid;
    assert.ok(workerPid && workerPid !== process.pid, 'the worker recorded its own pid');
    process.kill(workerPid, 'SIGKILL');
    const final = await done;
    // Killed (not an error of its own): resumable from its last checkpoint.
    assert.equal(final.status, 'interrupted');
    assert.match(final.error ?? '', /worker exited with signal SIGKILL/);
    const stored = readRunSummary(started.runDir);
    assert.equal(stored.status, 'interrupted');
    assert.equal(stored.error, final.error);
    assert.ok(readMetrics(started.runDir).length > 0, 'metrics written before the kill are kept');
  });

  it('treats SIGTERM to a worker as a stop request', async () => {
    const m = newManager();
    let id: string | undefined;
    const done = statusWhere(m, () => id, isTerminal);
    const training = firstMetrics(m, () => id);
    const started = m.start({ filePath: join(root, 'examples', 'cartpole.rl.yaml'), experiment: 'tiny', config: tinyConfig(10_000_000) });
    id = started.id;
    await training;
    process.kill(readRunSummary(started.runDir).pid!, 'SIGTERM');
    const final = await done;
    assert.equal(final.status, 'stopped', final.error);
    assert.equal(readRunSummary(started.runDir).status, 'stopped');
  });

  it('records a training error as failed, with the message', async () => {
    const m = newManager();
    let id: string | undefined;
    const done = statusWhere(m, () => id, isTerminal);
    id = m.start({ filePath: join(root, 'examples', 'cartpole.rl.yaml'), experiment: 'tiny', config: { ...tinyConfig(2000), env: 'NoSuchEnv-v0' } }).id;
    const final = await done;
    assert.equal(final.status, 'failed');
    assert.match(final.error ?? '', /NoSuchEnv-v0/);
    assert.equal(readRunSummary(final.runDir).error, final.error);
    assert.ok(final.endTime);
  });

  it('fails a run whose worker cannot start', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'rl-lab-runs-'));
    temps.push(ws);
    const m = new RunManager({ workspaceRoot: ws, workerPath: join(ws, 'no-such-worker.js') });
    managers.push(m);
    let id: string | undefined;
    const done = statusWhere(m, () => id, isTerminal);
    id = m.start({ filePath: join(root, 'examples', 'cartpole.rl.yaml'), experiment: 'tiny', config: tinyConfig(2000) }).id;
    const final = await done;
    assert.equal(final.status, 'failed');
    assert.match(final.error ?? '', /^worker exited with code 1: .*Cannot find module/);
    assert.equal(readRunSummary(final.runDir).status, 'failed');
  });

  it('marks runs left running by a dead trainer as interrupted, and leaves live ones alone', () => {
    const ws = mkdtempSync(join(tmpdir(), 'rl-lab-runs-'));
    temps.push(ws);
    const runsDir = join(ws, '.rl-lab', 'runs');
    const file = join(root, 'examples', 'cartpole.rl.yaml');
    // A pid that certainly belonged to a process that has exited.
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const orphan = createRun({ runsDir, workspaceRoot: ws, filePath: file, config: tinyConfig(1000), pid: Number(deadPid) });
    const noPid = createRun({ runsDir, workspaceRoot: ws, filePath: file, config: tinyConfig(1000) });
    const alive = createRun({ runsDir, workspaceRoot: ws, filePath: file, config: tinyConfig(1000), pid: process.pid });
    const finished = createRun({ runsDir, workspaceRoot: ws, filePath: file, config: tinyConfig(1000) });
    writeRunSummary(finished.runDir, { ...finished, status: 'completed', endTime: '2026-01-01T00:00:00.000Z' });

    const m = newManager(ws);
    const byId = new Map(m.list().map((r) => [r.id, r]));
    assert.equal(byId.get(orphan.id)?.status, 'interrupted');
    assert.equal(byId.get(noPid.id)?.status, 'interrupted');
    assert.equal(byId.get(alive.id)?.status, 'running');
    assert.equal(byId.get(finished.id)?.status, 'completed');
    assert.equal(JSON.parse(readFileSync(join(orphan.runDir, 'run.json'), 'utf8')).status, 'interrupted');
  });

  it('lists health alerts of stored runs (from metrics.jsonl and the config\'s target_kl)', () => {
    const ws = mkdtempSync(join(tmpdir(), 'rl-lab-runs-'));
    temps.push(ws);
    const runsDir = join(ws, '.rl-lab', 'runs');
    const config = tinyConfig(1000);
    config.hyperparameters = { ...config.hyperparameters, target_kl: 0.01 } as ResolvedConfig['hyperparameters'];
    const stored = createRun({ runsDir, workspaceRoot: ws, filePath: join(root, 'examples', 'cartpole.rl.yaml'), config });
    writeRunSummary(stored.runDir, { ...stored, status: 'failed', endTime: '2026-01-01T00:00:00.000Z' });
    writeFileSync(join(stored.runDir, 'metrics.jsonl'), '{"step":64,"time":1,"losses/approx_kl":0.2}\n{"step":128,"time":2,"losses/value_loss":null}\n');
    const m = newManager(ws);
    const listed = m.list().find((r) => r.id === stored.id);
    assert.deepEqual(listed?.alerts, ['approx KL 0.200 above 0.0500 at step 64', 'losses/value_loss is NaN from step 128']);
    assert.deepEqual(m.get(stored.id)?.alerts, listed?.alerts);
    assert.equal((m.config(stored.id)?.hyperparameters as Record<string, unknown>).target_kl, 0.01);
  });
});
