/**
 * The dashboard bundle in a real browser (Debian Chromium via playwright-core): the page the
 * panel host builds, with its real CSP, fed the real host-to-webview messages.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PINNED_METRICS } from '../../server/src/protocol/types';
import { ppoRows, run, STEPS_PER_UPDATE } from './fixtures';
import { CHROMIUM, openDashboard, ROOT, serveDashboard, type DashboardPage } from './harness';

const finished = run({
  id: '20260101-000000-cartpole-ppo-s1',
  status: 'completed',
  globalStep: 100_000,
  endTime: '2026-01-01T00:01:00.000Z',
  meanReturn: 487.25,
});
const live = run({
  id: '20260101-010000-cartpole-ppo-s2',
  status: 'running',
  seed: 2,
  startTime: '2026-01-01T01:00:00.000Z',
  globalStep: 10 * STEPS_PER_UPDATE,
});

/** The chart element of a metric, by the attributes the dashboard publishes. */
const chartOf = (metric: string) => `section.chart[data-metric="${metric}"]`;

describe('dashboard webview in Chromium', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (run scripts/ensure-chromium.sh)` }, () => {
  let server: Server;
  let unknownPaths: string[];
  let d: DashboardPage;

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'webview.js')), 'dist/webview.js is missing: run node scripts/build.mjs --only=webview');
    const served = await serveDashboard();
    server = served.server;
    unknownPaths = served.unknownPaths;
    d = await openDashboard(served.origin);
  });

  after(async () => {
    await d?.browser.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('posts ready before anything else', async () => {
    const ready = await d.inbox.waitFor('ready');
    assert.deepEqual(ready, { type: 'ready' });
    assert.equal(d.inbox.messages[0]?.type, 'ready');
  });

  it('renders a finished run from a snapshot: one chart per pinned metric, with points drawn', async () => {
    await d.send({
      type: 'snapshot',
      payload: { runs: [finished], metrics: { [finished.id]: ppoRows(0, 390) }, focus: finished.id },
    });
    for (const metric of PINNED_METRICS) {
      await d.page.waitForSelector(`${chartOf(metric)}[data-points="390"] canvas`);
      const drawn = Number(await d.page.getAttribute(chartOf(metric), 'data-drawn'));
      assert.ok(drawn > 0, `${metric}: the chart laid out no points`);
    }
    // The pinned metrics come first, in protocol order.
    const order = await d.page.$$eval('section.chart', (els) => els.map((e) => (e as HTMLElement).dataset.metric));
    assert.deepEqual(order.slice(0, PINNED_METRICS.length), [...PINNED_METRICS]);
    // The canvas really has ink on it (not just a chart object).
    const inked = await d.page.$eval(`${chartOf('charts/episodic_return')} canvas`, (c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
      return n;
    });
    assert.ok(inked > 500, `episodic return canvas has ${inked} painted pixels`);
    assert.equal(await d.page.textContent('#run-status'), 'completed');
    assert.ok(await d.page.isHidden('#stop-run'), 'no Stop button for a finished run');
    assert.match((await d.page.textContent('#run-progress')) ?? '', /mean return 487\.3/);
  });

  it('groups the other logged metrics by namespace after the pinned ones', async () => {
    const sections = await d.page.$$eval('.chart-section', (els) =>
      els.map((e) => ({
        title: (e as HTMLElement).dataset.section,
        metrics: Array.from(e.querySelectorAll('section.chart')).map((c) => (c as HTMLElement).dataset.metric),
      })),
    );
    assert.deepEqual(sections, [
      { title: 'Training', metrics: [...PINNED_METRICS] },
      { title: 'charts', metrics: ['charts/SPS', 'charts/learning_rate'] },
      { title: 'losses', metrics: ['losses/clipfrac', 'losses/explained_variance'] },
    ]);
  });

  it('draws live points as increments arrive', async () => {
    const from = d.inbox.messages.length;
    await d.send({
      type: 'snapshot',
      payload: { runs: [finished, live], metrics: { [live.id]: ppoRows(0, 10) }, focus: live.id },
    });
    await d.page.waitForSelector(`${chartOf('charts/episodic_return')}[data-points="10"]`);
    assert.equal(await d.page.textContent('#run-status'), 'running');
    assert.ok(await d.page.isVisible('#stop-run'));

    await d.send({ type: 'metrics', payload: { runId: live.id, rows: ppoRows(10, 5) } });
    await d.page.waitForSelector(`${chartOf('charts/episodic_return')}[data-points="15"]`);
    // An overlapping batch (rows the page already holds, then new ones) adds only the new rows.
    await d.send({ type: 'metrics', payload: { runId: live.id, rows: ppoRows(12, 6) } });
    await d.page.waitForSelector(`${chartOf('losses/approx_kl')}[data-points="18"]`);
    const drawn = Number(await d.page.getAttribute(chartOf('losses/approx_kl'), 'data-drawn'));
    assert.equal(drawn, 18);

    await d.send({ type: 'runStatus', payload: { ...live, globalStep: 18 * STEPS_PER_UPDATE, meanReturn: 61.5 } });
    await d.page.waitForFunction(() => document.getElementById('run-progress')?.textContent?.includes('4,608 / 100,000'));
    // Switching runs is the user's doing: a snapshot's focus does not echo back as selectRun.
    assert.equal(d.inbox.messages.slice(from).filter((m) => m.type === 'selectRun').length, 0);
  });

  it('posts stopRun for the run on screen when Stop is clicked', async () => {
    const from = d.inbox.messages.length;
    await d.page.click('#stop-run');
    const stop = await d.inbox.waitFor('stopRun', from);
    assert.deepEqual(stop.payload, { runId: live.id });
  });

  it('shows the run as stopped when its status arrives', async () => {
    await d.send({ type: 'runStatus', payload: { ...live, status: 'stopped', globalStep: 18 * STEPS_PER_UPDATE } });
    await d.page.waitForFunction(() => document.getElementById('run-status')?.textContent === 'stopped');
    assert.ok(await d.page.isHidden('#stop-run'));
  });

  it('asks for a finished run\'s rows when it is picked, and charts them', async () => {
    const from = d.inbox.messages.length;
    await d.page.click('#run-select');
    await d.page.click(`vscode-option[value="${finished.id}"]`);
    const select = await d.inbox.waitFor('selectRun', from);
    assert.deepEqual(select.payload, { runId: finished.id });
    await d.send({ type: 'runMetrics', payload: { runId: finished.id, rows: ppoRows(0, 120) } });
    await d.page.waitForSelector(`${chartOf('losses/value_loss')}[data-points="120"]`);
    assert.equal(await d.page.textContent('#run-status'), 'completed');
  });

  it('focuses a run it has not heard of yet as soon as its status arrives', async () => {
    const started = run({ id: '20260101-020000-cartpole-ppo-s3', status: 'running', seed: 3, startTime: '2026-01-01T02:00:00.000Z' });
    await d.send({ type: 'focus', payload: { runId: started.id } });
    await d.send({ type: 'metrics', payload: { runId: started.id, rows: ppoRows(0, 3) } });
    await d.send({ type: 'runStatus', payload: started });
    await d.page.waitForFunction(() => document.getElementById('run-details')?.textContent?.includes('seed 3'));
    await d.page.waitForSelector(`${chartOf('charts/episodic_return')}[data-points="3"]`);
    assert.ok(await d.page.isVisible('#stop-run'));
    // Back to the finished run for the screenshot.
    await d.page.click('#run-select');
    await d.page.click(`vscode-option[value="${finished.id}"]`);
    await d.page.waitForFunction(() => document.getElementById('run-status')?.textContent === 'completed');
  });

  it('takes a screenshot', async () => {
    const dir = join(ROOT, 'test-results', 'browser');
    await mkdir(dir, { recursive: true });
    await d.send({ type: 'runMetrics', payload: { runId: finished.id, rows: ppoRows(0, 390) } });
    await d.page.waitForSelector(`${chartOf('charts/episodic_return')}[data-points="390"]`);
    await d.page.screenshot({ path: join(dir, 'dashboard.png'), fullPage: true });
  });

  it('loaded nothing but its own files, with no CSP violation or error', () => {
    assert.deepEqual(d.problems, []);
    assert.deepEqual(unknownPaths, []);
    assert.deepEqual(
      d.inbox.messages.filter((m) => m.type === 'error'),
      [],
    );
  });
});
