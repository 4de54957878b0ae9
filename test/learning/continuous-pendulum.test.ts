/**
 * Learning tests (issue 4): DDPG, TD3 and SAC with examples/continuous.rl.yaml's Pendulum-v1
 * experiments (Zoo's settings on [64, 64] networks) and seeds must reach a mean return >= -250
 * over the last 20 training episodes within the experiment's n_timesteps. Each prints the first
 * step (at a metric row, every 1,000 steps) where the mean passed -250. Three seeds each are
 * `npm run bench:learn -- --algo ddpg,td3,sac` (too long for CI).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import { selectBackend, train } from '../../server/src/training/engine';

const EXAMPLE = join(__dirname, '../../examples/continuous.rl.yaml');
const THRESHOLD = -250;

for (const algo of ['sac', 'td3', 'ddpg'] as const) {
  const experiment = `pendulum-${algo}`;
  it(`${algo.toUpperCase()} reaches a last-20 mean return >= ${THRESHOLD} on Pendulum-v1 (${experiment})`, { timeout: 15 * 60_000 }, async () => {
    const loaded = loadExperimentConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE, experiment);
    if ('error' in loaded) throw new Error(`${loaded.error.file}:${loaded.error.line}: ${loaded.error.message}`);
    const config = loaded.config;
    assert.equal(config.algo, algo);
    assert.equal(config.env, 'Pendulum-v1');
    const backend = await selectBackend();
    let reached: number | undefined;
    const result = await train(config, {
      onMetrics() {},
      onProgress(step, _total, mean) {
        if (reached === undefined && mean !== undefined && mean >= THRESHOLD) reached = step;
      },
    });
    console.log(`${experiment} seed ${config.seed} (${backend.name}): last-20 mean ${result.meanReturn?.toFixed(1)} after ${result.globalStep} steps; first >= ${THRESHOLD} at ${reached ?? 'never'}; ${result.sps} steps/s`);
    assert.equal(result.status, 'completed', result.error);
    assert.ok(result.meanReturn !== undefined && result.meanReturn >= THRESHOLD, `last-20 mean ${result.meanReturn} < ${THRESHOLD}`);
  });
}
