import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunSummary } from '../../server/src/protocol/types';
import { withBestMeanReturn } from '../../server/src/training/runStore';

const base: RunSummary = {
  id: 'r1', experiment: 'e', file: 'f.rl.yaml', algo: 'ppo', env: 'CartPole-v1', seed: 1, status: 'running',
  startTime: '2026-01-01T00:00:00Z', globalStep: 0, totalSteps: 100, runDir: '/r1',
};

describe('best mean return', () => {
  it('is the highest mean return (last 20 episodes) reported so far, never below the last', () => {
    let run = base;
    const reported = [10, 55.5, 240, 180, 500, 421];
    const bests: (number | undefined)[] = [];
    for (const meanReturn of reported) {
      run = withBestMeanReturn({ ...run, meanReturn });
      bests.push(run.bestMeanReturn);
      assert.ok(run.bestMeanReturn! >= run.meanReturn!);
    }
    assert.deepEqual(bests, [10, 55.5, 240, 240, 500, 500]);
  });

  it('stays absent until an episode finished and ignores a non-finite mean', () => {
    assert.equal(withBestMeanReturn(base).bestMeanReturn, undefined);
    assert.equal(withBestMeanReturn({ ...base, meanReturn: NaN }).bestMeanReturn, undefined);
    // Unchanged input comes back as is (no needless run.json churn).
    const settled = { ...base, meanReturn: 3, bestMeanReturn: 9 };
    assert.equal(withBestMeanReturn(settled), settled);
  });
});
