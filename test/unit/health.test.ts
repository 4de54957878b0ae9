import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthAlerts, HealthMonitor, NEGATIVE_EV_RUN } from '../../server/src/training/health';

const rows = (n: number, f: (k: number) => Record<string, number | null>) =>
  Array.from({ length: n }, (_, k) => ({ step: (k + 1) * 100, time: k, ...f(k) }));

describe('health alerts', () => {
  it('a healthy run has none', () => {
    const r = rows(100, (k) => ({ 'losses/approx_kl': 0.01, 'losses/entropy': 0.69 - k * 0.003, 'losses/explained_variance': k < 5 ? -0.2 : 0.5, 'losses/value_loss': 3 }));
    assert.deepEqual(healthAlerts(r, { target_kl: 0.01 }), []);
  });

  it('NaN (null through JSON) or Inf in a loss', () => {
    const alerts = healthAlerts([...rows(3, () => ({ 'losses/value_loss': 1 })), { step: 400, time: 4, 'losses/value_loss': null }, { step: 500, time: 5, 'losses/policy_loss': Infinity }]);
    assert.deepEqual(alerts.map((a) => [a.kind, a.metric, a.step]), [
      ['nonFinite', 'losses/value_loss', 400],
      ['nonFinite', 'losses/policy_loss', 500],
    ]);
  });

  it('approx KL above 5 x target_kl, or above 0.1 without a target; spans every step it held', () => {
    const r = rows(10, (k) => ({ 'losses/approx_kl': k === 3 || k === 6 ? 0.06 : 0.01 }));
    const [kl] = healthAlerts(r, { target_kl: 0.01 });
    assert.equal(kl.kind, 'klHigh');
    assert.equal(kl.step, 400);
    assert.equal(kl.endStep, 700);
    assert.deepEqual(healthAlerts(r, { target_kl: null }), [], '0.06 is under the 0.1 limit without a target');
    assert.equal(healthAlerts(rows(1, () => ({ 'losses/approx_kl': 0.2 }))).length, 1);
  });

  it('entropy collapse: under 5% of the first value for 5 logged values in a row', () => {
    const r = rows(20, (k) => ({ 'losses/entropy': k < 10 ? 0.69 : 0.01 }));
    const [a] = healthAlerts(r);
    assert.equal(a.kind, 'entropyCollapse');
    assert.equal(a.step, 1100);
    assert.deepEqual(healthAlerts(rows(14, (k) => ({ 'losses/entropy': k < 10 ? 0.69 : 0.01 }))), [], 'four low values are not a collapse');
  });

  it('explained variance below zero for long', () => {
    const r = rows(NEGATIVE_EV_RUN + 5, (k) => ({ 'losses/explained_variance': k < 5 ? 0.3 : -0.1 }));
    const [a] = healthAlerts(r);
    assert.equal(a.kind, 'explainedVarianceNegative');
    assert.equal(a.step, 600);
    const short = rows(NEGATIVE_EV_RUN - 1, () => ({ 'losses/explained_variance': -0.1 }));
    assert.deepEqual(healthAlerts(short), []);
  });

  it('the incremental monitor agrees with checking all rows at once', () => {
    const r = rows(60, (k) => ({ 'losses/approx_kl': k % 17 === 0 ? 0.5 : 0.01, 'losses/explained_variance': k > 30 ? -1 : 1 }));
    const m = new HealthMonitor();
    m.push(r.slice(0, 25));
    m.push(r.slice(25));
    assert.deepEqual(m.alerts(), healthAlerts(r));
    assert.equal(m.messages().length, 2);
  });
});
