/**
 * Behaviour cloning learning test: examples/bc.rl.yaml clones the checked-in CartPole expert
 * (8 episodes of a PPO policy trained with examples/cartpole.rl.yaml, each returning 500)
 * and must imitate it (held-out action accuracy >= 0.9) and score like it (mean return of
 * its evaluation episodes >= 475).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import { selectBackend, train, type MetricRow } from '../../server/src/training/engine';

const EXAMPLE = join(__dirname, '../../examples/bc.rl.yaml');

describe('bc learning', () => {
  let backend = '';
  before(async () => {
    backend = (await selectBackend()).name;
  });

  it('cartpole-bc imitates the expert and scores >= 475', { timeout: 5 * 60_000 }, async () => {
    const loaded = loadExperimentConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE, 'cartpole-bc');
    if ('error' in loaded) throw new Error(`${loaded.error.file}:${loaded.error.line}: ${loaded.error.message}`);
    const rows: MetricRow[] = [];
    const result = await train(loaded.config, { onMetrics: (r) => rows.push(r) });
    assert.equal(result.status, 'completed', result.error);
    const last = rows[rows.length - 1];
    console.log(`cartpole-bc on ${backend}: held-out accuracy ${last['eval/action_accuracy']}, mean return ${last['eval/mean_return']} (expert ${last['eval/expert_mean_return']})`);
    assert.ok(last['eval/action_accuracy'] >= 0.9, `held-out action accuracy ${last['eval/action_accuracy']}`);
    assert.equal(last['eval/expert_mean_return'], 500);
    assert.ok(last['eval/mean_return'] >= 475, `mean return ${last['eval/mean_return']}`);
    assert.equal(result.meanReturn, last['eval/mean_return']);
  });
});
