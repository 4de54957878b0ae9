import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedGroup } from '../../webview/src/charts/frame';

test('runs of one experiment aggregate together; sweep combinations aggregate per setting, across seeds', () => {
  assert.equal(seedGroup({ experiment: 'cartpole-ppo' }), 'cartpole-ppo');
  const a1 = seedGroup({ experiment: 'e', sweepParams: { learning_rate: 0.001, seed: 1 } });
  const a2 = seedGroup({ experiment: 'e', sweepParams: { learning_rate: 0.001, seed: 2 } });
  const b1 = seedGroup({ experiment: 'e', sweepParams: { learning_rate: 0.0003, seed: 1 } });
  assert.equal(a1, a2);
  assert.notEqual(a1, b1);
  assert.equal(a1, 'e learning_rate=0.001');
});
