/**
 * `node dist/cli.js` (built here) as a user runs it: a tiny real training with --json,
 * Ctrl-C, and the one-line errors for bad input.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';

const root = process.env.RL_LAB_ROOT ?? join(__dirname, '../..');
const cli = join(root, 'dist', 'cli.js');

const TINY = `# a tiny experiment for the CLI tests
tiny:
  algo: ppo
  env: CartPole-v1
  seed: 5
  n_envs: 2
  n_timesteps: 2000
  n_steps: 64
  batch_size: 64
  n_epochs: 2
  policy_kwargs: "dict(net_arch=[16, 16])"

long:
  algo: ppo
  env: CartPole-v1
  seed: 5
  n_envs: 2
  n_timesteps: 10000000
  n_steps: 64
  batch_size: 64
  n_epochs: 2
`;

const temps: string[] = [];
/** A workspace folder (it has a package.json) holding `tiny.rl.yaml` with `text`. */
function workspace(text = TINY): string {
  const dir = mkdtempSync(join(tmpdir(), 'rl-lab-cli-'));
  temps.push(dir);
  writeFileSync(join(dir, 'package.json'), '{"name": "ws"}\n');
  mkdirSync(join(dir, 'experiments'));
  writeFileSync(join(dir, 'experiments', 'tiny.rl.yaml'), text);
  return dir;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], cwd: string): Promise<Result> {
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

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${stderr}`);
  return lines[0]!;
}

before(() => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--only=cli'], { cwd: root, stdio: 'inherit' });
});
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('rl-lab CLI', { timeout: 180_000 }, () => {
  it('trains with --json and records the run in the workspace', async () => {
    const ws = workspace();
    const r = await runCli(['train', 'experiments/tiny.rl.yaml#tiny', '--json', '--set', 'gamma=0.95'], ws);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const start = events[0]!;
    const end = events[events.length - 1]!;
    assert.equal(start.event, 'start');
    assert.equal(typeof start.backend, 'string');
    assert.ok(Array.isArray(start.backend_notes));
    assert.equal((start.config as { hyperparameters: { gamma: number } }).hyperparameters.gamma, 0.95);
    assert.equal(end.event, 'end');
    assert.equal(end.run_id, start.run_id);
    assert.equal(end.status, 'completed');
    assert.ok((end.global_step as number) >= 2000);
    assert.ok((end.sps as number) > 0);
    assert.ok(end.mean_return_last_20 === null || typeof end.mean_return_last_20 === 'number');
    for (const e of events.slice(1, -1)) assert.equal(e.event, 'progress');

    const runDir = end.run_dir as string;
    assert.equal(runDir, join(ws, '.rl-lab', 'runs', end.run_id as string), 'runs go to <workspace>/.rl-lab/runs');
    assert.deepEqual(readdirSync(runDir).sort(), ['checkpoints', 'config.yaml', 'metrics.jsonl', 'playback.json', 'run.json']);
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    assert.equal(run.status, 'completed');
    assert.equal(run.file, 'experiments/tiny.rl.yaml');
    assert.equal(run.experiment, 'tiny');
    assert.equal(run.seed, 5);
    assert.equal(run.backend, start.backend);
    assert.equal(run.globalStep, end.global_step);
    assert.match(run.id, /^tiny_CartPole-v1_ppo_s5_\d{8}-\d{6}_[0-9a-f]{4}$/);
    const config = parse(readFileSync(join(runDir, 'config.yaml'), 'utf8'));
    assert.equal(config.hyperparameters.gamma, 0.95);
    assert.equal(config.hyperparameters.clip_range, 0.2, 'defaults are filled in');
    const rows = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(rows.length > 0);
    assert.ok(rows.every((row) => typeof row.step === 'number' && typeof row.time === 'number'));
  });

  it('--set takes Python-dict values as the file does (normalize, policy_kwargs with a tuple)', async () => {
    const ws = workspace();
    const r = await runCli(
      ['train', 'experiments/tiny.rl.yaml#tiny', '--json', '--set', 'n_timesteps=128',
        '--set', "normalize={'norm_obs': True, 'norm_reward': False, 'clip_obs': 5.}",
        '--set', "policy_kwargs={'net_arch': (8, 8), 'activation_fn': nn.ReLU}"],
      ws,
    );
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const end = events[events.length - 1]!;
    assert.equal(end.status, 'completed');
    const config = parse(readFileSync(join(end.run_dir as string, 'config.yaml'), 'utf8'));
    assert.deepEqual(config.normalize, { norm_obs: true, norm_reward: false, clip_obs: 5, clip_reward: 10, gamma: 0.99, epsilon: 1e-8 });
    assert.deepEqual(config.policy_kwargs.net_arch, { pi: [8, 8], vf: [8, 8] });
    assert.equal(config.policy_kwargs.activation_fn, 'relu');
  });

  it('stops cleanly on Ctrl-C (SIGINT), keeping what was written', async () => {
    const ws = workspace();
    const child = spawn(process.execPath, [cli, 'train', 'experiments/tiny.rl.yaml#long', '--json'], { cwd: ws });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const events: Record<string, unknown>[] = [];
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let interrupted = false;
    for await (const line of createInterface({ input: child.stdout })) {
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      // The first progress line means training is under way.
      if (event.event === 'progress' && !interrupted) {
        interrupted = true;
        child.kill('SIGINT');
      }
    }
    const code = await exited;
    const end = events[events.length - 1]!;
    assert.equal(end.event, 'end', stderr);
    assert.equal(end.status, 'stopped');
    assert.equal(code, 130);
    assert.ok((end.global_step as number) > 0 && (end.global_step as number) < 10_000_000);
    const runDir = end.run_dir as string;
    assert.equal(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).status, 'stopped');
    assert.ok(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').length > 0);
  });

  describe('bad input: one line naming file and line, non-zero exit, no run folder', () => {
    const cases: { name: string; edit: (t: string) => string; target?: string; expect: (text: string) => RegExp }[] = [
      {
        name: 'unknown key',
        edit: (t) => t.replace('  n_epochs: 2\n', '  n_epochs: 2\n  clip_rnage: 0.1\n'),
        expect: (t) => new RegExp(`^experiments/tiny\\.rl\\.yaml:${lineOf(t, 'clip_rnage')}: .*clip_rnage.*clip_range`),
      },
      {
        name: 'out-of-range value',
        edit: (t) => t.replace('  n_epochs: 2\n', '  n_epochs: 2\n  clip_range: -1\n'),
        expect: (t) => new RegExp(`^experiments/tiny\\.rl\\.yaml:${lineOf(t, 'clip_range: -1')}: .*clip_range.*-1`),
      },
      {
        name: 'malformed YAML',
        edit: (t) => t.replace('  seed: 5\n', '  seed: [5, 6\n'),
        expect: () => /^experiments\/tiny\.rl\.yaml:\d+: /,
      },
      {
        name: 'unknown experiment',
        edit: (t) => t,
        target: 'experiments/tiny.rl.yaml#tinny',
        expect: () => /^experiments\/tiny\.rl\.yaml:\d+: .*tinny/,
      },
      {
        name: 'missing file',
        edit: (t) => t,
        target: 'experiments/missing.rl.yaml',
        expect: () => /^experiments\/missing\.rl\.yaml: file not found$/,
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const text = c.edit(TINY);
        const ws = workspace(text);
        const r = await runCli(['train', c.target ?? 'experiments/tiny.rl.yaml', '--json'], ws);
        assert.equal(r.code, 2, r.stderr);
        assert.match(oneLine(r.stderr), c.expect(text));
        assert.equal(r.stdout, '');
        assert.equal(existsSync(join(ws, '.rl-lab')), false);
      });
    }

    it('a bad --set value', async () => {
      const ws = workspace();
      const r = await runCli(['train', 'experiments/tiny.rl.yaml', '--set', 'n_epochs=0'], ws);
      assert.equal(r.code, 2);
      assert.match(oneLine(r.stderr), /^experiments\/tiny\.rl\.yaml:\d+: .*n_epochs/);
    });

    it('an unknown option', async () => {
      const r = await runCli(['train', 'x.rl.yaml', '--sed', '3'], workspace());
      assert.equal(r.code, 2);
      assert.match(oneLine(r.stderr), /^rl-lab: .*--sed/);
    });
  });

  it('--help lists the options and every PPO hyperparameter; --version prints the version', async () => {
    const ws = workspace();
    const help = await runCli(['--help'], ws);
    assert.equal(help.code, 0);
    for (const text of ['--seed', '--set', '--backend', '--json', '--runs-dir', 'clip_range', 'gae_lambda', 'target_kl', 'n_timesteps']) {
      assert.ok(help.stdout.includes(text), `help mentions ${text}`);
    }
    const version = await runCli(['--version'], ws);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });
});
