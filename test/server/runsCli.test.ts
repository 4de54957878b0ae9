/**
 * The run-history CLI (`node dist/cli.js`, built here) as a user runs it: kill -9 the training
 * process mid-run (nothing written before the kill is lost, the run shows interrupted, resume
 * continues the step count in the same folder), `runs list` with damaged folders, `eval`,
 * `export --csv` (long and wide, read back), `export --tfjs`, and `sweep --concurrency`.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunSummary } from '../../server/src/protocol/types';
import { listCheckpoints } from '../../server/src/training/checkpointStore';
import { readMetrics, readRunSummary } from '../../server/src/training/runStore';

const root = process.env.RL_LAB_ROOT ?? join(__dirname, '../..');
const cli = join(root, 'dist', 'cli.js');

const FILE = `
crash:
  algo: ppo
  env: CartPole-v1
  seed: 5
  n_envs: 2
  n_timesteps: 400000
  n_steps: 64
  batch_size: 64
  n_epochs: 1
  checkpoint_freq: 512
  policy_kwargs: "dict(net_arch=[8])"
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
      learning_rate: [0.001, 0.0003]
    seeds: [1, 2]
`;

const temps: string[] = [];
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rl-lab-runs-cli-'));
  temps.push(dir);
  writeFileSync(join(dir, 'package.json'), '{"name": "ws"}\n');
  writeFileSync(join(dir, 'exp.rl.yaml'), FILE);
  return dir;
}

function runCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const jsonLines = (text: string): Record<string, unknown>[] =>
  text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

before(() => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--only=cli,worker'], { cwd: root, stdio: 'inherit' });
});
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('rl-lab run history commands', { timeout: 300_000 }, () => {
  it('kill -9 mid-run: nothing written is lost, the run shows interrupted, resume continues the steps', async () => {
    const ws = workspace();
    const child = spawn(process.execPath, [cli, 'train', 'exp.rl.yaml#crash', '--json'], { cwd: ws, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    // Kill once the second checkpoint is reported in a progress line's wake: poll the folder
    // on each JSON line the trainer prints (an event, not a sleep). The budget (400k steps, ~400x
    // the kill point) is long enough that even the WASM-kernel path cannot finish before the kill
    // lands (40k did: it trains in about a second now).
    const runsDir = join(ws, '.rl-lab', 'runs');
    let runDir = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', () => {
        if (!runDir && existsSync(runsDir)) runDir = join(runsDir, readdirSync(runsDir)[0] ?? '');
        if (runDir && listCheckpoints(runDir).length >= 2) resolve();
      });
    });
    const metricsBefore = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8');
    child.kill('SIGKILL');
    await exited;
    // Everything written before the kill is still there and readable.
    const rowsBefore = readMetrics(runDir);
    assert.ok(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').startsWith(metricsBefore));
    assert.ok(rowsBefore.length >= 8);
    assert.equal(readRunSummary(runDir).status, 'running', 'run.json still says running until someone looks');

    const listed = await runCli(['runs', 'list', '--json'], ws);
    assert.equal(listed.code, 0, listed.stderr);
    const [summary] = jsonLines(listed.stdout) as unknown as RunSummary[];
    assert.equal(summary.status, 'interrupted');
    assert.equal(summary.checkpointStep, listCheckpoints(runDir).at(-1)!.step);
    assert.equal((summary as RunSummary & { pid?: number }).pid, undefined);
    const human = await runCli(['runs', 'list'], ws);
    assert.match(human.stdout, /interrupted/);

    const ckptStep = summary.checkpointStep!;
    const resumed = await runCli(['resume', summary.id.slice(0, 12), '--json'], ws);
    assert.equal(resumed.code, 0, resumed.stderr);
    const end = jsonLines(resumed.stdout).at(-1)!;
    assert.equal(end.event, 'end');
    assert.equal(end.status, 'completed');
    assert.equal(end.run_dir, runDir, 'the same run folder');
    const rowsAfter = readMetrics(runDir);
    const kept = rowsBefore.filter((r) => r.step <= ckptStep);
    assert.deepEqual(rowsAfter.slice(0, kept.length), kept, 'rows up to the checkpoint are kept as written');
    assert.equal(rowsAfter[kept.length].step, ckptStep + 128, 'the step count continues from the checkpoint');
    assert.ok(rowsAfter.every((r, i) => i === 0 || r.step > rowsAfter[i - 1].step));
    assert.ok(rowsAfter.at(-1)!.step >= 400000);
    const stored = readRunSummary(runDir);
    assert.equal(stored.status, 'completed');
    assert.equal(stored.resumes, 1);
    const rewound = existsSync(join(runDir, 'metrics.rewound.jsonl')) ? readFileSync(join(runDir, 'metrics.rewound.jsonl'), 'utf8').trim().split('\n').length : 0;
    assert.equal(rewound, rowsBefore.length - kept.length, 'rows after the checkpoint were moved aside, not lost');

    // eval: deterministic episodes of the final checkpoint, recorded.
    const evaluated = await runCli(['eval', summary.id, '--episodes', '3', '--json'], ws);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    const e = jsonLines(evaluated.stdout)[0];
    assert.equal(e.episodes, 3);
    assert.equal((e.returns as number[]).length, 3);
    assert.equal(readRunSummary(runDir).evaluation?.meanReturn, e.meanReturn);
    assert.equal(readFileSync(join(runDir, 'evaluations.jsonl'), 'utf8').trim().split('\n').length, 1);

    // export --csv, long and wide, read back.
    const long = await runCli(['export', '--csv', 'long.csv'], ws);
    assert.equal(long.code, 0, long.stderr);
    const longLines = readFileSync(join(ws, 'long.csv'), 'utf8').trim().split('\n');
    assert.equal(longLines[0], 'run_id,step,time,metric,value');
    const values = rowsAfter.reduce((n, r) => n + Object.keys(r).length - 2, 0);
    assert.equal(longLines.length - 1, values);
    const entropy = longLines.slice(1).map((l) => l.split(',')).filter((c) => c[3] === 'losses/entropy');
    assert.deepEqual(entropy.map((c) => Number(c[4])), rowsAfter.map((r) => r['losses/entropy']));
    const wide = await runCli(['export', summary.id, '--csv', 'wide.csv', '--wide'], ws);
    assert.equal(wide.code, 0, wide.stderr);
    const [header, ...rows] = readFileSync(join(ws, 'wide.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    assert.deepEqual(header.slice(0, 3), ['run_id', 'step', 'time']);
    assert.equal(rows.length, rowsAfter.length);
    assert.deepEqual(rows.map((r) => Number(r[1])), rowsAfter.map((r) => r.step));
    const kl = header.indexOf('losses/approx_kl');
    assert.deepEqual(rows.map((r) => Number(r[kl])), rowsAfter.map((r) => r['losses/approx_kl']));

    const tfjs = await runCli(['export', summary.id, '--tfjs'], ws);
    assert.equal(tfjs.code, 0, tfjs.stderr);
    const model = JSON.parse(readFileSync(tfjs.stdout.trim(), 'utf8')) as { format: string; weightsManifest: { paths: string[] }[] };
    assert.equal(model.format, 'layers-model');
    assert.ok(existsSync(join(runDir, 'export', 'tfjs', model.weightsManifest[0].paths[0])));

    // A completed run cannot be resumed; an unknown run is a one-line error.
    const again = await runCli(['resume', summary.id], ws);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /completed; only stopped, interrupted or failed/);
    const unknown = await runCli(['eval', 'nope'], ws);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no run 'nope'/);
  });

  it('lists damaged run folders with the reason, without failing', async () => {
    const ws = workspace();
    const runsDir = join(ws, '.rl-lab', 'runs');
    mkdirSync(join(runsDir, 'broken-run'), { recursive: true });
    writeFileSync(join(runsDir, 'broken-run', 'run.json'), '{"id": "broken-ru');
    const listed = await runCli(['runs', 'list', '--json'], ws);
    assert.equal(listed.code, 0, listed.stderr);
    const [run] = jsonLines(listed.stdout) as unknown as RunSummary[];
    assert.equal(run.id, 'broken-run');
    assert.match(run.damaged ?? '', /run\.json is corrupt \(.*\); config\.yaml is missing/);
    const human = await runCli(['runs', 'list'], ws);
    assert.match(human.stdout, /broken-run\s+damaged/);
  });

  it('sweep queues every combination and trains them 2 at a time', async () => {
    const ws = workspace();
    const swept = await runCli(['sweep', 'exp.rl.yaml#grid', '--concurrency', '2', '--json'], ws);
    assert.equal(swept.code, 0, swept.stderr);
    const events = jsonLines(swept.stdout);
    const start = events.find((e) => e.event === 'sweep')!;
    const planned = start.runs as { run_id: string; sweep_params: Record<string, unknown> }[];
    assert.deepEqual(planned.map((r) => r.sweep_params), [
      { learning_rate: 0.001, seed: 1 },
      { learning_rate: 0.001, seed: 2 },
      { learning_rate: 0.0003, seed: 1 },
      { learning_rate: 0.0003, seed: 2 },
    ]);
    const ends = events.filter((e) => e.event === 'end');
    assert.equal(ends.length, 4);
    assert.ok(ends.every((e) => e.status === 'completed'));
    for (const r of planned) {
      const stored = readRunSummary(join(ws, '.rl-lab', 'runs', r.run_id));
      assert.equal(stored.sweepId, start.sweep_id);
      assert.deepEqual(stored.tags, ['sweep']);
      assert.equal(stored.seed, r.sweep_params.seed);
    }
    assert.deepEqual(events.at(-1), { event: 'sweep-end', sweep_id: start.sweep_id, completed: 4, total: 4 });
    const bad = await runCli(['sweep', 'exp.rl.yaml#crash'], ws);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /has no sweep: key/);
  });
});
