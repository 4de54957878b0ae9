/**
 * `node dist/cli.js env replay|list` (built here) against Gymnasium's own trajectories for every
 * classic-control environment: ../shared/reference and test/fixtures/reference.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { assertTrajectory, loadReference, repoRoot, startState, type RefEpisode, type Trajectory } from '../helpers/reference';

const cli = join(repoRoot, 'dist', 'cli.js');
const run = promisify(execFile);

const CLASSIC_CONTROL = ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0', 'MountainCarContinuous-v0', 'Pendulum-v1'];

async function replay(envId: string, state: number[], actions: unknown[]): Promise<Trajectory> {
  const { stdout } = await run(process.execPath, [
    cli,
    'env',
    'replay',
    '--env',
    envId,
    '--state',
    JSON.stringify(state),
    '--actions',
    JSON.stringify(actions),
  ]);
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'one JSON object');
  return JSON.parse(lines[0]) as Trajectory;
}

function episodes(envId: string): { name: string; ep: RefEpisode }[] {
  const ref = loadReference(envId);
  return [
    ...ref.episodes.map((ep) => ({ name: `reset(seed=${ep.seed})`, ep })),
    ...ref.state_episodes.map((ep) => ({ name: `set_state ${JSON.stringify(ep.set_state)}`, ep })),
  ];
}

describe('rl-lab env', () => {
  before(() => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--only=cli'], { cwd: repoRoot, stdio: 'inherit' });
  });

  for (const envId of CLASSIC_CONTROL) {
    it(`env replay agrees with Gymnasium on ${envId} to 1e-6`, async () => {
      const eps = episodes(envId);
      assert.ok(eps.length >= 6, `${envId}: reset and set_state episodes`);
      const results = await Promise.all(eps.map(({ ep }) => replay(envId, startState(ep), ep.steps.map((s) => s.action))));
      eps.forEach(({ name, ep }, i) => assertTrajectory(results[i], ep, 1e-6, `${envId} ${name}`));
    });
  }

  it('env replay stops when the episode ends, even with actions left', async () => {
    const ended = episodes('MountainCar-v0').find(({ ep }) => ep.steps.at(-1)!.terminated)!.ep;
    const actions = [...ended.steps.map((s) => s.action), 0, 1, 2];
    const got = await replay('MountainCar-v0', startState(ended), actions);
    assert.equal(got.obs.length, ended.steps.length);
    assert.equal(got.terminated.at(-1), true);
  });

  it('env replay truncates at the step limit counted from the reset', async () => {
    // Pendulum never terminates: 205 actions give exactly 200 steps, the last one truncated.
    const got = await replay('Pendulum-v1', [0.5, 0], Array.from({ length: 205 }, () => [0.1]));
    assert.equal(got.obs.length, 200);
    assert.deepEqual(got.truncated.map((t, i) => [i, t]).filter(([, t]) => t), [[199, true]]);
  });

  it('env list --json lists every environment with spaces, threshold and step limit', () => {
    const out = execFileSync(process.execPath, [cli, 'env', 'list', '--json'], { encoding: 'utf8' });
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 1);
    const { envs } = JSON.parse(lines[0]) as {
      envs: {
        id: string;
        observation_space: { kind: string; shape: number[]; low: number[]; high: number[] };
        action_space: { kind: string; n?: number; shape?: number[]; low?: number[]; high?: number[] };
        reward_threshold: number | null;
        max_episode_steps: number;
      }[];
    };
    const byId = new Map(envs.map((e) => [e.id, e]));
    const expected: [string, number | null, number, string, number[]][] = [
      ['CartPole-v1', 475, 500, 'discrete', [4]],
      ['Acrobot-v1', -100, 500, 'discrete', [6]],
      ['MountainCar-v0', -110, 200, 'discrete', [2]],
      ['MountainCarContinuous-v0', 90, 999, 'box', [2]],
      ['Pendulum-v1', null, 200, 'box', [3]],
    ];
    for (const [id, threshold, limit, actionKind, obsShape] of expected) {
      const e = byId.get(id);
      assert.ok(e, `${id} listed`);
      assert.equal(e.reward_threshold, threshold, `${id} threshold`);
      assert.equal(e.max_episode_steps, limit, `${id} step limit`);
      assert.equal(e.action_space.kind, actionKind, `${id} action space`);
      assert.deepEqual(e.observation_space.shape, obsShape, `${id} observation shape`);
      assert.equal(e.observation_space.low.length, obsShape[0]);
    }
    assert.equal(byId.get('Acrobot-v1')!.action_space.n, 3);
    assert.deepEqual(byId.get('MountainCarContinuous-v0')!.action_space, { kind: 'box', shape: [1], low: [-1], high: [1] });
    assert.deepEqual(byId.get('MountainCar-v0')!.observation_space.high, [0.6, 0.07]);
  });

  it('env list prints a table without --json', () => {
    const out = execFileSync(process.execPath, [cli, 'env', 'list'], { encoding: 'utf8' });
    assert.match(out, /^MountainCarContinuous-v0 +Box\(2\) +Box\(1\) \[-1, 1\] +90 +999$/m);
    assert.match(out, /^Acrobot-v1 +Box\(6\) +Discrete\(3\) +-100 +500$/m);
    assert.match(out, /^text\/sort-digits +"sort 5281:" -> "1258"$/m);
    assert.match(out, /^text\/dataset +text from the experiment's dataset/m);
  });

  it('env list --json lists the text tasks of the language-model stages', () => {
    const { text_envs } = JSON.parse(execFileSync(process.execPath, [cli, 'env', 'list', '--json'], { encoding: 'utf8' })) as {
      text_envs: { id: string; reward_range?: number[]; env_kwargs?: Record<string, number> }[];
    };
    assert.deepEqual(text_envs.map((t) => t.id), ['text/sort-digits', 'text/target-sum', 'text/positive-words', 'text/dataset']);
    assert.deepEqual(text_envs[0].env_kwargs, { min_digits: 3, max_digits: 6 });
    assert.deepEqual(text_envs[0].reward_range, [0, 1]);
  });

  it('bad input: one line on stderr, exit code 2', () => {
    const bad: string[][] = [
      ['env', 'replay', '--env', 'Nope-v0', '--state', '[0]', '--actions', '[]'],
      ['env', 'replay', '--env', 'CartPole-v1', '--state', '[0, 0]', '--actions', '[]'],
      ['env', 'replay', '--env', 'CartPole-v1', '--state', '[0, 0, 0, "x"]', '--actions', '[]'],
      ['env', 'replay', '--env', 'CartPole-v1', '--state', '[0, 0, 0, 0]', '--actions', '[2]'],
      ['env', 'replay', '--env', 'Acrobot-v1', '--state', '[0, 0, 0, 0]', '--actions', '[0.5]'],
      ['env', 'replay', '--env', 'Pendulum-v1', '--state', '[0, 0]', '--actions', '[1]'],
      ['env', 'replay', '--env', 'MountainCarContinuous-v0', '--state', '[0, 0]', '--actions', '[[1, 2]]'],
      ['env', 'replay', '--env', 'Pendulum-v1', '--state', '[0, 0]', '--actions', 'not json'],
      ['env', 'replay', '--env', 'Pendulum-v1', '--state', '[0, 0]'],
      ['env', 'list', '--bogus'],
      ['env', 'fly'],
    ];
    for (const args of bad) {
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${args.join(' ')}: exit code (stderr ${r.stderr})`);
      assert.equal(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `${args.join(' ')}: one line, got ${r.stderr}`);
      assert.match(lines[0], /^rl-lab: env/);
    }
  });

  it('--help mentions the env commands', () => {
    const out = execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    assert.match(out, /rl-lab env list \[--json\]/);
    assert.match(out, /rl-lab env replay --env ID --state JSON --actions JSON/);
  });
});
