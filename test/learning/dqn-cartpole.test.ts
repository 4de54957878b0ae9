/**
 * Learning test: DQN with the example's `cartpole-dqn` hyperparameters (RL Baselines3 Zoo's tuned
 * CartPole DQN on SB3's default [64, 64] Q-network) and seed must solve CartPole-v1 within its
 * 50,000 steps: the trained greedy policy's mean return over 20 evaluation episodes >= 475.
 *
 * Why evaluation episodes and not the last 20 training episodes (the PPO test's measure): DQN's
 * training episodes are played epsilon-greedily (4% random actions at the end of this schedule)
 * and so measure the exploring behaviour policy, not the learned one; RL Baselines3 Zoo's DQN
 * results are likewise deterministic evaluations. Both numbers are printed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import { selectBackend, train } from '../../server/src/training/engine';
import { recordEpisode } from '../../server/src/training/evaluate';

const EXAMPLE = join(__dirname, '../../examples/dqn.rl.yaml');
const BUDGET = 50_000;
const EVAL_EPISODES = 20;

it(`DQN solves CartPole-v1 within ${BUDGET} steps with the example config (greedy evaluation)`, { timeout: 15 * 60_000 }, async () => {
  const loaded = loadExperimentConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE, 'cartpole-dqn');
  if ('error' in loaded) throw new Error(`${loaded.error.file}:${loaded.error.line}: ${loaded.error.message}`);
  const config = loaded.config;
  assert.equal(config.env, 'CartPole-v1');
  assert.equal(config.algo, 'dqn');
  assert.ok(config.n_timesteps <= BUDGET);

  const backend = await selectBackend();
  const returns: number[] = [];
  const result = await train(config, {
    onMetrics() {},
    onTrained(policy) {
      // Fixed evaluation seeds, independent of training's random streams.
      for (let i = 0; i < EVAL_EPISODES; i++) {
        const episode = recordEpisode({ env: config.env, seed: 1000 + i }, (obs) => policy.actDeterministic(obs));
        returns.push(episode.rewards.reduce((a, b) => a + b, 0));
      }
    },
  });
  const evalMean = returns.reduce((a, b) => a + b, 0) / returns.length;
  console.log(`backend ${backend.name}: greedy evaluation mean ${evalMean} over ${returns.length} episodes; last 20 training episodes ${result.meanReturn}; ${result.sps} steps/s`);
  assert.equal(result.status, 'completed', result.error);
  assert.equal(returns.length, EVAL_EPISODES);
  assert.ok(evalMean >= 475, `greedy evaluation mean ${evalMean} < 475 (returns ${returns.join(', ')})`);
});
