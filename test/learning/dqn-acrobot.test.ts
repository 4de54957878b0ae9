/**
 * Learning test: DQN with the example's `acrobot-dqn-small` hyperparameters (RL Baselines3 Zoo's
 * tuned Acrobot-v1 DQN with one gradient step per 4 env steps instead of one per step, on a
 * [64, 64] Q-network) must bring the mean return of the last 20 TRAINING episodes — played
 * epsilon-greedily, 10% random actions at the end of the schedule — to -100 within 100,000 steps,
 * for seeds 1, 2 and 3 (measured: 22,000 / 43,000 / 34,000). Training stops as soon as it does.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../server/src/training/engine';
import { trainToThreshold } from './trainToThreshold';

const EXAMPLE = join(__dirname, '../../examples/dqn.rl.yaml');
const THRESHOLD = -100;
const BUDGET = 100_000;

describe('DQN on Acrobot-v1', () => {
  let backend = '';
  before(async () => {
    backend = (await selectBackend()).name;
  });

  for (const seed of [1, 2, 3]) {
    it(`acrobot-dqn-small (seed ${seed}) reaches ${THRESHOLD} within ${BUDGET} steps`, { timeout: 10 * 60_000 }, async () => {
      const { config, solvedAt, result } = await trainToThreshold(EXAMPLE, 'acrobot-dqn-small', { seed, budget: BUDGET, threshold: THRESHOLD });
      assert.equal(config.env, 'Acrobot-v1');
      assert.equal(config.algo, 'dqn');
      console.log(`acrobot-dqn-small seed ${seed} on ${backend}: reached ${THRESHOLD} at step ${solvedAt}, mean return ${result.meanReturn}, ${result.sps} steps/s`);
      assert.notEqual(result.status, 'failed', result.error);
      assert.ok(solvedAt !== undefined && solvedAt <= BUDGET, `mean return of the last 20 training episodes never reached ${THRESHOLD} (final ${result.meanReturn})`);
    });
  }
});
