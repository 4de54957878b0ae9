/**
 * Learning test (SB3's tests/test_identity.py idea): PPO with the example's `cartpole-ppo`
 * hyperparameters and seed must solve CartPole-v1 — mean return >= 475 over the last 20
 * episodes — within 100,000 env steps.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import { selectBackend, train } from '../../server/src/training/engine';

const EXAMPLE = join(__dirname, '../../examples/cartpole.rl.yaml');

it('PPO solves CartPole-v1 within 100k steps with the example config', { timeout: 10 * 60_000 }, async () => {
  const loaded = loadExperimentConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE, 'cartpole-ppo');
  if ('error' in loaded) throw new Error(`${loaded.error.file}:${loaded.error.line}: ${loaded.error.message}`);
  const config = loaded.config;
  assert.equal(config.env, 'CartPole-v1');
  assert.ok(config.n_timesteps <= 100_000);

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
  assert.ok(solvedAt !== undefined && solvedAt <= 100_000, `mean return of the last 20 episodes never reached 475 (final ${result.meanReturn})`);
});
