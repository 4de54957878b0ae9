import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunSummary } from '../../server/src/protocol/types';
import { compareRuns, isLive, progressPercent, runDescription, runDetails, STATUS_ICONS } from '../../extension/src/runsTree/format';

const base: RunSummary = {
  id: 'r1', experiment: 'cartpole-ppo', file: 'examples/cartpole.rl.yaml', algo: 'ppo', env: 'CartPole-v1', seed: 1,
  status: 'running', startTime: '2026-01-01T00:00:00Z', globalStep: 25_600, totalSteps: 100_000, runDir: '/r1',
  backend: 'wasm',
};

describe('runs tree formatting', () => {
  it('shows progress while running and the final mean return when completed', () => {
    assert.equal(runDescription(base), 'CartPole-v1 · running 25%');
    assert.equal(
      runDescription({ ...base, status: 'completed', globalStep: 100_000, meanReturn: 487.25 }),
      'CartPole-v1 · completed · return 487.3',
    );
    assert.equal(progressPercent({ ...base, totalSteps: 0 }), undefined);
  });

  it('spins the icon only while running', () => {
    assert.equal(STATUS_ICONS.running.icon, 'sync~spin');
    assert.ok(!STATUS_ICONS.completed.icon.includes('~spin'));
  });

  it('puts run id, backend, seed and times in the tooltip', () => {
    const details = new Map(runDetails({ ...base, status: 'completed', endTime: '2026-01-01T00:02:00Z' }));
    assert.equal(details.get('Run'), 'r1');
    assert.equal(details.get('Backend'), 'wasm');
    assert.equal(details.get('Seed'), '1');
    assert.equal(details.get('Started'), '2026-01-01T00:00:00Z');
    assert.equal(details.get('Ended'), '2026-01-01T00:02:00Z');
  });

  it('orders newest first and knows which runs are live', () => {
    const newer = { ...base, id: 'r2', startTime: '2026-02-01T00:00:00Z' };
    assert.deepEqual([base, newer].sort(compareRuns).map((r) => r.id), ['r2', 'r1']);
    assert.equal(isLive(base), true);
    assert.equal(isLive({ ...base, status: 'interrupted' }), false);
  });
});
