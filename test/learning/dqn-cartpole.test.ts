/**
 * Learning test: DQN with the example's `cartpole-dqn` hyperparameters and seed must solve
 * CartPole-v1 — mean return >= 475 over the last 20 (training, epsilon-greedy) episodes —
 * within the experiment's n_timesteps.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import { selectBackend, train } from '../../server/src/training/engine';

const EXAMPLE = join(__dirname, '../../examples/dqn.rl.yaml');
const BUDGET = 60_000;

it(`DQN solves CartPole-v1 within ${BUDGET} steps with the example config`, { timeout: 15 * 60_000 }, async () => {
  const loaded = loadExperimentConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE, 'cartpole-dqn');
  if ('error' in loaded) throw new Error(`${loaded.error.file}:${loaded.error.line}: ${loaded.error.message}`);
  const config = loaded.config;
  assert.equal(config.env, 'CartPole-v1');
  assert.equal(config.algo, 'dqn');
  assert.ok(config.n_timesteps <= BUDGET);

  const backend = await selectBackend();
  let solvedAt: number | undefined;
  const result = await train(config, {
    onMetrics() {},
    onProgress(step, _total, meanReturn) {
      if (solvedAt === undefined && meanReturn !== undefined && meanReturn >= 475) solvedAt = step;
    },
  });
  console.log(`backend ${backend.name}: solved at step ${solvedAt}, final mean return ${result.meanReturn}, ${result.sps} steps/s`);
  assert.equal(result.status, 'completed', result.error);
  assert.ok(solvedAt !== undefined, `mean return of the last 20 episodes never reached 475 (final ${result.meanReturn})`);
});
