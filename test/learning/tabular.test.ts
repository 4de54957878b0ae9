/**
 * Learning tests of the tabular methods on Gymnasium's toy-text environments, with the
 * experiments of examples/tabular.rl.yaml (fixed seeds; each runs in well under a second):
 *   - value iteration finds the optimal policy of slippery FrozenLake 4x4 (success > 0.7 over
 *     1,000 episodes; Gymnasium's reward threshold is 0.70, the optimum about 0.74);
 *   - the textbook Sarsa / Q-learning difference on CliffWalking (Sutton & Barto, Example 6.6):
 *     Sarsa's greedy path keeps away from the cliff, Q-learning's runs right along it;
 *   - Q-learning on Taxi-v3: the greedy policy's mean return is above 7 (optimum about 8.46).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import type { ResolvedConfig } from '../../server/src/schema';
import { evaluateTabularPolicy, tabularTask } from '../../server/src/training/algos/tabular/task';
import type { ValueTable } from '../../server/src/training/algos/tabular/valueTable';
import { train } from '../../server/src/training/engine';
import { makeEnv } from '../../server/src/training/envs/registry';
import { CLIFF_COLS, CLIFF_GOAL, CLIFF_START } from '../../server/src/training/envs/toyText/cliffWalking';
import { Rng } from '../../server/src/training/rng';
import type { TrainedPolicy, TrainResult } from '../../server/src/training/types';

const EXAMPLE = join(__dirname, '../../examples/tabular.rl.yaml');

function example(name: string, overrides: string[] = []): ResolvedConfig {
  const loaded = loadExperimentConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE, name, overrides);
  if ('error' in loaded) throw new Error(`${loaded.error.file}:${loaded.error.line}: ${loaded.error.message}`);
  return loaded.config;
}

async function trainTabular(config: ResolvedConfig): Promise<{ result: TrainResult; policy: TrainedPolicy; table: ValueTable }> {
  let policy: TrainedPolicy | undefined;
  let table: ValueTable | undefined;
  const result = await train(config, {
    onMetrics() {},
    onTrained(p) {
      policy = p;
    },
    onValueTable(t, final) {
      if (final) table = t;
    },
  });
  assert.equal(result.status, 'completed', result.error);
  assert.ok(policy && table);
  return { result, policy, table };
}

/** The state index the deterministic policy picks an action for (observations are one-hot). */
function act(policy: TrainedPolicy, nS: number, s: number): number {
  const obs = new Float32Array(nS);
  obs[s] = 1;
  return policy.actDeterministic(obs)[0];
}

/** Gymnasium's FrozenLake 4x4 optimal actions (non-terminal states; ties aside, the known solution). */
const FROZEN_LAKE_OPTIMAL: Record<number, number> = { 0: 0, 1: 3, 2: 3, 3: 3, 4: 0, 6: 0, 8: 3, 9: 1, 10: 0, 13: 2, 14: 1 };

describe('tabular learning', () => {
  for (const name of ['frozenlake-value-iteration', 'frozenlake-policy-iteration']) {
    it(`${name} finds the optimal slippery FrozenLake 4x4 policy: success rate above 0.7 over 1,000 episodes`, async () => {
      const config = example(name);
      assert.equal(config.env, 'FrozenLake-v1');
      assert.deepEqual(config.env_kwargs, {}); // slippery, Gymnasium's default
      const { result, policy } = await trainTabular(config);
      for (const [s, a] of Object.entries(FROZEN_LAKE_OPTIMAL)) assert.equal(act(policy, 16, Number(s)), a, `state ${s}`);
      // The run's own evaluation (eval_episodes: 1000) and an independent one on other seeds.
      assert.ok(result.meanReturn !== undefined && result.meanReturn > 0.7, `run's success rate ${result.meanReturn}`);
      const episodes = evaluateTabularPolicy(tabularTask(config), (s) => act(policy, 16, s), 1000, new Rng(2024, 'test-eval'));
      const success = episodes.filter((e) => e.return === 1).length / episodes.length;
      console.log(`${name}: success rate ${success} over 1000 episodes (run's own: ${result.meanReturn})`);
      assert.ok(success > 0.7, `success rate ${success}`);
    });
  }

  /** The cells the greedy policy walks through from the start (CliffWalking is deterministic). */
  function greedyPath(policy: TrainedPolicy): number[] {
    const env = makeEnv('CliffWalking-v0');
    let obs = env.reset(new Rng(0));
    const path = [obs.indexOf(1)];
    for (let t = 0; t < 100 && path.at(-1) !== CLIFF_GOAL; t++) {
      obs = env.step(policy.actDeterministic(obs)[0]).obs;
      path.push(obs.indexOf(1));
    }
    return path;
  }
  const row = (s: number) => Math.floor(s / CLIFF_COLS);
  const col = (s: number) => s % CLIFF_COLS;
  /** Cells of the path directly above the cliff (row 2, columns 1..10). */
  const edgeCells = (path: number[]) => path.filter((s) => row(s) === 2 && col(s) >= 1 && col(s) <= 10).length;

  it('CliffWalking: Sarsa\'s greedy path keeps away from the cliff, Q-learning\'s runs along its edge', async () => {
    const sarsa = greedyPath((await trainTabular(example('cliffwalking-sarsa'))).policy);
    const qLearning = greedyPath((await trainTabular(example('cliffwalking-q-learning'))).policy);
    const show = (p: number[]) => p.map((s) => `(${row(s)},${col(s)})`).join(' ');
    console.log(`sarsa:      ${show(sarsa)}\nq-learning: ${show(qLearning)}`);
    for (const path of [sarsa, qLearning]) {
      assert.equal(path[0], CLIFF_START);
      assert.equal(path.at(-1), CLIFF_GOAL, 'the greedy path reaches the goal');
      assert.ok(!path.slice(1).includes(CLIFF_START), 'no fall on the way');
    }
    // Q-learning: the optimal 13-step path, all of columns 1..10 in row 2, right above the cliff.
    assert.equal(edgeCells(qLearning), 10);
    assert.equal(qLearning.length - 1, 13);
    // Sarsa: the safe path, through row 0 or 1 over the middle of the cliff, hence longer.
    assert.ok(edgeCells(sarsa) <= 1, `sarsa's path has ${edgeCells(sarsa)} cells on the edge`);
    assert.ok(sarsa.filter((s) => col(s) >= 2 && col(s) <= 9).every((s) => row(s) <= 1));
    assert.ok(sarsa.length > qLearning.length);
  });

  it('Taxi-v3: Q-learning\'s greedy policy has a mean return above 7', async () => {
    const config = example('taxi-q-learning');
    const { policy, table } = await trainTabular(config);
    assert.equal(table.nS, 500);
    const episodes = evaluateTabularPolicy(tabularTask(config), (s) => act(policy, 500, s), 1000, new Rng(7, 'test-eval'));
    const mean = episodes.reduce((a, e) => a + e.return, 0) / episodes.length;
    console.log(`taxi q-learning: greedy mean return ${mean} over 1000 episodes`);
    assert.ok(mean > 7, `mean return ${mean}`);
    assert.ok(episodes.every((e) => e.terminated), 'every episode delivers its passenger');
  });
});
