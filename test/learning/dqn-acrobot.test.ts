/**
 * Learning test: DQN with the example's `acrobot-dqn-small` hyperparameters (RL Baselines3 Zoo's
 * Acrobot DQN with train_freq 4 / gradient_steps 1 on a [64, 64] Q-network) and seed must solve
 * Acrobot-v1 within its 100,000 steps: the greedy policy's mean return over 20 evaluation
 * episodes >= -100 (see dqn-cartpole.test.ts for why evaluation episodes).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import { selectBackend, train } from '../../server/src/training/engine';
import { recordEpisode } from '../../server/src/training/evaluate';

const EXAMPLE = join(__dirname, '../../examples/dqn.rl.yaml');
const BUDGET = 100_000;
const EVAL_EPISODES = 20;

it(`DQN solves Acrobot-v1 within ${BUDGET} steps with the example config (greedy evaluation)`, { timeout: 15 * 60_000 }, async () => {
  const loaded = loadExperimentConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE, 'acrobot-dqn-small');
  if ('error' in loaded) throw new Error(`${loaded.error.file}:${loaded.error.line}: ${loaded.error.message}`);
  const config = loaded.config;
  assert.equal(config.env, 'Acrobot-v1');
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
  assert.ok(evalMean >= -100, `greedy evaluation mean ${evalMean} < -100 (returns ${returns.join(', ')})`);
});
