import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricRow, RunSummary } from '../../server/src/protocol/types';
import { appendNewRows, DashboardModel } from '../../webview/src/state';

const row = (step: number, time: number, extra: Record<string, number> = {}): MetricRow => ({ step, time, ...extra });

function run(id: string, status: RunSummary['status'], startTime: string): RunSummary {
  return {
    id, status, startTime, experiment: 'e', file: 'f.rl.yaml', algo: 'ppo', env: 'CartPole-v1', seed: 1,
    globalStep: 0, totalSteps: 1000, runDir: `/runs/${id}`,
  };
}

describe('appendNewRows', () => {
  it('skips rows ordered before the last held row and identical rows at the same step and time', () => {
    const series = [row(1, 10, { a: 1 }), row(2, 20, { a: 2 })];
    appendNewRows(series, [row(1, 10, { a: 1 }), row(2, 20, { a: 2 }), row(3, 30, { a: 3 })]);
    assert.deepEqual(series.map((r) => r.step), [1, 2, 3]);
  });

  it('keeps distinct rows that share a step and a millisecond', () => {
    const series = [row(5, 50, { 'charts/episodic_return': 20 })];
    appendNewRows(series, [row(5, 50, { 'losses/approx_kl': 0.01 }), row(5, 50, { 'charts/episodic_return': 20 })]);
    assert.equal(series.length, 2);
  });
});

describe('DashboardModel', () => {
  const old = run('old', 'completed', '2026-01-01T00:00:00Z');
  const live = run('live', 'running', '2026-01-02T00:00:00Z');

  it('selects the focus of a snapshot, else the newest run', () => {
    const m = new DashboardModel();
    m.applySnapshot({ runs: [old, live], metrics: {} });
    assert.equal(m.selected, 'live');
    m.applySnapshot({ runs: [old, live], metrics: {}, focus: 'old' });
    assert.equal(m.selected, 'old');
    assert.deepEqual(m.runList().map((r) => r.id), ['live', 'old']);
  });

  it('appends live rows once, and ignores rows of a finished run whose series it does not hold', () => {
    const m = new DashboardModel();
    m.applySnapshot({ runs: [old, live], metrics: { live: [row(1, 1)] } });
    assert.equal(m.applyMetrics('live', [row(1, 1), row(2, 2)]), 1);
    assert.deepEqual(m.rows('live').map((r) => r.step), [1, 2]);
    assert.equal(m.applyMetrics('old', [row(9, 9)]), 0);
    assert.equal(m.hasSeries('old'), false);
  });

  it('starts a series for a run it has not heard of (started after the snapshot)', () => {
    const m = new DashboardModel();
    m.applySnapshot({ runs: [old], metrics: {} });
    assert.equal(m.applyMetrics('new', [row(1, 1)]), 1);
    assert.equal(m.rows('new').length, 1);
  });

  it('merges a full series with live rows that arrived after it was read', () => {
    const m = new DashboardModel();
    m.applySnapshot({ runs: [live], metrics: { live: [row(1, 1), row(2, 2), row(3, 3)] } });
    m.applyRunMetrics('live', [row(1, 1), row(2, 2)]);
    assert.deepEqual(m.rows('live').map((r) => r.step), [1, 2, 3]);
  });

  it('selects a focused run as soon as its status arrives', () => {
    const m = new DashboardModel();
    m.applySnapshot({ runs: [old], metrics: {} });
    assert.equal(m.focus('live'), false);
    assert.equal(m.selected, 'old');
    m.applyStatus(live);
    assert.equal(m.selected, 'live');
  });

  it('shows the focused run and the compared ones; compareOnly focuses the first', () => {
    const m = new DashboardModel();
    m.applySnapshot({ runs: [old, live], metrics: {} });
    m.setCompared('old', true);
    assert.deepEqual(m.shownRuns().map((r) => r.id), ['live', 'old']);
    m.compareOnly(['old', 'live']);
    assert.equal(m.selected, 'old');
    assert.deepEqual(m.shownRuns().map((r) => r.id), ['old', 'live']);
  });

  it('finds health alerts in held rows, with the target_kl of the run config', () => {
    const m = new DashboardModel();
    m.applySnapshot({ runs: [live], metrics: { live: [row(1, 1, { 'losses/approx_kl': 0.04 })] } });
    assert.deepEqual(m.alerts('live'), []);
    m.applyConfig('live', { hyperparameters: { target_kl: 0.005 } });
    assert.deepEqual(m.alerts('live').map((a) => a.kind), ['klHigh']);
    m.applyMetrics('live', [{ step: 2, time: 2, 'losses/value_loss': null } as unknown as MetricRow]);
    assert.deepEqual(m.alerts('live').map((a) => [a.kind, a.metric, a.step]), [
      ['klHigh', 'losses/approx_kl', 1],
      ['nonFinite', 'losses/value_loss', 2],
    ]);
  });
});
