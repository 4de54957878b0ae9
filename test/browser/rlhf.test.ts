/**
 * The dashboard's RLHF pieces in Chromium (the harness of dashboard.test.ts: the page the panel
 * host builds, its real CSP), fed through the real host <-> webview messages: a live RLHF run's
 * reward and KL on one chart with two y axes, pinned first (and the classic-RL pinned charts it
 * never logs left out), and the table of sampled completions per logged step with their
 * rewards: asked for with `requestSamples`, answered with `samples`, a step slider, and new
 * steps arriving live (asked only after the last step the page holds).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MetricRow, SamplesRow } from '../../server/src/protocol/types';
import { REWARD_KL_CHART } from '../../webview/src/rlhf/metrics';
import { run } from './fixtures';
import { CHROMIUM, openDashboard, ROOT, serveDashboard, type DashboardPage } from './harness';

const REWARD = 'env/reward_mean';
const KL = 'objective/kl';
const LOG_EVERY = 16;

/** What a ppo_rlhf stage logs per update (TRL-style names), deterministic. */
function rlhfRows(from: number, count: number): MetricRow[] {
  const rows: MetricRow[] = [];
  for (let k = from; k < from + count; k++) {
    rows.push({
      step: (k + 1) * LOG_EVERY,
      time: Date.UTC(2026, 0, 1) + k * 500,
      [REWARD]: 1 - Math.exp(-k / 10),
      [KL]: 0.02 * k,
      'objective/entropy': 2 - k / 50,
      'losses/policy_loss': -0.05 + 0.001 * k,
      'losses/value_loss': 0.5 * Math.exp(-k / 20),
    });
  }
  return rows;
}

/** The sampled completions logged with update k (the sort-digits task: reward = sorted or not). */
function samplesRow(k: number): SamplesRow {
  return {
    step: (k + 1) * LOG_EVERY,
    samples: [
      { prompt: `sort: 3${k % 10}1`, completion: k > 3 ? `1${k % 10}3` : '311', reward: k > 3 ? 1 : 0 },
      { prompt: 'sort: 987', completion: '<b>789</b>', reward: 0.5 + k / 100 },
    ],
  };
}

const rlhfRun = run({ id: 'run-rlhf', status: 'running', algo: 'ppo_rlhf', env: 'text/sort-digits', experiment: 'sort-ppo', totalSteps: 10_000 });

describe('RLHF runs on the dashboard in Chromium', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (run scripts/ensure-chromium.sh)` }, () => {
  let server: Server;
  let d: DashboardPage;

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'webview.js')), 'dist/webview.js is missing: run node scripts/build.mjs --only=webview');
    const served = await serveDashboard();
    server = served.server;
    d = await openDashboard(served.origin);
    await d.inbox.waitFor('ready');
    await d.send({ type: 'snapshot', payload: { runs: [rlhfRun], metrics: { [rlhfRun.id]: rlhfRows(0, 5) }, focus: rlhfRun.id } });
  });

  after(async () => {
    await d?.browser.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  const chart = `section.chart[data-metric="${REWARD_KL_CHART}"]`;
  type Drawn = { series: string; role: string; axis: string; data: { x: number; y: number }[] }[];
  const drawn = () => d.page.evaluate((m) => (window as unknown as { rlLabDashboard: { chartData(m: string): Drawn } }).rlLabDashboard.chartData(m), REWARD_KL_CHART);

  it('plots reward and KL on one chart with two y axes, pinned first; classic pinned charts it never logs are left out', async () => {
    await d.page.waitForSelector(`${chart}[data-series="1"][data-series2="1"]`);
    const first = await d.page.$eval('#charts section.chart', (e) => (e as HTMLElement).dataset.metric);
    assert.equal(first, REWARD_KL_CHART, 'the reward & KL chart comes first');
    assert.equal(await d.page.$('section.chart[data-metric="charts/episodic_return"]'), null, 'no empty episodic-return chart');
    assert.ok(await d.page.$('section.chart[data-metric="losses/policy_loss"]'), 'pinned losses it logs stay');
    assert.ok(await d.page.$('section.chart[data-metric="objective/entropy"]'), 'its other metrics get their own charts');
    const lines = (await drawn()).filter((x) => x.role === 'line');
    assert.deepEqual(lines.map((x) => x.axis), ['y', 'y2']);
    // Unsmoothed values are checked on the raw series: reward left, KL right.
    const raw = (await drawn()).filter((x) => x.role === 'raw');
    assert.deepEqual(raw[0].data.map((p) => p.y), rlhfRows(0, 5).map((r) => r[REWARD]));
    assert.deepEqual(raw[1].data.map((p) => p.y), rlhfRows(0, 5).map((r) => r[KL]));
    const label = (await d.page.getAttribute(`${chart} canvas`, 'aria-label')) ?? '';
    assert.match(label, new RegExp(`${REWARD.replace('/', '\\/')}.*${KL.replace('/', '\\/')}`));
  });

  it('asks for the selected RLHF run\'s samples and shows the newest step\'s completions with their rewards', async () => {
    const ask = await d.inbox.waitFor('requestSamples');
    assert.deepEqual(ask.payload, { runId: rlhfRun.id });
    await d.send({ type: 'samples', payload: { runId: rlhfRun.id, rows: [0, 1, 2, 3, 4].map(samplesRow) } });
    await d.page.waitForSelector('#samples:not([hidden])[data-step="80"][data-steps="5"]');
    const cells = await d.page.$$eval('#samples-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent)));
    assert.deepEqual(cells, [
      ['1', 'sort: 341', '143', '1'],
      ['2', 'sort: 987', '<b>789</b>', '0.54'],
    ]);
    // Text, never markup: a completion with tags shows them.
    assert.equal(await d.page.$('#samples-table b'), null);
    assert.match((await d.page.textContent('#samples-caption')) ?? '', /^Step 80 \(5 of 5 logged\) · 2 samples · mean reward 0\.77$/);
  });

  it('picks an earlier step with the slider from the keyboard, and stops following the newest', async () => {
    await d.page.focus('#samples-step');
    await d.page.keyboard.press('Home');
    await d.page.waitForSelector('#samples[data-step="16"]');
    assert.deepEqual(await d.page.$$eval('#samples-table tbody td.sample-reward', (tds) => tds.map((t) => t.textContent)), ['0', '0.5']);
    assert.equal(await d.page.$eval('#samples-follow', (e) => (e as HTMLElement & { checked: boolean }).checked), false);
    await d.page.keyboard.press('ArrowRight');
    await d.page.waitForSelector('#samples[data-step="32"]');
  });

  /**
   * Streams one metrics row at a time (as the host does while the run trains) until the page
   * asks for samples: it asks at most once a second, so the first rows may not prompt it.
   */
  let nextUpdate = 5;
  async function streamUntilAsked(): Promise<{ runId: string; afterStep?: number }> {
    for (let tries = 0; tries < 20; tries++) {
      const from = d.inbox.messages.length;
      await d.send({ type: 'metrics', payload: { runId: rlhfRun.id, rows: rlhfRows(nextUpdate++, 1) } });
      const ask = await d.inbox.waitFor('requestSamples', from, 1_500).catch(() => undefined);
      if (ask) return ask.payload;
    }
    throw new Error('the page never asked for new samples');
  }

  it('gets new steps live: asks after the last step it holds when metrics arrive, keeps the chosen step, follows again on request', async () => {
    assert.deepEqual(await streamUntilAsked(), { runId: rlhfRun.id, afterStep: 80 });
    await d.send({ type: 'samples', payload: { runId: rlhfRun.id, rows: [5, 6, 7].map(samplesRow), afterStep: 80 } });
    await d.page.waitForSelector('#samples[data-steps="8"][data-step="32"]');
    // The chart grew too.
    await d.page.waitForFunction((sel) => Number((document.querySelector(sel) as HTMLElement | null)?.dataset.points) >= 6, chart);
    await d.page.click('#samples-follow');
    await d.page.waitForSelector('#samples[data-step="128"]');
    // While following, a new step shows at once.
    assert.deepEqual(await streamUntilAsked(), { runId: rlhfRun.id, afterStep: 128 });
    await d.send({ type: 'samples', payload: { runId: rlhfRun.id, rows: [samplesRow(8)], afterStep: 128 } });
    await d.page.waitForSelector('#samples[data-step="144"][data-steps="9"]');
  });

  it('asks once more when the run ends, for its last samples', async () => {
    const from = d.inbox.messages.length;
    await d.send({ type: 'runStatus', payload: { ...rlhfRun, status: 'completed' } });
    const ask = await d.inbox.waitFor('requestSamples', from);
    assert.deepEqual(ask.payload, { runId: rlhfRun.id, afterStep: 144 });
    await d.send({ type: 'samples', payload: { runId: rlhfRun.id, rows: [samplesRow(9)], afterStep: 144 } });
    await d.page.waitForSelector('#samples[data-step="160"][data-steps="10"][data-live="false"]');
  });

  it('posted nothing but what the protocol allows, with no CSP violation or error', () => {
    assert.deepEqual(d.problems, []);
    assert.deepEqual(d.inbox.messages.filter((m) => m.type === 'error'), []);
  });
});
