/**
 * A3C and behaviour cloning from the built CLI (`node dist/cli.js`), as a user runs them: A3C
 * starts its worker threads from dist/a3cWorker.js and records the worker count; `rl-lab eval
 * RUN --record FILE` writes a run's evaluation episodes as demonstrations; `bc` clones them
 * from that file and straight from the run (`demonstrations: run:<id>`).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readEvaluations, readMetrics } from '../../server/src/training/runStore';

const root = process.env.RL_LAB_ROOT ?? join(__dirname, '../..');
const cli = join(root, 'dist', 'cli.js');

const FILE = `
a3c-tiny:
  algo: a3c
  env: CartPole-v1
  seed: 2
  n_workers: 2
  n_envs: 2
  n_timesteps: 3000
  policy_kwargs: "dict(net_arch=[8])"
expert:
  algo: ppo
  env: CartPole-v1
  seed: 5
  n_envs: 2
  n_timesteps: 1024
  n_steps: 64
  batch_size: 64
  n_epochs: 2
  policy_kwargs: "dict(net_arch=[8])"
bc-file:
  algo: bc
  env: CartPole-v1
  seed: 1
  demonstrations: recorded.jsonl
  n_epochs: 2
  eval_episodes: 2
  policy_kwargs: "dict(net_arch=[8])"
bc-run:
  algo: bc
  env: CartPole-v1
  seed: 1
  demo_episodes: 3
  n_epochs: 2
  eval_episodes: 2
  policy_kwargs: "dict(net_arch=[8])"
`;

let ws = '';
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: ws });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const lastJson = (text: string) => JSON.parse(text.trim().split('\n').pop()!) as Record<string, unknown>;

before(() => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--only=cli,worker,a3cWorker'], { cwd: root, stdio: 'inherit' });
  ws = mkdtempSync(join(tmpdir(), 'rl-lab-a3c-bc-'));
  writeFileSync(join(ws, 'package.json'), '{"name": "ws"}\n');
  writeFileSync(join(ws, 'exp.rl.yaml'), FILE);
});
after(() => rmSync(ws, { recursive: true, force: true }));

describe('a3c and bc from the CLI', { timeout: 300_000 }, () => {
  it('a3c trains with worker threads from dist/ and records how many it used', async () => {
    const r = await runCli(['train', 'exp.rl.yaml#a3c-tiny', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const end = lastJson(r.stdout);
    assert.equal(end.status, 'completed');
    assert.ok((end.global_step as number) >= 3000);
    const runDir = end.run_dir as string;
    assert.match(readFileSync(join(runDir, 'config.yaml'), 'utf8'), /n_workers: 2/);
    const rows = readMetrics(runDir);
    assert.ok(rows.length >= 2);
    assert.ok(rows.every((row) => row['charts/workers'] === 2));
    assert.ok(rows[rows.length - 1]['charts/async_updates'] >= 3000 / (5 * 2 * 2) - 2);
  });

  it('eval --record writes the evaluation episodes; bc clones them from the file and from run:<id>', async () => {
    const trained = await runCli(['train', 'exp.rl.yaml#expert', '--json']);
    assert.equal(trained.code, 0, trained.stderr);
    const expert = lastJson(trained.stdout);
    const runId = expert.run_id as string;

    const evaluated = await runCli(['eval', runId, '--episodes', '3', '--record', 'recorded.jsonl']);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    const episodes = readFileSync(join(ws, 'recorded.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { return: number; observations: number[][]; actions: number[] });
    assert.equal(episodes.length, 3);
    const evaluation = readEvaluations(expert.run_dir as string).pop()!;
    assert.deepEqual(episodes.map((e) => e.return), evaluation.returns, 'the recorded episodes are the evaluation episodes');
    assert.deepEqual(episodes.map((e) => e.actions.length), evaluation.lengths);
    assert.ok(episodes.every((e) => e.observations.every((o) => o.length === 4) && e.actions.every((a) => a === 0 || a === 1)));
    const pairs = evaluation.lengths!.reduce((a, b) => a + b, 0);
    const expertMean = evaluation.meanReturn;

    for (const args of [['exp.rl.yaml#bc-file'], ['exp.rl.yaml#bc-run', '--set', `demonstrations=run:${runId}`]]) {
      const r = await runCli(['train', ...args, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const end = lastJson(r.stdout);
      assert.equal(end.status, 'completed', JSON.stringify(end));
      const rows = readMetrics(end.run_dir as string);
      const last = rows[rows.length - 1];
      assert.equal(last['train/demonstration_pairs'], pairs, `${args[0]}: the same pairs`);
      assert.ok(Math.abs(last['eval/expert_mean_return'] - expertMean) < 1e-9);
      assert.ok(last['eval/action_accuracy'] >= 0 && last['eval/action_accuracy'] <= 1);
      assert.ok(Number.isFinite(last['eval/mean_return']));
      assert.equal(end.mean_return_last_20, last['eval/mean_return']);
    }
  });
});
