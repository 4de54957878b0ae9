/** Pure parts of the dashboard's charts: smoothing, decimation, aggregation across seeds, the columnar store, CSV. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricRow, RunSummary } from '../../server/src/protocol/types';
import { aggregateSeries, bandHalfWidth, interpolate, meanStd, tQuantile975 } from '../../webview/src/charts/aggregate';
import { lowerBound, lttbIndices, minMaxEnvelope } from '../../webview/src/charts/decimate';
import { emaDebiased, initialSmoothingState, movingAverage, smoothInto } from '../../webview/src/charts/smoothing';
import { RunSeries } from '../../webview/src/data/runSeries';
import { runMetricsMessages } from '../../extension/src/dashboard/parts';
import { DashboardModel } from '../../webview/src/state';
import { metricsCsv } from '../../webview/src/export';
import { hyperparamRows } from '../../webview/src/views/hyperparams';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

describe('smoothing', () => {
  it('EMA is TensorBoard\'s debiased EMA: first value kept, then the bias-corrected average', () => {
    const w = 0.6;
    const s = emaDebiased([10, 20, 30], w);
    // By hand: acc = 0.4*10 = 4, /(1-0.6) = 10; acc = 4*0.6+0.4*20 = 10.4, /(1-0.36) = 16.25;
    // acc = 10.4*0.6+0.4*30 = 18.24, /(1-0.216) = 23.2653...
    close(s[0], 10);
    close(s[1], 16.25);
    close(s[2], 18.24 / 0.784);
  });

  it('EMA with weight 0 is the raw series; NaN passes through without touching the state', () => {
    assert.deepEqual([...emaDebiased([1, 2, 3], 0)], [1, 2, 3]);
    const s = emaDebiased([4, Number.NaN, 4], 0.9);
    close(s[0], 4);
    assert.ok(Number.isNaN(s[1]));
    close(s[2], 4);
  });

  it('moving average is trailing over the last n values', () => {
    assert.deepEqual([...movingAverage([1, 2, 3, 4, 5], 2)], [1, 1.5, 2.5, 3.5, 4.5]);
    assert.deepEqual([...movingAverage([3, 3, 9], 10)], [3, 3, 5]);
  });

  it('incremental smoothing (live rows) gives the same values as smoothing everything at once', () => {
    const values = Array.from({ length: 50 }, (_, i) => Math.sin(i) * 10 + i);
    for (const opts of [{ kind: 'ema', weight: 0.8, window: 1 }, { kind: 'window', weight: 0, window: 7 }] as const) {
      const whole = new Float64Array(50);
      smoothInto(values, whole, 0, 50, opts, initialSmoothingState());
      const parts = new Float64Array(50);
      const state = initialSmoothingState();
      smoothInto(values, parts, 0, 13, opts, state);
      smoothInto(values, parts, 13, 50, opts, state);
      assert.deepEqual([...parts], [...whole]);
    }
  });
});

describe('decimation', () => {
  const n = 100_000;
  const xs = Float64Array.from({ length: n }, (_, i) => i);
  const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 500) + (i === 54_321 ? 50 : 0));

  it('LTTB keeps the first and last point, returns the threshold count in order, and keeps a spike', () => {
    const idx = lttbIndices(xs, ys, 0, n, 500);
    assert.equal(idx.length, 500);
    assert.equal(idx[0], 0);
    assert.equal(idx[499], n - 1);
    for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1]);
    assert.ok(idx.includes(54_321), 'the spike survives downsampling');
  });

  it('LTTB returns every index when the window is under the threshold', () => {
    assert.deepEqual([...lttbIndices(xs, ys, 10, 20, 500)], Array.from({ length: 10 }, (_, i) => 10 + i));
  });

  it('min/max envelope spans each bucket', () => {
    const env = minMaxEnvelope([0, 1, 2, 3], [5, -1, 2, 8], 0, 4, 2);
    assert.deepEqual(env, { x: [0.5, 2.5], min: [-1, 2], max: [5, 8] });
  });

  it('lowerBound finds the first x >= value', () => {
    assert.equal(lowerBound([1, 3, 3, 7], 3), 1);
    assert.equal(lowerBound([1, 3, 3, 7], 8), 4);
  });
});

describe('aggregation across seeds', () => {
  it('std and the 95% CI of the mean use the sample std and Student t', () => {
    const v = [1, 2, 3, 4];
    const { mean, std } = meanStd(v);
    close(mean, 2.5);
    close(std, Math.sqrt(5 / 3));
    close(bandHalfWidth(v, 'std'), std);
    close(bandHalfWidth(v, 'ci95'), (3.182 * std) / 2);
    close(tQuantile975(1), 12.706);
    assert.ok(Math.abs(tQuantile975(1000) - 1.962) < 0.002);
    assert.equal(bandHalfWidth([7], 'ci95'), 0);
  });

  it('resamples runs onto a common grid and averages the runs covering each x', () => {
    const a = { x: [0, 10], y: [0, 10] };
    const b = { x: [0, 5], y: [2, 2] };
    close(interpolate(a, 2.5), 2.5);
    assert.ok(Number.isNaN(interpolate(b, 6)));
    const agg = aggregateSeries([a, b], 3, 'std');
    assert.deepEqual(agg.x, [0, 5, 10]);
    assert.deepEqual(agg.n, [2, 2, 1]);
    assert.deepEqual(agg.mean, [1, 3.5, 10]);
    close(agg.hi[0] - agg.mean[0], Math.SQRT2);
    assert.equal(agg.hi[2], 10, 'one run: no band');
    const zoomed = aggregateSeries([a, b], 2, 'ci95', [2, 4]);
    assert.deepEqual(zoomed.x, [2, 4]);
  });
});

describe('RunSeries (columnar store)', () => {
  const rows: MetricRow[] = [
    { step: 1, time: 10, a: 1 },
    { step: 2, time: 20, b: 2 },
    { step: 2, time: 20, a: 3 },
  ];

  it('stores rows column by column, NaN where a row did not log, and skips rows it holds', () => {
    const s = new RunSeries();
    assert.equal(s.append(rows), 3);
    assert.equal(s.append([...rows, { step: 3, time: 30, a: 4 }]), 1);
    assert.equal(s.length, 4);
    assert.deepEqual([...s.column('a')!.subarray(0, 4)], [1, Number.NaN, 3, 4]);
    assert.deepEqual(s.rows(), [...rows, { step: 3, time: 30, a: 4 }]);
  });

  it('grows past its initial capacity without losing rows, and keeps logged NaN apart from "not logged"', () => {
    const s = new RunSeries();
    const many = Array.from({ length: 1000 }, (_, i) => ({ step: i, time: i, m: i * 2 }));
    s.append(many);
    s.append([{ step: 1000, time: 1000, m: null } as unknown as MetricRow]);
    assert.equal(s.length, 1001);
    assert.equal(s.column('m')![999], 1998);
    assert.ok(Number.isNaN(s.column('m')![1000]));
    assert.deepEqual(s.notANumber, [{ index: 1000, metric: 'm' }]);
  });
});

describe('CSV export and hyperparameter rows', () => {
  it('writes every stored row of the chosen runs and metrics, quoting where needed', () => {
    const s = new RunSeries();
    s.append([
      { step: 256, time: 1000, 'charts/episodic_return': 20.5, 'losses/approx_kl': 0.01 },
      { step: 512, time: 2000, 'losses/approx_kl': 0.02 },
      { step: 768, time: 3000, 'charts/SPS': 900 },
    ]);
    const run = { id: 'r1', experiment: 'cart,pole', seed: 3 } as RunSummary;
    assert.equal(
      metricsCsv([{ run, series: s }], ['charts/episodic_return', 'losses/approx_kl']),
      'run_id,experiment,seed,step,time,charts/episodic_return,losses/approx_kl\n' +
        'r1,"cart,pole",3,256,1000,20.5,0.01\n' +
        'r1,"cart,pole",3,512,2000,,0.02\n',
    );
  });

  it('lists every key, marks the differing ones', () => {
    const rows = hyperparamRows([
      { seed: 1, hyperparameters: { learning_rate: 0.001, n_steps: 128 }, policy_kwargs: { net_arch: [64] } },
      { seed: 1, hyperparameters: { learning_rate: 0.0003, n_steps: 128 } },
    ]);
    assert.deepEqual(rows, [
      { key: 'learning_rate', values: ['0.001', '0.0003'], differs: true },
      { key: 'n_steps', values: ['128', '128'], differs: false },
      { key: 'policy_kwargs.net_arch', values: ['[64]', '—'], differs: true },
      { key: 'seed', values: ['1', '1'], differs: false },
    ]);
  });
});

describe('a long stored series in parts', () => {
  const rows: MetricRow[] = Array.from({ length: 25 }, (_, i) => ({ step: i, time: i, v: i }));

  it('the host splits it into numbered parts that cover every row once', () => {
    const messages = runMetricsMessages('r', rows, 10);
    assert.deepEqual(messages.map((m) => (m.type === 'runMetrics' ? [m.payload.rows.length, m.payload.part] : [])), [
      [10, { index: 0, count: 3 }],
      [10, { index: 1, count: 3 }],
      [5, { index: 2, count: 3 }],
    ]);
    assert.deepEqual(runMetricsMessages('r', rows.slice(0, 3), 10), [{ type: 'runMetrics', payload: { runId: 'r', rows: rows.slice(0, 3) } }]);
  });

  it('the page swaps the series in with the last part, keeping live rows that arrived meanwhile', () => {
    const m = new DashboardModel();
    const live = { id: 'r', status: 'running', startTime: 't', experiment: 'e', file: 'f', algo: 'ppo', env: 'CartPole-v1', seed: 1, globalStep: 0, totalSteps: 1, runDir: 'd' } as RunSummary;
    m.applySnapshot({ runs: [live], metrics: { r: [] } });
    m.applyMetrics('r', [{ step: 30, time: 30, v: 30 }]);
    const parts = runMetricsMessages('r', rows, 10);
    const done = parts.map((p) => (p.type === 'runMetrics' && p.payload.part ? m.applyRunMetricsPart('r', p.payload.rows, p.payload.part) : false));
    assert.deepEqual(done, [false, false, true]);
    assert.deepEqual(m.rows('r').map((r) => r.step), [...rows.map((r) => r.step), 30]);
  });
});
