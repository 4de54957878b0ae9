/**
 * Learning test: PPO with RL Baselines3 Zoo's tuned Acrobot-v1 hyperparameters
 * (examples/zoo-benchmarks.rl.yaml `acrobot-ppo`: 16 envs x 256 steps, observation and reward
 * normalization) must bring the mean return of the last 20 training episodes to -100 within
 * 200,000 steps, for seeds 1, 2 and 3. Training stops as soon as it does, to keep CI short
 * (Zoo trains 1e6 steps; `npm run bench:learn` runs the whole budget).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../server/src/training/engine';
import { trainToThreshold } from './trainToThreshold';

const EXAMPLE = join(__dirname, '../../examples/zoo-benchmarks.rl.yaml');
const THRESHOLD = -100;
const BUDGET = 200_000;

describe('PPO on Acrobot-v1', () => {
  let backend = '';
  before(async () => {
    backend = (await selectBackend()).name;
  });

  for (const seed of [1, 2, 3]) {
    it(`acrobot-ppo (seed ${seed}) reaches ${THRESHOLD} within ${BUDGET} steps`, { timeout: 10 * 60_000 }, async () => {
      const { config, solvedAt, result } = await trainToThreshold(EXAMPLE, 'acrobot-ppo', { seed, budget: BUDGET, threshold: THRESHOLD });
      assert.equal(config.env, 'Acrobot-v1');
      assert.equal(config.algo, 'ppo');
      console.log(`acrobot-ppo seed ${seed} on ${backend}: reached ${THRESHOLD} at step ${solvedAt}, mean return ${result.meanReturn}, ${result.sps} steps/s`);
      assert.notEqual(result.status, 'failed', result.error);
      assert.ok(solvedAt !== undefined && solvedAt <= BUDGET, `mean return of the last 20 episodes never reached ${THRESHOLD} (final ${result.meanReturn})`);
    });
  }
});
