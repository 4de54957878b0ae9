import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toSchedule } from '../../server/src/training/schedule';

describe('toSchedule', () => {
  it('keeps a number constant', () => {
    const s = toSchedule(3e-4);
    assert.equal(s(1), 3e-4);
    assert.equal(s(0), 3e-4);
  });

  it('decays lin_X linearly from X to 0 with the remaining progress', () => {
    const s = toSchedule('lin_0.001');
    assert.equal(s(1), 0.001);
    assert.equal(s(0.5), 0.0005);
    assert.equal(s(0), 0);
    assert.equal(toSchedule('lin_2.5e-4')(0.5), 1.25e-4);
  });

  it('rejects anything else with a message naming the value', () => {
    assert.throws(() => toSchedule('exp_0.1'), /'exp_0.1' is not a schedule/);
    assert.throws(() => toSchedule('lin_abc'), /lin_abc/);
    assert.throws(() => toSchedule(Number.NaN), /finite/);
  });
});
