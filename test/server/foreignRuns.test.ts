/**
 * Runs that another process trains (the CLI here; equally another window, or the worker of a
 * language server that died) show up live in a RunManager: it follows their run.json, reports
 * their progress and end, and turns a killed trainer's run 'interrupted' instead of leaving it
 * 'running' forever.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunSummary } from '../../server/src/protocol/types';
import { RunManager } from '../../server/src/training/runManager';
import { readRunSummary } from '../../server/src/training/runStore';

const root = process.env.RL_LAB_ROOT ?? join(__dirname, '../..');
const cli = join(root, 'dist', 'cli.js');

const FILE = (steps: number) => `
cli-run:
  algo: ppo
  env: CartPole-v1
  seed: 2
  n_envs: 2
  n_timesteps: ${steps}
  n_steps: 64
  batch_size: 64
  n_epochs: 1
  policy_kwargs: "dict(net_arch=[8])"
`;

const temps: string[] = [];
const children: ChildProcess[] = [];
const managers: RunManager[] = [];

before(() => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--only=cli,worker'], { cwd: root, stdio: 'inherit' });
});
after(() => {
  managers.forEach((m) => m.dispose());
  children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
  temps.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** Starts `rl-lab train` in a fresh workspace; resolves once its run.json says running. */
async function cliRun(steps: number): Promise<{ ws: string; child: ChildProcess; runDir: string }> {
  const ws = mkdtempSync(join(tmpdir(), 'rl-lab-foreign-'));
  temps.push(ws);
  writeFileSync(join(ws, 'package.json'), '{}\n'); // the CLI's workspace root
  writeFileSync(join(ws, 'exp.rl.yaml'), FILE(steps));
  const child = spawn(process.execPath, [cli, 'train', 'exp.rl.yaml', '--json'], { cwd: ws, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const runsDir = join(ws, '.rl-lab', 'runs');
  // Each JSON line the trainer prints is an event to look at the folder again.
  const runDir = await new Promise<string>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the CLI exited (${code}) before its run was running`)));
    child.stdout!.on('data', () => {
      const id = existsSync(runsDir) ? readdirSync(runsDir)[0] : undefined;
      if (id && readRunSummary(join(runsDir, id)).status === 'running') resolve(join(runsDir, id));
    });
  });
  return { ws, child, runDir };
}

function statusWhere(m: RunManager, predicate: (s: RunSummary) => boolean): Promise<RunSummary> {
  // The manager's poll timer does not hold a process up (in the server the LSP connection
  // does); here a timer of the test's own keeps the loop alive while it waits.
  const keepAlive = setInterval(() => undefined, 1000);
  return new Promise<RunSummary>((resolve) => {
    const sub = m.onStatus((s) => {
      if (!predicate(s)) return;
      sub.dispose();
      resolve(s);
    });
  }).finally(() => clearInterval(keepAlive));
}

describe('runs trained by another process', { timeout: 180_000 }, () => {
  it('are listed as running, then reported completed when the CLI finishes them', async () => {
    const { ws, runDir } = await cliRun(100_000);
    const m = new RunManager({ workspaceRoot: ws, workerPath: join(root, 'dist', 'worker.js') });
    managers.push(m);
    const id = runDir.split(/[\\/]/).at(-1)!;
    const done = statusWhere(m, (s) => s.id === id && s.status === 'completed');
    assert.equal(m.list().find((r) => r.id === id)?.status, 'running');
    const final = await done;
    assert.equal(final.globalStep >= 100_000, true);
    assert.equal(readRunSummary(runDir).status, 'completed');
  });

  it('turn interrupted, not running forever, when their trainer is killed', async () => {
    const { ws, child, runDir } = await cliRun(5_000_000);
    const m = new RunManager({ workspaceRoot: ws, workerPath: join(root, 'dist', 'worker.js') });
    managers.push(m);
    const id = runDir.split(/[\\/]/).at(-1)!;
    assert.equal(m.get(id)?.status, 'running');
    const interrupted = statusWhere(m, (s) => s.id === id && s.status === 'interrupted');
    child.kill('SIGKILL');
    const s = await interrupted;
    assert.equal(s.status, 'interrupted');
    assert.equal(readRunSummary(runDir).status, 'interrupted');
  });
});
