import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunSummary } from '../../server/src/protocol/types';
import {
  compareRuns,
  displayStatus,
  formatDuration,
  formatStart,
  isLive,
  progressPercent,
  runAccessibilityLabel,
  runContextValue,
  runDescription,
  runDetails,
  runDuration,
  runLabel,
  STATUS_ICONS,
} from '../../extension/src/runsTree/format';

// Start times are shown in local time; the expectations below are written for UTC.
process.env.TZ = 'UTC';

const base: RunSummary = {
  id: 'r1', experiment: 'cartpole-ppo', file: 'examples/cartpole.rl.yaml', algo: 'ppo', env: 'CartPole-v1', seed: 1,
  status: 'running', startTime: '2026-01-01T00:00:00Z', globalStep: 25_600, totalSteps: 100_000, runDir: '/r1',
  backend: 'wasm',
};
const now = new Date('2026-01-01T00:01:12Z');

describe('runs tree formatting', () => {
  it('shows progress and elapsed time while running', () => {
    assert.equal(runDescription(base, now), 'running 25% · 1m 12s');
    assert.equal(runDescription({ ...base, meanReturn: 23.456 }, now), 'return 23.5 · running 25% · 1m 12s');
    assert.equal(progressPercent({ ...base, totalSteps: 0 }), undefined);
  });

  it('puts the last and best mean return first when completed, then status and duration', () => {
    const done = { ...base, status: 'completed' as const, globalStep: 100_000, endTime: '2026-01-01T00:02:05Z' };
    assert.equal(runDescription({ ...done, meanReturn: 487.25 }, now), 'return 487.3 · completed · 2m 05s');
    assert.equal(
      runDescription({ ...done, meanReturn: 431.04, bestMeanReturn: 500 }, now),
      'return 431.0 (best 500.0) · completed · 2m 05s',
    );
    // Best equal to last (as displayed) is not repeated.
    assert.equal(runDescription({ ...done, meanReturn: 500, bestMeanReturn: 500.01 }, now), 'return 500.0 · completed · 2m 05s');
    assert.equal(runDescription({ ...done, tags: ['baseline', 'lr'] }, now), 'completed · 2m 05s · #baseline #lr');
  });

  it('marks a run with health alerts first in its description and lists them in the tooltip', () => {
    const done = { ...base, status: 'failed' as const, endTime: '2026-01-01T00:00:30Z' };
    const alerts = ['losses/policy_loss is NaN from step 2048', 'approx KL 0.900 above 0.100 at step 1024'];
    assert.equal(runDescription({ ...done, alerts: alerts.slice(0, 1) }, now), '⚠ 1 alert · failed · 30s');
    assert.equal(runDescription({ ...done, alerts, meanReturn: 20 }, now), '⚠ 2 alerts · return 20.0 · failed · 30s');
    assert.match(runAccessibilityLabel({ ...done, alerts }, now), /^cartpole-ppo run r1, ⚠ 2 alerts · /);
    assert.deepEqual(runDetails({ ...done, alerts }, now).filter(([k]) => k === '⚠ Health alert').map(([, v]) => v), alerts);
    assert.equal(runDescription({ ...done, alerts: [] }, now), 'failed · 30s');
  });

  it('says where a stopped or interrupted run got to; a queued run has no duration yet', () => {
    const end = { endTime: '2026-01-01T00:00:30Z' };
    assert.equal(runDescription({ ...base, ...end, status: 'stopped' }, now), 'stopped at 25% · 30s');
    assert.equal(runDescription({ ...base, ...end, status: 'interrupted' }, now), 'interrupted at 25% · 30s');
    assert.equal(runDescription({ ...base, status: 'queued', globalStep: 0 }, now), 'queued');
    assert.equal(runDuration({ ...base, status: 'queued' }, now), undefined);
  });

  it('formats durations with their two largest units', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(59_999), '59s');
    assert.equal(formatDuration(61_000), '1m 01s');
    assert.equal(formatDuration(3 * 3600_000 + 4 * 60_000 + 5_000), '3h 04m');
    assert.equal(formatDuration(50 * 3600_000), '2d 2h');
    assert.equal(formatDuration(-5), '0s');
  });

  it('shows start times as short as stays unambiguous', () => {
    assert.equal(formatStart('2026-01-01T08:21:40Z', new Date('2026-01-01T23:00:00Z')), '08:21');
    assert.equal(formatStart('2026-01-01T08:21:40Z', new Date('2026-03-01T00:00:00Z')), 'Jan 1 08:21');
    assert.equal(formatStart('2025-12-31T08:21:40Z', new Date('2026-01-01T00:00:00Z')), '2025-12-31 08:21');
    assert.equal(formatStart('not a date', now), 'not a date');
    assert.equal(runLabel({ ...base, seed: 7 }, now), 'seed 7 · 00:00');
    assert.equal(runLabel({ ...base, seed: 7, starred: true }, now), '★ seed 7 · 00:00');
  });

  it('shows a damaged run as damaged, with the reason in the tooltip, and never as live', () => {
    const damaged = { ...base, damaged: 'run.json: Unexpected end of JSON input' };
    assert.equal(displayStatus(damaged), 'damaged');
    assert.equal(isLive(damaged), false);
    assert.match(runDescription(damaged, now), /damaged/);
    assert.equal(new Map(runDetails(damaged, now)).get('Damaged'), 'run.json: Unexpected end of JSON input');
    assert.equal(STATUS_ICONS.damaged.icon, 'bracket-error');
    assert.equal(runContextValue(damaged), 'rlLab.run:damaged');
  });

  it('spins the icon only while running', () => {
    assert.equal(STATUS_ICONS.running.icon, 'sync~spin');
    for (const [status, { icon }] of Object.entries(STATUS_ICONS)) {
      if (status !== 'running') assert.ok(!icon.includes('~spin'), status);
    }
  });

  it('puts run id, backend, seed, times, returns, tags and sweep in the tooltip', () => {
    const details = new Map(
      runDetails(
        {
          ...base, status: 'completed', endTime: '2026-01-01T00:02:00Z', meanReturn: 480, bestMeanReturn: 499.5,
          tags: ['a', 'b'], starred: true, sweepId: 'sw1', checkpointStep: 98_304, resumes: 2,
          evaluation: {
            time: '2026-01-01T00:03:00Z', episodes: 10, step: 100_000, meanReturn: 500, stdReturn: 0, minReturn: 500,
            maxReturn: 500, meanLength: 500,
          },
        },
        now,
      ),
    );
    assert.equal(details.get('Run'), 'r1');
    assert.equal(details.get('Backend'), 'wasm');
    assert.equal(details.get('Seed'), '1');
    assert.equal(details.get('Started'), '2026-01-01T00:00:00Z');
    assert.equal(details.get('Ended'), '2026-01-01T00:02:00Z');
    assert.equal(details.get('Duration'), '2m 00s');
    assert.equal(details.get('Mean return (last 20)'), '480.0');
    assert.equal(details.get('Best mean return (20)'), '499.5');
    assert.equal(details.get('Tags'), 'a, b');
    assert.equal(details.get('Starred'), 'yes');
    assert.equal(details.get('Sweep'), 'sw1');
    assert.equal(details.get('Evaluation'), '500.0 ± 0.00 over 10 episodes at step 100,000 (2026-01-01T00:03:00Z)');
    assert.equal(details.get('Last checkpoint'), 'step 98,304');
    assert.equal(details.get('Resumed'), '2 times');
  });

  it('orders starred runs first, then newest first, and knows which runs are live', () => {
    const newer = { ...base, id: 'r2', startTime: '2026-02-01T00:00:00Z' };
    const starredOld = { ...base, id: 'r0', startTime: '2025-02-01T00:00:00Z', starred: true };
    assert.deepEqual([base, newer, starredOld].sort(compareRuns).map((r) => r.id), ['r0', 'r2', 'r1']);
    assert.equal(isLive(base), true);
    assert.equal(isLive({ ...base, status: 'queued' }), true);
    assert.equal(isLive({ ...base, status: 'interrupted' }), false);
  });

  it('gives menus a context value per status and star, and screen readers the run id', () => {
    assert.equal(runContextValue(base), 'rlLab.run:running');
    assert.equal(runContextValue({ ...base, status: 'stopped', starred: true }), 'rlLab.run:stopped:starred');
    assert.equal(runAccessibilityLabel(base, now), 'cartpole-ppo run r1, running 25% · 1m 12s');
  });
});
