/**
 * The dashboard's RLHF plumbing without a browser: samples.jsonl read back as the server
 * answers RunSamples, the webview <-> host message checks for samples and saved state, which
 * metrics make the reward & KL chart, and when the samples panel asks the host for rows.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunSummary, SamplesRow } from '../../server/src/protocol/types';
import { readSamples, SAMPLES_FILE, SamplesWriter } from '../../server/src/training/samplesFile';
import { newerState, parsePersistedState, parseWebviewMessage } from '../../extension/src/dashboard/messages';
import { parseHostMessage } from '../../webview/src/messages';
import { rewardKlPair } from '../../webview/src/rlhf/metrics';
import { SamplesPanel } from '../../webview/src/rlhf/samplesPanel';
import type { SamplesView } from '../../webview/src/rlhf/samplesView';

const row = (step: number, reward = 1): SamplesRow => ({ step, samples: [{ prompt: 'sort: 21', completion: '12', reward }] });

describe('samples.jsonl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-lab-samples-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every row, or those after a step; skips torn and foreign lines; a null reward reads as NaN', () => {
    const writer = new SamplesWriter(dir);
    for (const step of [16, 32, 48]) writer.append({ ...row(step), time: 1000 + step });
    writer.close();
    appendFileSync(join(dir, SAMPLES_FILE), '{"step":64,"samples":[{"prompt":"a","completion":"b","reward":null}]}\n');
    appendFileSync(join(dir, SAMPLES_FILE), '["not a row"]\n{"step":80,"samples":[{"prompt":"x","compl');
    const all = readSamples(dir);
    assert.deepEqual(all.map((r) => r.step), [16, 32, 48, 64]);
    assert.deepEqual(all[0], row(16), 'the wall time the trainer adds is not part of the answer');
    assert.ok(Number.isNaN(all[3].samples[0].reward));
    assert.deepEqual(readSamples(dir, 32).map((r) => r.step), [48, 64]);
    assert.deepEqual(readSamples(join(dir, 'missing')), []);
  });
});

describe('dashboard messages for samples and saved state', () => {
  it('accepts requestSamples with or without afterStep, and nothing malformed', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'requestSamples', payload: { runId: 'r' } }), { type: 'requestSamples', payload: { runId: 'r' } });
    assert.deepEqual(parseWebviewMessage({ type: 'requestSamples', payload: { runId: 'r', afterStep: 64 } }), {
      type: 'requestSamples',
      payload: { runId: 'r', afterStep: 64 },
    });
    assert.equal(parseWebviewMessage({ type: 'requestSamples', payload: { runId: 'r', afterStep: '64' } }), undefined);
    assert.equal(parseWebviewMessage({ type: 'requestSamples', payload: {} }), undefined);
  });

  it('checks samples answers on the page; a null reward becomes NaN', () => {
    const ok = parseHostMessage({ type: 'samples', payload: { runId: 'r', rows: [row(16)], afterStep: 8 } });
    assert.deepEqual(ok, { type: 'samples', payload: { runId: 'r', rows: [row(16)], afterStep: 8 } });
    const nan = parseHostMessage({ type: 'samples', payload: { runId: 'r', rows: [{ step: 1, samples: [{ prompt: 'p', completion: 'c', reward: null }] }] } });
    assert.ok(nan?.type === 'samples' && Number.isNaN(nan.payload.rows[0].samples[0].reward));
    assert.equal(parseHostMessage({ type: 'samples', payload: { runId: 'r', rows: [{ step: 1, samples: [{ prompt: 1 }] }] } }), undefined);
  });

  it('keeps only well-typed fields of a saved state and picks the newer of two', () => {
    const state = parsePersistedState({ selected: 'a', compare: ['b', 3], hiddenMetrics: ['m'], view: { logScale: true }, savedAt: 5, extra: 1 });
    assert.deepEqual(state, { selected: 'a', hiddenMetrics: ['m'], view: { logScale: true }, savedAt: 5 });
    assert.deepEqual(parseWebviewMessage({ type: 'saveState', payload: { selected: 'a', savedAt: 7 } }), { type: 'saveState', payload: { selected: 'a', savedAt: 7 } });
    assert.equal(newerState({ selected: 'old', savedAt: 1 }, { selected: 'new', savedAt: 2 }).selected, 'new');
    assert.equal(newerState({ selected: 'webview', savedAt: 3 }, { selected: 'host', savedAt: 2 }).selected, 'webview');
    assert.equal(newerState({ selected: 'unstamped' }, { selected: 'stamped', savedAt: 1 }).selected, 'stamped');
  });
});

describe('reward & KL chart metrics', () => {
  it('pairs the stages\' reward with their KL, reward alone when there is no KL, nothing for classic RL', () => {
    assert.deepEqual(rewardKlPair(new Set(['env/reward_mean', 'objective/kl', 'objective/rlhf_reward'])), { reward: 'env/reward_mean', kl: 'objective/kl' });
    assert.deepEqual(rewardKlPair(new Set(['rewards/margins', 'rewards/chosen'])), { reward: 'rewards/margins' });
    assert.equal(rewardKlPair(new Set(['charts/episodic_return', 'losses/approx_kl'])), undefined);
  });
});

describe('samples panel requests', () => {
  const run = (status: RunSummary['status'], algo = 'ppo_rlhf'): RunSummary => ({
    id: 'r', experiment: 'e', file: 'f', algo, env: 'text/sort-digits', seed: 1, status, startTime: '', globalStep: 0, totalSteps: 1, runDir: '',
  });

  function setup(looksRlhf = false) {
    let clock = 0;
    const asked: (number | undefined)[] = [];
    const shown: number[] = [];
    const view = { show: (_r: RunSummary, rows: readonly SamplesRow[]) => shown.push(rows.length), hide: () => shown.push(0) } as unknown as SamplesView;
    const panel = new SamplesPanel(view, (_id, after) => asked.push(after), () => looksRlhf, () => clock);
    return { panel, asked, shown, tick: (ms: number) => (clock += ms) };
  }

  it('asks once for a selected RLHF run, then after its last step as metrics arrive (at most once a second), and once at the end', () => {
    const { panel, asked, shown, tick } = setup();
    panel.update(run('running'));
    panel.update(run('running'));
    assert.deepEqual(asked, [undefined], 'one request in flight');
    panel.receive('r', [row(16), row(32)], undefined);
    assert.equal(shown.at(-1), 2);
    tick(1500);
    panel.onMetrics('r');
    panel.onMetrics('r');
    assert.deepEqual(asked, [undefined, 32]);
    panel.receive('r', [row(32), row(48)], 32);
    assert.equal(shown.at(-1), 3, 'overlapping rows are not doubled');
    tick(200);
    panel.onMetrics('r');
    assert.equal(asked.length, 2, 'not again within a second');
    panel.update(run('completed'));
    assert.deepEqual(asked, [undefined, 32, 48], 'the final ask is not throttled');
    panel.update(run('completed'));
    panel.onMetrics('r');
    assert.equal(asked.length, 3);
  });

  it('never asks for a classic RL run, unless it logs RLHF metrics', () => {
    const classic = setup(false);
    classic.panel.update(run('running', 'ppo'));
    assert.deepEqual(classic.asked, []);
    const rlhfLike = setup(true);
    rlhfLike.panel.update(run('running', 'custom'));
    assert.deepEqual(rlhfLike.asked, [undefined]);
  });
});
