/**
 * The tabular algorithms (server/src/training/algos/tabular/): their estimates against values
 * computed here independently from the model, dynamic programming's fixed points, metrics,
 * checkpoints and resume, q_table.json in the run folder, and the editor's diagnostics/hover.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { editorDocument, hover } from '../../server/src/editor';
import { loadExperimentConfig } from '../../server/src/experiments';
import type { ResolvedConfig } from '../../server/src/schema';
import { createTabular } from '../../server/src/training/algos/tabular';
import { policyEvaluationSweep, valueIterationSweep } from '../../server/src/training/algos/tabular/dynamicProgramming';
import { epsilonAt } from '../../server/src/training/algos/tabular/exploration';
import { QTable } from '../../server/src/training/algos/tabular/qTable';
import { Q_TABLE_FILE, type ValueTable } from '../../server/src/training/algos/tabular/valueTable';
import type { AlgoCheckpoint } from '../../server/src/training/algos/checkpoint';
import { train } from '../../server/src/training/engine';
import type { DiscreteModel } from '../../server/src/training/envs/toyText/model';
import { toyTextModel } from '../../server/src/training/envs/toyText/specs';
import { trainAndRecord } from '../../server/src/training/recordRun';
import { readValueTable } from '../../server/src/training/valueTableFile';
import { createRun } from '../../server/src/training/runStore';
import { Rng } from '../../server/src/training/rng';
import type { MetricRow } from '../../server/src/training/types';

function config(yaml: string, overrides: string[] = []): ResolvedConfig {
  const loaded = loadExperimentConfig(`e:\n${yaml.replace(/^/gm, '  ')}\n`, '/ws/e.rl.yaml', 'e', overrides);
  if ('error' in loaded) throw new Error(`line ${loaded.error.line}: ${loaded.error.message}`);
  return loaded.config;
}

async function run(c: ResolvedConfig): Promise<{ rows: MetricRow[]; table: ValueTable; status: string; meanReturn?: number }> {
  const rows: MetricRow[] = [];
  let table: ValueTable | undefined;
  const result = await train(c, {
    onMetrics: (r) => rows.push(r),
    onValueTable(t, final) {
      if (final) table = t;
    },
  });
  assert.equal(result.status, 'completed', result.error);
  assert.ok(table);
  return { rows, table, status: result.status, ...(result.meanReturn !== undefined ? { meanReturn: result.meanReturn } : {}) };
}

/** sum_{s'} p (r + gamma v(s')) for one pair, straight from the table. */
function backupOf(m: DiscreteModel, v: Float64Array, s: number, a: number, gamma: number): number {
  let sum = 0;
  for (const [p, n, r, d] of m.P[s][a]) sum += p * (r + (d ? 0 : gamma * v[n]));
  return sum;
}

/**
 * Q of the uniformly random policy (combine = mean) or Q* (combine = max), by plain synchronous
 * sweeps written here rather than the engine's in-place ones.
 */
function modelQ(m: DiscreteModel, gamma: number, combine: 'mean' | 'max', sweeps = 1000): number[][] {
  let v = new Float64Array(m.nS);
  for (let i = 0; i < sweeps; i++) {
    const next = new Float64Array(m.nS);
    for (let s = 0; s < m.nS; s++) {
      let acc = combine === 'max' ? -Infinity : 0;
      for (let a = 0; a < m.nA; a++) {
        const x = backupOf(m, v, s, a, gamma);
        acc = combine === 'max' ? Math.max(acc, x) : acc + x / m.nA;
      }
      next[s] = acc;
    }
    v = next;
  }
  return Array.from({ length: m.nS }, (_, s) => Array.from({ length: m.nA }, (_, a) => backupOf(m, v, s, a, gamma)));
}
const randomPolicyQ = (m: DiscreteModel, gamma: number) => modelQ(m, gamma, 'mean');
const optimalQ = (m: DiscreteModel, gamma: number) => modelQ(m, gamma, 'max');

/** Largest |a - b| over the non-terminal states of FrozenLake 4x4 (holes and goal are never left). */
function maxDiff(a: number[][], b: number[][], skip: number[]): number {
  let d = 0;
  a.forEach((row, s) => {
    if (!skip.includes(s)) row.forEach((x, i) => (d = Math.max(d, Math.abs(x - b[s][i]))));
  });
  return d;
}

const LAKE_TERMINALS = [5, 7, 11, 12, 15];
const RANDOM_BEHAVIOUR = 'exploration_initial_eps: 1.0\nexploration_final_eps: 1.0';

describe('tabular estimates converge to the values of the model', () => {
  const lake = toyTextModel('FrozenLake-v1', { is_slippery: false });
  const qRandom = randomPolicyQ(lake, 0.9);
  const qStar = optimalQ(lake, 0.9);

  it('first-visit Monte-Carlo with epsilon = 1 averages returns into Q of the random policy', async () => {
    const { table } = await run(config(`algo: mc_control\nenv: FrozenLake-v1\nenv_kwargs: {is_slippery: false}\nseed: 1\nn_timesteps: 300000\ngamma: 0.9\n${RANDOM_BEHAVIOUR}`));
    const d = maxDiff(table.q, qRandom, LAKE_TERMINALS);
    // Sample averages of ~40,000 short random episodes: rarely visited pairs keep some noise.
    assert.ok(d < 0.04, `max |Q_mc - Q_random| = ${d}`);
  });

  it('Sarsa and expected Sarsa with epsilon = 1 learn Q of the random policy; Q-learning learns Q* from the same behaviour', async () => {
    const common = `env: FrozenLake-v1\nenv_kwargs: {is_slippery: false}\nseed: 2\nn_timesteps: 300000\ngamma: 0.9\n${RANDOM_BEHAVIOUR}`;
    // Sarsa's target samples a': noisy, so a small decaying step size and a tolerance.
    const sarsa = maxDiff((await run(config(`algo: sarsa\n${common}\nlearning_rate: lin_0.02`, ['n_timesteps=600000']))).table.q, qRandom, LAKE_TERMINALS);
    assert.ok(sarsa < 0.04, `sarsa: max |Q - Q_random| = ${sarsa}`);
    // Expected Sarsa and Q-learning have deterministic targets on this deterministic lake: they converge exactly.
    const expected = maxDiff((await run(config(`algo: expected_sarsa\n${common}\nlearning_rate: lin_0.2`))).table.q, qRandom, LAKE_TERMINALS);
    assert.ok(expected < 1e-6, `expected_sarsa: max |Q - Q_random| = ${expected}`);
    const q = (await run(config(`algo: q_learning\n${common}\nlearning_rate: lin_0.2`))).table.q;
    assert.ok(maxDiff(q, qStar, LAKE_TERMINALS) < 1e-6, `q_learning: max |Q - Q*| = ${maxDiff(q, qStar, LAKE_TERMINALS)}`);
    // Off-policy vs on-policy in one number: from the start, Q* sees the goal, Q_random barely.
    assert.ok(q[0][1] > qRandom[0][1] + 0.3);
  });

  it('value and policy iteration agree, satisfy the Bellman optimality equation, and log value_delta per sweep', async () => {
    for (const env of ['Taxi-v3', 'CliffWalking-v0', 'FrozenLake8x8-v1']) {
      const m = toyTextModel(env);
      const vi = await run(config(`algo: value_iteration\nenv: ${env}\nseed: 1\ngamma: 0.95\ntheta: !!float 1e-12\neval_episodes: 10`));
      const pi = await run(config(`algo: policy_iteration\nenv: ${env}\nseed: 1\ngamma: 0.95\ntheta: !!float 1e-12\neval_episodes: 10`));
      vi.table.v.forEach((x, s) => assert.ok(Math.abs(x - pi.table.v[s]) < 1e-8, `${env} V(${s}): ${x} vs ${pi.table.v[s]}`));
      const residual = new Float64Array(vi.table.v);
      assert.ok(valueIterationSweep(m, residual, 0.95) < 1e-9, `${env}: V is a fixed point of the optimality backup`);
      const qStarHere = optimalQ(m, 0.95);
      qStarHere.forEach((row, s) => assert.ok(Math.abs(Math.max(...row) - vi.table.v[s]) < 1e-6, `${env} V*(${s})`));
      const deltas = vi.rows.map((r) => r['charts/value_delta']).filter((x): x is number => typeof x === 'number');
      assert.equal(deltas.length, vi.rows.at(-1)!.step);
      assert.ok(deltas.at(-1)! < 1e-12);
      // The greedy policy of V is optimal: its own value (policy evaluation) equals V*.
      const v = new Float64Array(m.nS);
      for (let i = 0; i < 1000; i++) policyEvaluationSweep(m, v, Int32Array.from(vi.table.policy), 0.95);
      v.forEach((x, s) => assert.ok(Math.abs(x - vi.table.v[s]) < 1e-6, `${env} V_pi(${s})`));
    }
  });
});

describe('tabular runs', () => {
  const root = mkdtempSync(join(tmpdir(), 'rl-lab-tabular-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('log episodic return, epsilon, learning rate and mean |TD error|; epsilon follows the schedules', async () => {
    const c = config('algo: q_learning\nenv: CliffWalking-v0\nseed: 4\nn_timesteps: 10000\nlearning_rate: lin_0.5\nexploration_fraction: 0.5');
    const { rows } = await run(c);
    assert.equal(rows.length, 10);
    assert.deepEqual(rows.map((r) => r.step), [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
    for (const key of ['charts/epsilon', 'charts/learning_rate', 'losses/td_error', 'charts/SPS']) assert.ok(rows.every((r) => typeof r[key] === 'number'), key);
    assert.ok(rows.some((r) => typeof r['charts/episodic_return'] === 'number'));
    // Linear: 1 -> 0.05 over the first half; learning rate 0.5 * progress_remaining.
    assert.ok(Math.abs((rows[1]['charts/epsilon'] as number) - (1 + 0.4 * (0.05 - 1))) < 1e-12);
    assert.equal(rows[6]['charts/epsilon'], 0.05);
    assert.ok(Math.abs((rows[3]['charts/learning_rate'] as number) - 0.5 * 0.6) < 1e-12);
    // Exponential: initial * decay^episodes, floored at final.
    const p = { exploration_schedule: 'exponential' as const, exploration_initial_eps: 1, exploration_final_eps: 0.01, exploration_fraction: 0.5, exploration_decay: 0.9 };
    assert.equal(epsilonAt(p, 0.7, 0), 1);
    assert.ok(Math.abs(epsilonAt(p, 0.7, 10) - 0.9 ** 10) < 1e-15);
    assert.equal(epsilonAt(p, 0.7, 100), 0.01);
    const exp = await run(config('algo: sarsa\nenv: Taxi-v3\nseed: 4\nn_timesteps: 5000\nexploration_schedule: exponential\nexploration_decay: 0.9\nexploration_final_eps: 0.01'));
    const eps = exp.rows.map((r) => r['charts/epsilon'] as number);
    assert.ok(eps.every((e, i) => i === 0 || e <= eps[i - 1]) && eps[0] < 1 && eps.at(-1)! >= 0.01, `epsilon ${eps}`);
  });

  it('the same seed gives the same table; another seed another one', async () => {
    const yaml = 'algo: expected_sarsa\nenv: FrozenLake-v1\nn_timesteps: 5000';
    const a = await run(config(`${yaml}\nseed: 9`));
    assert.deepEqual((await run(config(`${yaml}\nseed: 9`))).table.q, a.table.q);
    assert.notDeepEqual((await run(config(`${yaml}\nseed: 10`))).table.q, a.table.q);
  });

  it('stopping and resuming from the checkpoint gives exactly the table of an uninterrupted run', async () => {
    for (const algo of ['q_learning', 'mc_control']) {
      const c = config(`algo: ${algo}\nenv: Taxi-v3\nseed: 5\nn_timesteps: 20000`);
      const whole = await run(c);
      // Stop at the first chunk boundary past 8,000 steps; the final checkpoint is taken there.
      let checkpoint: AlgoCheckpoint | undefined;
      let step = 0;
      const stopped = await train(c, {
        onMetrics: (r) => (step = r.step),
        shouldStop: () => step >= 8000,
        onCheckpoint: (ck, final) => {
          if (final) checkpoint = JSON.parse(JSON.stringify(ck)) as AlgoCheckpoint;
        },
      });
      assert.equal(stopped.status, 'stopped');
      assert.ok(checkpoint && checkpoint.globalStep >= 8000 && checkpoint.globalStep < 20000);
      let resumed: ValueTable | undefined;
      const result = await train(c, { onMetrics() {}, onValueTable: (t, final) => final && (resumed = t) }, { resume: checkpoint });
      assert.equal(result.status, 'completed', result.error);
      assert.deepEqual(resumed!.q, whole.table.q, algo);
    }
  });

  it('a recorded run saves q_table.json (values, state values, greedy policy) and a playback of the greedy policy', async () => {
    const c = config('algo: value_iteration\nenv: FrozenLake-v1\nseed: 3\neval_episodes: 50');
    const r = createRun({ runsDir: join(root, 'runs'), workspaceRoot: root, filePath: join(root, 'e.rl.yaml'), config: c });
    const { result } = await trainAndRecord({ runDir: r.runDir, config: c, backend: 'cpu', shouldStop: () => false });
    assert.equal(result?.status, 'completed', result?.error);
    const saved = JSON.parse(readFileSync(join(r.runDir, Q_TABLE_FILE), 'utf8')) as ValueTable;
    assert.equal(saved.env, 'FrozenLake-v1');
    assert.equal(saved.algo, 'value_iteration');
    assert.equal(saved.q.length, 16);
    assert.equal(saved.policy[14], 1);
    assert.ok(saved.v[14] > saved.v[0] && saved.v[0] > 0);
    assert.deepEqual(saved.grid?.tiles?.join(''), 'SFFFFHFHFFFHHFFG');
    assert.deepEqual(saved.grid?.actionSymbols, ['←', '↓', '→', '↑']);
    // Playback on the grid: frames are state indices, the grid comes in the meta.
    const playback = JSON.parse(readFileSync(join(r.runDir, 'playback.json'), 'utf8')) as { frames: number[][]; env: string; meta?: { grid?: { rows: number } } };
    assert.equal(playback.env, 'FrozenLake-v1');
    assert.deepEqual(playback.frames[0], [0]); // render state: the state index, after the reset
    assert.equal(playback.meta?.grid?.rows, 4);
    // The live table is read back the way the language server answers RunValueTable.
    assert.deepEqual(readValueTable(r.runDir), saved);
  });

  it('a tabular algorithm on a continuous-observation env fails with a clear error', async () => {
    const c = { ...config('algo: q_learning\nenv: FrozenLake-v1'), env: 'CartPole-v1' };
    assert.throws(() => createTabular(c), /needs a discrete observation space/);
  });

  it('QTable: greedy ties are broken at random, argmax takes the first; expected value of epsilon-greedy', () => {
    const q = new QTable(1, 4);
    q.set(0, 1, 2);
    q.set(0, 3, 2);
    assert.equal(q.argmax(0), 1);
    const rng = new Rng(1);
    const picks = new Set(Array.from({ length: 50 }, () => q.greedy(0, rng)));
    assert.deepEqual([...picks].sort(), [1, 3]);
    // eps/4 * (0 + 2 + 0 + 2) + (1 - eps) * 2
    assert.ok(Math.abs(q.expectedEpsilonGreedy(0, 0.2) - (0.2 * 1 + 0.8 * 2)) < 1e-12);
  });
});

describe('tabular algorithms in the editor', () => {
  it('a tabular algorithm on an env without discrete observations is an error on env; toy-text envs are fine', () => {
    const bad = loadExperimentConfig('e:\n  algo: sarsa\n  env: CartPole-v1\n', '/ws/e.rl.yaml', 'e');
    assert.ok('error' in bad);
    assert.equal(bad.error.key, 'env');
    assert.match(bad.error.message, /needs a discrete observation space .* FrozenLake-v1/);
    for (const env of ['FrozenLake-v1', 'FrozenLake8x8-v1', 'CliffWalking-v0', 'CliffWalking-v1', 'Taxi-v3']) {
      assert.ok('config' in loadExperimentConfig(`e:\n  algo: q_learning\n  env: ${env}\n`, '/ws/e.rl.yaml', 'e'), env);
    }
    // Neural algorithms train on the one-hot observations.
    assert.ok('config' in loadExperimentConfig('e:\n  algo: dqn\n  env: Taxi-v3\n', '/ws/e.rl.yaml', 'e'));
  });

  it('hover on each tabular algorithm shows its update rule', () => {
    const rules: Record<string, RegExp> = {
      q_learning: /r \+ gamma \* max_a' Q\(s',a'\)/,
      sarsa: /r \+ gamma \* Q\(s',a'\)/,
      expected_sarsa: /sum_a' pi\(a'\|s'\) Q\(s',a'\)/,
      mc_control: /first visit[\s\S]*average of the returns/,
      value_iteration: /V\(s\) <- max_a sum_\{s',r\} p\(s',r\|s,a\)/,
      policy_iteration: /pi\(s\) <- argmax_a/,
    };
    for (const [algo, rule] of Object.entries(rules)) {
      const h = hover(editorDocument(`e:\n  algo: ${algo}\n  env: Taxi-v3\n`, 'file:///ws/e.rl.yaml'), { line: 1, character: 9 });
      assert.ok(h && typeof h.contents === 'object' && 'value' in h.contents, algo);
      assert.match(h.contents.value, rule, algo);
    }
    const lr = hover(editorDocument('e:\n  algo: sarsa\n  env: Taxi-v3\n  learning_rate: 0.1\n', 'file:///ws/e.rl.yaml'), { line: 3, character: 4 });
    assert.ok(lr && typeof lr.contents === 'object' && 'value' in lr.contents);
    assert.match(lr.contents.value, /Q\(s,a\) <- Q\(s,a\) \+ alpha \* \[ r \+ gamma \* Q\(s',a'\) - Q\(s,a\) \]/);
  });
});
