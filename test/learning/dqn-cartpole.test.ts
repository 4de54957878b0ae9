/**
 * Learning test: DQN with the example's `cartpole-dqn` hyperparameters (ours: SB3's [64, 64]
 * Q-network; every 16 env steps 8 Adam steps on minibatches of 128, learning rate decayed
 * linearly from 1e-3 to 0, target copied every 500 env steps, epsilon 1 -> 0.02 over the first
 * 10% of the run) must bring the mean return of the last 20 TRAINING episodes — played
 * epsilon-greedily, 2% random actions at the end of the schedule — to 475 within 100,000 steps,
 * for seeds 1, 2 and 3 (measured: 61,488 / 64,512 / 90,720). Training stops as soon as it does.
 * README, "DQN", says why not RL Baselines3 Zoo's entry (`cartpole-dqn-zoo`, which still runs).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../server/src/training/engine';
import { trainToThreshold } from './trainToThreshold';

const EXAMPLE = join(__dirname, '../../examples/dqn.rl.yaml');
const THRESHOLD = 475;
const BUDGET = 100_000;

describe('DQN on CartPole-v1', () => {
  let backend = '';
  before(async () => {
    backend = (await selectBackend()).name;
  });

  for (const seed of [1, 2, 3]) {
    it(`cartpole-dqn (seed ${seed}) reaches ${THRESHOLD} within ${BUDGET} steps`, { timeout: 10 * 60_000 }, async () => {
      const { config, solvedAt, result } = await trainToThreshold(EXAMPLE, 'cartpole-dqn', { seed, budget: BUDGET, threshold: THRESHOLD });
      assert.equal(config.env, 'CartPole-v1');
      assert.equal(config.algo, 'dqn');
      console.log(`cartpole-dqn seed ${seed} on ${backend}: reached ${THRESHOLD} at step ${solvedAt}, mean return ${result.meanReturn}, ${result.sps} steps/s`);
      assert.notEqual(result.status, 'failed', result.error);
      assert.ok(solvedAt !== undefined && solvedAt <= BUDGET, `mean return of the last 20 training episodes never reached ${THRESHOLD} (final ${result.meanReturn})`);
    });
  }
});
