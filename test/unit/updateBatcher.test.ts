import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostToWebview, RunSummary } from '../../server/src/protocol/types';
import { UpdateBatcher, type Timers } from '../../extension/src/dashboard/batcher';

/** Timers driven by the test: `fire()` runs what is due, so no wall clock is involved. */
class ManualTimers implements Timers {
  pending: { fn: () => void; ms: number }[] = [];
  setTimeout(fn: () => void, ms: number): unknown {
    const t = { fn, ms };
    this.pending.push(t);
    return t;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((t) => t !== handle);
  }
  fire(): void {
    const due = this.pending;
    this.pending = [];
    for (const t of due) t.fn();
  }
}

const summary = (id: string, globalStep: number): RunSummary => ({
  id, globalStep, status: 'running', experiment: 'e', file: 'f', algo: 'ppo', env: 'CartPole-v1', seed: 1,
  startTime: '2026-01-01T00:00:00Z', totalSteps: 1000, runDir: '/r',
});

describe('UpdateBatcher', () => {
  it('sends one batch per interval: rows concatenated per run, the latest status, metrics first', () => {
    const timers = new ManualTimers();
    const sent: HostToWebview[][] = [];
    const b = new UpdateBatcher((m) => sent.push(m), 250, timers);
    b.addStatus(summary('a', 1));
    assert.deepEqual(sent, [[{ type: 'runStatus', payload: summary('a', 1) }]], 'a run new to the panel is announced at once');
    sent.length = 0;
    b.addMetrics('a', [{ step: 1, time: 1 }]);
    b.addMetrics('a', [{ step: 2, time: 2 }]);
    b.addStatus(summary('a', 2)); // progress only: still 'running'
    assert.equal(timers.pending.length, 1, 'one timer for the whole batch');
    assert.ok(timers.pending[0].ms < 1000, 'the panel hears within a second');
    assert.equal(sent.length, 0);
    timers.fire();
    assert.deepEqual(sent, [
      [
        { type: 'metrics', payload: { runId: 'a', rows: [{ step: 1, time: 1 }, { step: 2, time: 2 }] } },
        { type: 'runStatus', payload: summary('a', 2) },
      ],
    ]);
  });

  it('sends a status change at once, after the rows queued before it, without waiting for the batch', () => {
    const timers = new ManualTimers();
    const sent: HostToWebview[][] = [];
    const b = new UpdateBatcher((m) => sent.push(m), 250, timers);
    b.addStatus(summary('a', 1));
    b.addStatus(summary('b', 1));
    sent.length = 0;
    b.addMetrics('a', [{ step: 1, time: 1 }]);
    b.addMetrics('b', [{ step: 1, time: 1 }]);
    assert.equal(sent.length, 0, 'metrics alone wait for the batch');
    const completed: RunSummary = { ...summary('a', 1000), status: 'completed', endTime: '2026-01-01T00:01:00Z' };
    b.addStatus(completed);
    assert.deepEqual(sent, [
      [
        { type: 'metrics', payload: { runId: 'a', rows: [{ step: 1, time: 1 }] } },
        { type: 'metrics', payload: { runId: 'b', rows: [{ step: 1, time: 1 }] } },
        { type: 'runStatus', payload: completed },
      ],
    ]);
    assert.equal(timers.pending.length, 0, 'nothing left for the timer');
    // The same status again (a repeated final notification) is not a change: it waits.
    b.addStatus(completed);
    assert.equal(sent.length, 1);
    timers.fire();
    assert.deepEqual(sent[1], [{ type: 'runStatus', payload: completed }]);
  });

  it('keeps a status change queued while a snapshot is prepared', () => {
    const timers = new ManualTimers();
    const sent: HostToWebview[][] = [];
    const b = new UpdateBatcher((m) => sent.push(m), 250, timers);
    b.hold();
    const stopped: RunSummary = { ...summary('a', 5), status: 'stopped' };
    b.addStatus(stopped);
    assert.deepEqual(sent, []);
    b.release();
    assert.deepEqual(sent, [[{ type: 'runStatus', payload: stopped }]]);
  });

  it('holds updates while a snapshot is prepared and sends them after it', () => {
    const timers = new ManualTimers();
    const sent: HostToWebview[][] = [];
    const b = new UpdateBatcher((m) => sent.push(m), 250, timers);
    b.hold();
    b.addMetrics('a', [{ step: 1, time: 1 }]);
    assert.equal(timers.pending.length, 0);
    b.release();
    assert.equal(sent.length, 1);
  });

  it('drops what is queued when cleared', () => {
    const timers = new ManualTimers();
    const sent: HostToWebview[][] = [];
    const b = new UpdateBatcher((m) => sent.push(m), 250, timers);
    b.addMetrics('a', [{ step: 1, time: 1 }]);
    b.clear();
    timers.fire();
    b.flush();
    assert.deepEqual(sent, []);
  });
});
