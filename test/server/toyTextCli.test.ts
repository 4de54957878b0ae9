/**
 * `node dist/cli.js env replay` on the toy-text environments: the state is the discrete state
 * index ([s]) and each observation is [index], as Gymnasium's Discrete observations.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { repoRoot } from '../helpers/reference';

const cli = join(repoRoot, 'dist', 'cli.js');
const run = promisify(execFile);

interface Replay {
  obs: number[][];
  rewards: number[];
  terminated: boolean[];
  truncated: boolean[];
}

async function replay(env: string, state: number[], actions: number[], kwargs?: Record<string, unknown>): Promise<Replay> {
  const args = [cli, 'env', 'replay', '--env', env, '--state', JSON.stringify(state), '--actions', JSON.stringify(actions)];
  if (kwargs) args.push('--env-kwargs', JSON.stringify(kwargs));
  const { stdout } = await run(process.execPath, args);
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'one JSON object');
  return JSON.parse(lines[0]) as Replay;
}

describe('rl-lab env replay on toy-text environments', () => {
  before(() => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--only=cli'], { cwd: repoRoot, stdio: 'inherit' });
  });

  it('CliffWalking-v0: a fall costs -100 and returns to the start (not terminal); the goal terminates and ends the replay', async () => {
    const fall = await replay('CliffWalking-v0', [25], [2]);
    assert.deepEqual(fall, { obs: [[36]], rewards: [-100], terminated: [false], truncated: [false] });
    const goal = await replay('CliffWalking-v0', [34], [1, 2, 0, 0]);
    assert.deepEqual(goal, { obs: [[35], [47]], rewards: [-1, -1], terminated: [false, true], truncated: [false, false] });
  });

  it('FrozenLake: env kwargs, the goal reward, the 8x8 map', async () => {
    const lake = await replay('FrozenLake-v1', [14], [2], { is_slippery: false });
    assert.deepEqual(lake, { obs: [[15]], rewards: [1], terminated: [true], truncated: [false] });
    // Along the top row and down the right edge of the 8x8 map.
    const big = await replay('FrozenLake8x8-v1', [0], [...new Array(7).fill(2), ...new Array(7).fill(1)], { is_slippery: false });
    assert.deepEqual(big.obs.map(([s]) => s), [1, 2, 3, 4, 5, 6, 7, 15, 23, 31, 39, 47, 55, 63]);
    assert.equal(big.rewards.reduce((a, b) => a + b, 0), 1);
    assert.equal(big.terminated.at(-1), true);
    // Slippery replays are reproducible (the slips are drawn from a fixed seed).
    const slip = await replay('FrozenLake-v1', [0], [1, 1, 2, 1, 2, 2]);
    assert.deepEqual(await replay('FrozenLake-v1', [0], [1, 1, 2, 1, 2, 2]), slip);
  });

  it('Taxi-v3: pickup, drive, deliver for +20; the 200-step limit', async () => {
    // Taxi at Y (4, 0) with the passenger there, destination R: state ((4 * 5 + 0) * 5 + 2) * 4 + 0 = 408.
    const trip = await replay('Taxi-v3', [408], [4, 1, 1, 1, 1, 5]);
    assert.deepEqual(trip.obs.map(([s]) => s), [416, 316, 216, 116, 16, 0]);
    assert.deepEqual(trip.rewards, [-1, -1, -1, -1, -1, 20]);
    assert.deepEqual(trip.terminated, [false, false, false, false, false, true]);
    const long = await replay('Taxi-v3', [0], new Array(205).fill(0));
    assert.equal(long.obs.length, 200);
    assert.deepEqual(long.truncated.flatMap((t, i) => (t ? [i] : [])), [199]);
  });

  it('a state outside the table is a usage error', async () => {
    await assert.rejects(run(process.execPath, [cli, 'env', 'replay', '--env', 'FrozenLake-v1', '--state', '[16]', '--actions', '[0]']), (e: { code?: number; stderr?: string }) => {
      assert.equal(e.code, 2);
      assert.match(e.stderr ?? '', /integer state index in 0\.\.15/);
      return true;
    });
  });

  it('env list shows Discrete observations and no step limit for CliffWalking', () => {
    const out = execFileSync(process.execPath, [cli, 'env', 'list'], { encoding: 'utf8' });
    assert.match(out, /^Taxi-v3 +Discrete\(500\) +Discrete\(6\) +8 +200$/m);
    assert.match(out, /^CliffWalking-v0 +Discrete\(48\) +Discrete\(4\) +- +-$/m);
    const { envs } = JSON.parse(execFileSync(process.execPath, [cli, 'env', 'list', '--json'], { encoding: 'utf8' })) as {
      envs: { id: string; observation_space: unknown; max_episode_steps: number | null }[];
    };
    const frozen = envs.find((e) => e.id === 'FrozenLake-v1')!;
    assert.deepEqual(frozen.observation_space, { kind: 'discrete', n: 16 });
    assert.equal(envs.find((e) => e.id === 'CliffWalking-v0')!.max_episode_steps, null);
  });
});
