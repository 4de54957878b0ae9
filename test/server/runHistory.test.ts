/**
 * The RunManager's run history with real worker processes (`dist/worker.js`): the queue
 * (8 runs, 2 at a time, all finish, in order), resume after a killed worker (same folder,
 * continuing steps, restored weights), evaluation recorded in the run, stars/tags, rerun,
 * delete, and the TensorFlow.js export.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunSummary } from '../../server/src/protocol/types';
import type { ResolvedConfig } from '../../server/src/schema';
import { listCheckpoints, readCheckpoint } from '../../server/src/training/checkpointStore';
import { RunManager } from '../../server/src/training/runManager';
import { readEvaluations, readMetrics, readRunSummary } from '../../server/src/training/runStore';

const root = process.env.RL_LAB_ROOT ?? join(__dirname, '../..');
const workerPath = join(root, 'dist', 'worker.js');
const file = join(root, 'examples', 'cartpole.rl.yaml');

function tinyConfig(nTimesteps: number, seed = 3, checkpointFreq = 256): ResolvedConfig {
  return {
    experiment: 'history',
    algo: 'ppo',
    env: 'CartPole-v1',
    n_envs: 2,
    n_timesteps: nTimesteps,
    seed,
    policy: 'MlpPolicy',
    policy_kwargs: { net_arch: { pi: [8], vf: [8] }, activation_fn: 'tanh', ortho_init: true, log_std_init: 0 },
    checkpoint_freq: checkpointFreq,
    hyperparameters: {
      learning_rate: 3e-4, n_steps: 64, batch_size: 64, n_epochs: 1, gamma: 0.99, gae_lambda: 0.95,
      clip_range: 0.2, clip_range_vf: null, normalize_advantage: true, ent_coef: 0, vf_coef: 0.5,
      max_grad_norm: 0.5, target_kl: null,
    },
  };
}

const temps: string[] = [];
const managers: RunManager[] = [];
function newManager(maxConcurrentRuns = 2): RunManager {
  const ws = mkdtempSync(join(tmpdir(), 'rl-lab-history-'));
  temps.push(ws);
  const m = new RunManager({ workspaceRoot: ws, workerPath, maxConcurrentRuns, stopGraceMs: 60_000 });
  managers.push(m);
  return m;
}

const TERMINAL = ['completed', 'failed', 'stopped', 'interrupted'];

/** Resolves with the first status of `id` that satisfies `predicate`. */
function statusOf(m: RunManager, id: () => string | undefined, predicate: (s: RunSummary) => boolean): Promise<RunSummary> {
  return new Promise((resolve) => {
    const sub = m.onStatus((s) => {
      if (s.id === id() && predicate(s)) {
        sub.dispose();
        resolve(s);
      }
    });
  });
}

before(() => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--only=worker'], { cwd: root, stdio: 'inherit' });
});
after(() => {
  managers.forEach((m) => m.dispose());
  temps.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('run history with real workers', { timeout: 300_000 }, () => {
  it('queues runs beyond the concurrency limit: 8 runs, 2 at a time, all finish in order', async () => {
    const m = newManager(2);
    const running = new Set<string>();
    let maxRunning = 0;
    const startOrder: string[] = [];
    const finished = new Map<string, RunSummary>();
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => (resolveAll = r));
    const ids: string[] = [];
    m.onStatus((s) => {
      if (s.status === 'running' && !running.has(s.id) && !finished.has(s.id)) {
        running.add(s.id);
        if (!startOrder.includes(s.id)) startOrder.push(s.id);
        maxRunning = Math.max(maxRunning, running.size);
      }
      if (TERMINAL.includes(s.status) && !finished.has(s.id)) {
        running.delete(s.id);
        finished.set(s.id, s);
        if (ids.length === 8 && finished.size === 8) resolveAll();
      }
    });
    const started = Array.from({ length: 8 }, (_, i) => m.start({ filePath: file, experiment: 'queue', config: tinyConfig(256, i + 1, 0) }));
    ids.push(...started.map((r) => r.id));
    assert.deepEqual(started.map((r) => r.status), ['running', 'running', 'queued', 'queued', 'queued', 'queued', 'queued', 'queued']);
    assert.equal(readRunSummary(started[5].runDir).status, 'queued', 'queued runs are recorded as queued');
    if (finished.size === 8) resolveAll();
    await all;
    assert.deepEqual([...finished.values()].map((s) => s.status), Array(8).fill('completed'));
    assert.equal(maxRunning, 2, 'never more than 2 at once');
    assert.deepEqual(startOrder, ids, 'queued runs start in the order they were queued');
    for (const r of started) assert.equal(readRunSummary(r.runDir).status, 'completed');
  });

  it('stops a queued run without starting it', async () => {
    const m = newManager(1);
    const first = m.start({ filePath: file, experiment: 'q', config: tinyConfig(10_000_000) });
    const second = m.start({ filePath: file, experiment: 'q', config: tinyConfig(256) });
    assert.equal(second.status, 'queued');
    assert.equal(m.stop(second.id), true);
    assert.equal(readRunSummary(second.runDir).status, 'stopped');
    assert.equal(readMetrics(second.runDir).length, 0);
    const done = statusOf(m, () => first.id, (s) => TERMINAL.includes(s.status));
    m.stop(first.id);
    assert.equal((await done).status, 'stopped');
  });

  it('resumes a killed run from its checkpoint in the same folder, with continuing steps and the saved weights', async () => {
    const m = newManager(2);
    let id: string | undefined;
    const checkpointed = statusOf(m, () => id, (s) => (s.checkpointStep ?? 0) >= 512);
    const interrupted = statusOf(m, () => id, (s) => TERMINAL.includes(s.status));
    const started = m.start({ filePath: file, experiment: 'resume', config: tinyConfig(200_000) });
    id = started.id;
    // 200k steps: far past the kill point, so the run cannot complete before the kill lands.
    await checkpointed;
    process.kill(readRunSummary(started.runDir).pid!, 'SIGKILL');
    const killed = await interrupted;
    assert.equal(killed.status, 'interrupted');
    const before = readMetrics(started.runDir);
    const ckpts = listCheckpoints(started.runDir);
    const ckpt = readCheckpoint(ckpts[ckpts.length - 1].path);
    assert.ok(ckpt.globalStep >= 512 && before.length > 0);

    const done = statusOf(m, () => id, (s) => TERMINAL.includes(s.status) && (s.resumes ?? 0) === 1);
    const resumed = m.resume(id);
    assert.equal(resumed.id, id, 'same run');
    assert.equal(resumed.runDir, started.runDir, 'same folder');
    const final = await done;
    assert.equal(final.status, 'completed', final.error);
    assert.ok(final.globalStep >= 200_000);

    const after = readMetrics(started.runDir);
    const kept = before.filter((r) => r.step <= ckpt.globalStep);
    assert.deepEqual(after.slice(0, kept.length), kept, 'rows up to the checkpoint are untouched');
    const steps = after.map((r) => r.step);
    assert.ok(steps.every((s, i) => i === 0 || s > steps[i - 1]), 'steps strictly increase');
    assert.equal(after[kept.length].step, ckpt.globalStep + 128, 'training continued right after the checkpoint');

    // (That restoring reproduces the saved parameters exactly is test/unit/checkpoint.test.ts.)
    assert.ok(listCheckpoints(started.runDir).every((c) => c.step > ckpt.globalStep), 'newer checkpoints replaced the old');
    assert.equal(readRunSummary(started.runDir).resumes, 1);
    assert.throws(() => m.resume(id!), /completed; only stopped, interrupted or failed/);
  });

  it('when the server process dies, its worker records the run interrupted with a final checkpoint; it resumes', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'rl-lab-history-'));
    temps.push(ws);
    // A stand-in for the language server: a process holding a RunManager, killed with SIGKILL.
    const script = `
      const { RunManager } = require(${JSON.stringify(join(root, 'server/src/training/runManager.ts'))});
      const m = new RunManager({ workspaceRoot: ${JSON.stringify(ws)}, workerPath: ${JSON.stringify(workerPath)} });
      const run = m.start({ filePath: ${JSON.stringify(file)}, experiment: 'server-dies', config: ${JSON.stringify(tinyConfig(10_000_000))} });
      m.onStatus((s) => { if ((s.checkpointStep ?? 0) >= 256) process.stdout.write(JSON.stringify({ runDir: run.runDir }) + '\\n'); });
    `;
    const server = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const runDir = await new Promise<string>((resolve, reject) => {
      server.stdout.once('data', (d: Buffer) => resolve((JSON.parse(d.toString().split('\n')[0]) as { runDir: string }).runDir));
      server.once('exit', (code) => reject(new Error(`the stand-in server exited early (code ${code})`)));
    });
    const serverGone = new Promise((r) => server.on('exit', r));
    server.kill('SIGKILL');
    await serverGone;
    // The orphaned worker notices the closed IPC channel, ends its rollout and records the run.
    const stored = await new Promise<ReturnType<typeof readRunSummary>>((resolve) => {
      const check = () => {
        try {
          const r = readRunSummary(runDir);
          if (r.status !== 'running') return void (watcher.close(), resolve(r));
        } catch {
          // between temp file and rename
        }
      };
      const watcher = watch(runDir, check);
      check();
    });
    assert.equal(stored.status, 'interrupted');
    assert.equal(stored.checkpointStep, stored.globalStep, 'a final checkpoint at the step it stopped');
    assert.equal(listCheckpoints(runDir).at(-1)?.step, stored.globalStep);
    const rows = readMetrics(runDir);
    assert.equal(rows.at(-1)?.step, stored.globalStep, 'every row up to the stop is there');

    const m = new RunManager({ workspaceRoot: ws, workerPath, maxConcurrentRuns: 1, stopGraceMs: 60_000 });
    managers.push(m);
    const id = stored.id;
    assert.equal(m.list().find((r) => r.id === id)?.status, 'interrupted');
    const moved = statusOf(m, () => id, (s) => s.status === 'running' && s.globalStep > stored.globalStep);
    m.resume(id);
    const progressed = await moved;
    assert.equal(progressed.resumes, 1);
    const stopped = statusOf(m, () => id, (s) => TERMINAL.includes(s.status));
    m.stop(id);
    assert.equal((await stopped).status, 'stopped');
    const after = readMetrics(runDir);
    assert.deepEqual(after.slice(0, rows.length), rows, 'nothing lost, nothing rewound: the checkpoint was at the last row');
  });

  it('evaluates, stars, tags, reruns, exports and deletes runs', async () => {
    const m = newManager(2);
    let id: string | undefined;
    const done = statusOf(m, () => id, (s) => TERMINAL.includes(s.status));
    id = m.start({ filePath: file, experiment: 'actions', config: tinyConfig(512, 42) }).id;
    const run = await done;
    assert.equal(run.status, 'completed', run.error);

    const evaluation = await m.evaluate(run.id, 3);
    assert.equal(evaluation.episodes, 3);
    assert.equal(evaluation.returns.length, 3);
    assert.equal(evaluation.step, run.globalStep);
    assert.deepEqual(readEvaluations(run.runDir), [evaluation]);
    assert.equal(readRunSummary(run.runDir).evaluation?.meanReturn, evaluation.meanReturn);
    const again = await m.evaluate(run.id, 3);
    assert.deepEqual(again.returns, evaluation.returns, 'deterministic: the same checkpoint scores the same');
    await assert.rejects(m.evaluate(run.id, 0), /episodes must be/);

    const starred = m.setMeta(run.id, { starred: true, tags: ['baseline'] });
    assert.equal(starred.starred, true);
    assert.deepEqual(m.list().find((r) => r.id === run.id)?.tags, ['baseline']);

    const { modelJson } = m.exportPolicy(run.id);
    assert.equal(JSON.parse(readFileSync(modelJson, 'utf8')).format, 'layers-model');

    let rerunId: string | undefined;
    const rerunDone = statusOf(m, () => rerunId, (s) => TERMINAL.includes(s.status));
    const rerun = m.rerun(run.id);
    rerunId = rerun.id;
    assert.notEqual(rerun.id, run.id);
    assert.equal(rerun.seed, 42, 'same seed');
    const rerunFinal = await rerunDone;
    assert.equal(rerunFinal.status, 'completed');
    assert.deepEqual(
      readMetrics(rerun.runDir).map((r) => r['losses/value_loss']),
      readMetrics(run.runDir).map((r) => r['losses/value_loss']),
      'same config and seed on the same backend: the same training',
    );
    const fresh = m.rerun(run.id, true);
    assert.notEqual(fresh.seed, 42);
    const freshDone = statusOf(m, () => fresh.id, (s) => TERMINAL.includes(s.status));
    assert.throws(() => m.delete(fresh.id), /stop it first/);
    m.stop(fresh.id);
    await freshDone;

    assert.equal(m.delete(rerun.id), true);
    assert.equal(existsSync(rerun.runDir), false);
    assert.equal(m.list().some((r) => r.id === rerun.id), false);
    assert.throws(() => m.delete('../escape'), /not a run id/);
  });
});
