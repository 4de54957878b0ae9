import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PINNED_METRICS, type MetricRow } from '../../server/src/protocol/types';
import { chartSections, metricLabel, metricNames, metricPoints } from '../../webview/src/charts/order';

describe('chart layout', () => {
  it('puts the pinned metrics first, always, then the rest by namespace', () => {
    const names = metricNames([
      { step: 1, time: 1, 'losses/clipfrac': 0.1, 'charts/SPS': 900, 'losses/approx_kl': 0.01, custom: 3 },
    ]);
    assert.deepEqual(chartSections(names), [
      { title: 'Training', metrics: [...PINNED_METRICS] },
      { title: 'charts', metrics: ['charts/SPS'] },
      { title: 'losses', metrics: ['losses/clipfrac'] },
      { title: 'other', metrics: ['custom'] },
    ]);
  });

  it('plots a metric against the env step and skips rows without a finite value', () => {
    const rows: MetricRow[] = [
      { step: 256, time: 1, 'charts/episodic_return': 20 },
      { step: 512, time: 2, 'losses/entropy': 0.6 },
      { step: 768, time: 3, 'charts/episodic_return': Number.NaN },
      { step: 1024, time: 4, 'charts/episodic_return': 31 },
    ];
    assert.deepEqual(metricPoints(rows, 'charts/episodic_return'), [
      { x: 256, y: 20 },
      { x: 1024, y: 31 },
    ]);
  });

  it('labels a chart without its namespace', () => {
    assert.equal(metricLabel('losses/approx_kl'), 'approx kl');
    assert.equal(metricLabel('custom'), 'custom');
  });
});
