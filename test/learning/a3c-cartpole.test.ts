/**
 * A3C learning test: examples/a3c.rl.yaml#cartpole-a3c (2 worker threads) reaches a mean
 * return of 475 over the last 20 episodes within the step budget. A3C is not deterministic
 * (thread timing orders the updates), so the test asks for the threshold within a budget
 * about three times the steps it usually needs (measured: 44k-118k on seeds 1-4), and stops
 * as soon as it is reached.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import { selectBackend, train } from '../../server/src/training/engine';

const EXAMPLE = join(__dirname, '../../examples/a3c.rl.yaml');
const THRESHOLD = 475;
const BUDGET = 300_000;

describe('a3c learning', () => {
  let backend = '';
  before(async () => {
    backend = (await selectBackend()).name;
  });

  it(`cartpole-a3c reaches ${THRESHOLD} within ${BUDGET} steps`, { timeout: 10 * 60_000 }, async () => {
    const loaded = loadExperimentConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE, 'cartpole-a3c', [`n_timesteps=${BUDGET}`]);
    if ('error' in loaded) throw new Error(`${loaded.error.file}:${loaded.error.line}: ${loaded.error.message}`);
    let solvedAt: number | undefined;
    let workers: number | undefined;
    const result = await train(loaded.config, {
      onMetrics(row) {
        workers = row['charts/workers'];
      },
      onProgress(step, _total, meanReturn) {
        if (solvedAt === undefined && meanReturn !== undefined && meanReturn >= THRESHOLD) solvedAt = step;
      },
      shouldStop: () => solvedAt !== undefined,
    });
    console.log(`cartpole-a3c on ${backend} with ${workers} workers: reached ${THRESHOLD} at step ${solvedAt}, mean return ${result.meanReturn}, ${result.sps} steps/s`);
    assert.notEqual(result.status, 'failed', result.error);
    assert.equal(workers, 2);
    assert.ok(solvedAt !== undefined && solvedAt <= BUDGET, `mean return of the last 20 episodes never reached ${THRESHOLD} (final ${result.meanReturn})`);
  });
});
