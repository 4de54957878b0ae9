/**
 * The dashboard's analysis features in a real browser (Debian Chromium via playwright-core,
 * the harness of dashboard.test.ts: the page the panel host builds, its real CSP), driven
 * through the real host <-> webview messages: smoothing (checked against the pure EMA and
 * moving average), x axes, log scale, zoom, comparing runs and the mean-with-band across
 * seeds (checked against the pure aggregation), the hyperparameter table, CSV and PNG export,
 * health alerts, the chart chooser, state that survives a reload, and a 1,000,000-point run.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DashboardPersistedState, MetricRow, RunSummary } from '../../server/src/protocol/types';
import { aggregateSeries } from '../../webview/src/charts/aggregate';
import { emaDebiased, movingAverage } from '../../webview/src/charts/smoothing';
import { ROWS_PER_PART } from '../../extension/src/dashboard/parts';
import { ppoRows, run } from './fixtures';
import { CHROMIUM, openDashboard, ROOT, serveDashboard, type DashboardPage } from './harness';

const RETURN = 'charts/episodic_return';
const KL = 'losses/approx_kl';
const N = 60;

/** Runs of one experiment differ by seed: a seed-dependent offset on the return. */
function seedRows(seed: number, count = N): MetricRow[] {
  return ppoRows(0, count, Date.UTC(2026, 0, 1, seed)).map((r, k) => ({ ...r, [RETURN]: r[RETURN] + 10 * seed + 5 * Math.cos(k * seed) }));
}

const a = run({ id: 'run-a', status: 'completed', seed: 1, startTime: '2026-01-01T03:00:00.000Z' });
const b = run({ id: 'run-b', status: 'completed', seed: 2, startTime: '2026-01-01T02:00:00.000Z' });
const c = run({ id: 'run-c', status: 'completed', seed: 1, experiment: 'cartpole-fast', startTime: '2026-01-01T01:00:00.000Z' });
/** Shaped like config.yaml: hyperparameters nested. */
const config = (lr: number, seed: number, targetKl: number | null = null) => ({
  experiment: 'x', algo: 'ppo', env: 'CartPole-v1', seed, hyperparameters: { learning_rate: lr, n_steps: 128, target_kl: targetKl },
});
const rowsOf: Record<string, MetricRow[]> = { 'run-a': seedRows(1), 'run-b': seedRows(2), 'run-c': seedRows(3) };
const configOf: Record<string, Record<string, unknown>> = { 'run-a': config(0.001, 1), 'run-b': config(0.001, 2), 'run-c': config(0.003, 1) };

type Drawn = { series: string; role: 'line' | 'raw' | 'bandLo' | 'bandHi'; data: { x: number; y: number }[] }[];
type Axes = { min: number; max: number; xTitle: string; yType: string };

const chartOf = (metric: string) => `section.chart[data-metric="${metric}"]`;
const chartData = (d: DashboardPage, metric: string) =>
  d.page.evaluate((m) => (window as unknown as { rlLabDashboard: { chartData(m: string): Drawn } }).rlLabDashboard.chartData(m), metric);
const axes = (d: DashboardPage, metric: string) =>
  d.page.evaluate((m) => (window as unknown as { rlLabDashboard: { axes(m: string): Axes } }).rlLabDashboard.axes(m), metric);
const savedState = (d: DashboardPage) =>
  d.page.evaluate(() => (window as unknown as { __rlLabSavedState(): DashboardPersistedState }).__rlLabSavedState());

function closeAll(actual: number[], expected: ArrayLike<number>, tol = 1e-9): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `[${i}] ${v} != ${expected[i]}`));
}

/** Picks an option of a toolkit dropdown the way a user does (click, then click the option). */
async function choose(d: DashboardPage, id: string, value: string): Promise<void> {
  await d.page.click(`#${id}`);
  await d.page.click(`#${id} vscode-option[value="${value}"]`);
}

/** Answers the page's requests for rows and configs as the panel host does. */
function answerRequests(d: DashboardPage): () => void {
  let handled = 0;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const m = await d.inbox.waitFor('requestRun', handled, 60_000).catch(() => undefined);
      if (!m || stopped) return;
      handled = d.inbox.messages.indexOf(m) + 1;
      const { runId, metrics } = m.payload;
      if (metrics) await d.send({ type: 'runMetrics', payload: { runId, rows: rowsOf[runId] ?? [] } });
      await d.send({ type: 'runConfig', payload: { runId, config: configOf[runId] ?? null } });
    }
  };
  void loop();
  return () => {
    stopped = true;
  };
}

describe('dashboard analysis in Chromium', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (run scripts/ensure-chromium.sh)` }, () => {
  let server: Server;
  let origin: string;
  let d: DashboardPage;
  let stopAnswering: () => void;
  /** The webview state after the settings tests, for the reload test. */
  let stateBeforeAlerts: DashboardPersistedState;

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'webview.js')), 'dist/webview.js is missing: run node scripts/build.mjs --only=webview');
    const served = await serveDashboard();
    server = served.server;
    origin = served.origin;
    d = await openDashboard(origin);
    await d.inbox.waitFor('ready');
    stopAnswering = answerRequests(d);
    await d.send({ type: 'snapshot', payload: { runs: [a, b, c], metrics: { 'run-a': rowsOf['run-a'] }, focus: 'run-a' } });
    await d.page.waitForSelector(`${chartOf(RETURN)}[data-points="${N}"]`);
  });

  after(async () => {
    stopAnswering?.();
    await d?.browser.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('asks the host for the focused run\'s config', async () => {
    const request = await d.inbox.waitFor('requestRun');
    assert.deepEqual(request.payload, { runId: 'run-a', metrics: false });
  });

  it('smooths with TensorBoard\'s debiased EMA, the raw series drawn behind', async () => {
    const raw = rowsOf['run-a'].map((r) => r[RETURN]);
    let drawn = await chartData(d, RETURN);
    assert.deepEqual(drawn.map((s) => s.role), ['raw', 'line']);
    closeAll(drawn[0].data.map((p) => p.y), raw);
    closeAll(drawn[1].data.map((p) => p.y), emaDebiased(raw, 0.6));
    // The weight slider, as a user drags it.
    await d.page.$eval('#ema-weight', (e) => {
      const input = e as HTMLInputElement;
      input.value = '0.9';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    drawn = await chartData(d, RETURN);
    closeAll(drawn[1].data.map((p) => p.y), emaDebiased(raw, 0.9));
  });

  it('switches to a moving average of the chosen window, and back', async () => {
    const raw = rowsOf['run-a'].map((r) => r[RETURN]);
    await choose(d, 'smoothing', 'window');
    await d.page.fill('#window-size', '5');
    await d.page.press('#window-size', 'Enter');
    await d.page.waitForFunction(() => (document.getElementById('window-size') as HTMLInputElement).value === '5');
    const drawn = await chartData(d, RETURN);
    closeAll(drawn.find((s) => s.role === 'line')!.data.map((p) => p.y), movingAverage(raw, 5));
    await choose(d, 'smoothing', 'none');
    assert.deepEqual((await chartData(d, RETURN)).map((s) => s.role), ['line'], 'no faint copy without smoothing');
    await choose(d, 'smoothing', 'ema');
  });

  it('draws the min/max envelope on request', async () => {
    await d.page.click('#envelope');
    const drawn = await chartData(d, RETURN);
    assert.deepEqual(drawn.map((s) => s.role), ['bandLo', 'bandHi', 'raw', 'line']);
    const lo = drawn[0].data;
    const hi = drawn[1].data;
    assert.ok(lo.length > 0 && lo.every((p, i) => p.y <= hi[i].y));
    await d.page.click('#envelope');
  });

  it('puts env steps, updates, wall time or relative time on the x axis', async () => {
    const rows = rowsOf['run-a'];
    const xs = async () => (await chartData(d, RETURN)).find((s) => s.role === 'line')!.data.map((p) => p.x);
    assert.deepEqual(await xs(), rows.map((r) => r.step));
    await choose(d, 'x-axis', 'update');
    assert.deepEqual(await xs(), rows.map((_, i) => i));
    assert.equal((await axes(d, RETURN)).xTitle, 'updates (logged rows)');
    await choose(d, 'x-axis', 'wall');
    assert.deepEqual(await xs(), rows.map((r) => r.time));
    await choose(d, 'x-axis', 'relative');
    closeAll(await xs(), rows.map((r) => (r.time - rows[0].time) / 1000));
    await choose(d, 'x-axis', 'step');
    assert.equal((await axes(d, RETURN)).xTitle, 'env steps');
  });

  it('switches the y axis to a log scale, from the keyboard (Enter on the checkbox)', async () => {
    await d.page.focus('#log-scale');
    await d.page.keyboard.press('Enter');
    await d.page.waitForFunction(() => (window as unknown as { rlLabDashboard: { settings(): { logScale: boolean } } }).rlLabDashboard.settings().logScale);
    assert.equal((await axes(d, KL)).yType, 'logarithmic');
    await d.page.keyboard.press('Space');
    await d.page.waitForFunction(() => !(window as unknown as { rlLabDashboard: { settings(): { logScale: boolean } } }).rlLabDashboard.settings().logScale);
    assert.equal((await axes(d, KL)).yType, 'linear');
  });

  it('zooms and pans the x axis of every chart from the keyboard, and resets', async () => {
    const full = await axes(d, RETURN);
    await d.page.focus(`${chartOf(RETURN)} canvas`);
    await d.page.keyboard.press('+');
    await d.page.waitForFunction(() => !(document.getElementById('reset-zoom') as HTMLElement & { disabled: boolean }).disabled);
    // The charts redraw on the next animation frame.
    await d.page.waitForFunction((span) => {
      const w = window as unknown as { rlLabDashboard: { axes(m: string): { min: number; max: number } } };
      const now = w.rlLabDashboard.axes('charts/episodic_return');
      return now.max - now.min < span;
    }, full.max - full.min);
    const zoomed = await axes(d, RETURN);
    assert.ok(zoomed.max - zoomed.min < full.max - full.min, 'the window narrowed');
    const other = await axes(d, KL);
    assert.deepEqual([other.min, other.max], [zoomed.min, zoomed.max], 'all charts share the window');
    await d.page.keyboard.press('ArrowRight');
    await d.page.waitForFunction((min) => {
      const w = window as unknown as { rlLabDashboard: { axes(m: string): { min: number } } };
      return w.rlLabDashboard.axes('charts/episodic_return').min > min;
    }, zoomed.min);
    // Ctrl + wheel zooms too; double-click resets.
    await d.page.keyboard.press('0');
    await d.page.waitForFunction(() => (document.getElementById('reset-zoom') as HTMLElement & { disabled: boolean }).disabled);
    await d.page.waitForFunction(({ min, max }) => {
      const w = window as unknown as { rlLabDashboard: { axes(m: string): { min: number; max: number } } };
      const now = w.rlLabDashboard.axes('charts/episodic_return');
      return now.min === min && now.max === max;
    }, { min: full.min, max: full.max });
  });

  it('shows a crosshair read-out of every line at the pointer', async () => {
    const box = (await d.page.locator(`${chartOf(RETURN)} canvas`).boundingBox())!;
    await d.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const text = await d.page.locator(`${chartOf(RETURN)} .readout`).textContent();
    assert.match(text ?? '', /cartpole-ppo · seed 1: \d/);
    await d.page.mouse.move(0, 0);
  });

  it('compares runs picked in the panel: asks for their rows, overlays them, tabulates differing hyperparameters', async () => {
    await d.page.click('#compare-run-b');
    await d.page.click('#compare-run-c');
    await d.page.waitForSelector(`${chartOf(RETURN)}[data-series="3"]`);
    const requests = d.inbox.messages.filter((m) => m.type === 'requestRun').map((m) => m.payload);
    assert.deepEqual(requests.filter((p) => p.metrics), [{ runId: 'run-b', metrics: true }, { runId: 'run-c', metrics: true }]);
    await d.page.waitForSelector('#hyperparams tr.differs[data-key="learning_rate"]');
    const differing = await d.page.$$eval('#hyperparams tr.differs', (rows) => rows.map((r) => (r as HTMLElement).dataset.key));
    assert.deepEqual(differing, ['learning_rate', 'seed']);
    const same = await d.page.$eval('#hyperparams tr[data-key="n_steps"]', (r) => r.className);
    assert.equal(same, '');
  });

  it('aggregates the runs of one experiment as a mean with a std band, then a 95% CI', async () => {
    await d.page.click('#group-experiment');
    await d.page.waitForSelector(`${chartOf(RETURN)}[data-series="2"]`);
    const smoothed = ['run-a', 'run-b'].map((id) => {
      const rows = rowsOf[id];
      return { x: rows.map((r) => r.step), y: emaDebiased(rows.map((r) => r[RETURN]), 0.9) };
    });
    await mkdir(join(ROOT, 'test-results', 'browser'), { recursive: true });
    await d.page.screenshot({ path: join(ROOT, 'test-results', 'browser', 'dashboard-compare.png'), fullPage: true });
    for (const band of ['std', 'ci95'] as const) {
      if (band === 'ci95') await choose(d, 'band', 'ci95');
      const expected = aggregateSeries(smoothed, 300, band);
      const drawn = (await chartData(d, RETURN)).filter((s) => s.series === 'group:cartpole-ppo');
      assert.deepEqual(drawn.map((s) => s.role), ['bandLo', 'bandHi', 'line']);
      closeAll(drawn[2].data.map((p) => p.y), expected.mean);
      closeAll(drawn[0].data.map((p) => p.y), expected.lo);
      closeAll(drawn[1].data.map((p) => p.y), expected.hi);
    }
    await choose(d, 'band', 'std');
    await d.page.click('#group-experiment');
    await d.page.waitForSelector(`${chartOf(RETURN)}[data-series="3"]`);
  });

  it('exports the chosen runs and metrics as CSV, every stored row', async () => {
    const from = d.inbox.messages.length;
    await d.page.click('#export-csv');
    const { payload } = await d.inbox.waitFor('exportCsv', from);
    assert.match(payload.fileName, /\.csv$/);
    const lines = payload.csv.trimEnd().split('\n');
    const header = lines[0].split(',');
    assert.deepEqual(header.slice(0, 5), ['run_id', 'experiment', 'seed', 'step', 'time']);
    assert.ok(header.includes(RETURN) && header.includes(KL));
    assert.equal(lines.length, 1 + 3 * N);
    const first = rowsOf['run-a'][0];
    const cells = lines[1].split(',');
    assert.deepEqual(cells.slice(0, 5), ['run-a', 'cartpole-ppo', '1', String(first.step), String(first.time)]);
    assert.equal(Number(cells[header.indexOf(RETURN)]), first[RETURN]);
    assert.equal(lines.filter((l) => l.startsWith('run-c,cartpole-fast,1,')).length, N);
  });

  it('exports a chart as PNG', async () => {
    const from = d.inbox.messages.length;
    await d.page.click(`${chartOf(RETURN)} vscode-button.png`);
    const { payload } = await d.inbox.waitFor('exportPng', from);
    assert.equal(payload.fileName, 'charts_episodic_return.png');
    const bytes = Buffer.from(payload.dataUrl.replace('data:image/png;base64,', ''), 'base64');
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(bytes.length > 2000);
  });

  it('hides and shows charts from the chart chooser, and keeps the choice in the webview state', async () => {
    await d.page.click('.chart-picker summary');
    await d.page.click('vscode-checkbox[data-metric="charts/SPS"]');
    await d.page.waitForSelector(chartOf('charts/SPS'), { state: 'detached' });
    const state = await savedState(d);
    assert.deepEqual(state.hiddenMetrics, ['charts/SPS']);
    assert.deepEqual(state.compare, ['run-b', 'run-c']);
    assert.equal(state.view?.emaWeight, 0.9);
    stateBeforeAlerts = state;
  });

  it('marks health alerts on the chart and on the run picker: KL far above target, NaN loss', async () => {
    const sick = run({ id: 'run-sick', status: 'running', seed: 9, startTime: '2026-01-01T05:00:00.000Z' });
    configOf['run-sick'] = config(0.001, 9, 0.01);
    await d.send({ type: 'runStatus', payload: sick });
    await d.send({ type: 'compare', payload: { runIds: ['run-sick'] } });
    await d.page.waitForFunction(() => document.getElementById('run-details')?.textContent?.includes('seed 9'));
    await d.inbox.waitFor('requestRun', d.inbox.messages.findIndex((m) => m.type === 'requestRun' && m.payload.runId === 'run-sick'));
    const rows = ppoRows(0, 30).map((r, k) => ({ ...r, [KL]: k === 20 ? 0.4 : r[KL] }));
    await d.send({ type: 'metrics', payload: { runId: 'run-sick', rows } });
    // NaN arrives as null (JSON).
    await d.send({ type: 'metrics', payload: { runId: 'run-sick', rows: [{ ...ppoRows(30, 1)[0], 'losses/value_loss': null as unknown as number }] } });
    await d.page.waitForSelector(`${chartOf(KL)}[data-alerts="1"] .alert-list li[data-kind="klHigh"]`);
    await d.page.waitForSelector(`${chartOf('losses/value_loss')}[data-alerts="1"] li[data-kind="nonFinite"]`);
    assert.match((await d.page.textContent(`${chartOf(KL)} .alert-list`)) ?? '', /approx KL 0\.400 above 0\.0500 at step 5,?376|approx KL 0\.400 above 0\.0500 at step 5376/);
    assert.match((await d.page.textContent('#compare-run-sick')) ?? '', /⚠ 2/);
    // The mark is drawn: the canvas has the alert colour's pixels near the top of the plot.
    assert.equal((await d.page.$$('#compare-run-sick')).length, 1);
  });

  it('posts nothing the host would reject, with no CSP violation or error', () => {
    assert.deepEqual(d.problems, []);
    assert.deepEqual(d.inbox.messages.filter((m) => m.type === 'error'), []);
  });

  it('restores the chosen runs, hidden charts and settings after a reload', async () => {
    const again = await openDashboard(origin, { state: stateBeforeAlerts });
    try {
      await again.inbox.waitFor('ready');
      await again.send({ type: 'snapshot', payload: { runs: [a, b, c], metrics: { 'run-a': rowsOf['run-a'], 'run-b': rowsOf['run-b'] }, focus: 'run-a' } });
      const req = await again.inbox.waitFor('requestRun');
      assert.ok(req);
      await again.page.waitForSelector(`${chartOf(RETURN)}[data-series]`);
      assert.equal(await again.page.$(chartOf('charts/SPS')), null, 'SPS stays hidden');
      const settings = await again.page.evaluate(() => (window as unknown as { rlLabDashboard: { settings(): { emaWeight: number } } }).rlLabDashboard.settings());
      assert.equal(settings.emaWeight, 0.9);
      assert.equal(await again.page.$eval('#compare-run-b', (e) => (e as HTMLElement & { checked: boolean }).checked), true);
      assert.deepEqual(again.problems, []);
    } finally {
      await again.browser.close();
    }
  });
});

describe('a 1,000,000-point run in Chromium', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, () => {
  let server: Server;
  let d: DashboardPage;
  const big: RunSummary = run({ id: 'run-big', status: 'running', globalStep: 8_000_000, totalSteps: 10_000_000 });

  before(async () => {
    const served = await serveDashboard();
    server = served.server;
    d = await openDashboard(served.origin);
    await d.inbox.waitFor('ready');
  });

  after(async () => {
    await d?.browser.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /**
   * Rows are made in the page (a million rows through CDP would test the test harness) and
   * posted to the window as the host's messages are: the real parse, model and chart path.
   */
  const makeRows = (from: number, count: number) =>
    d.page.evaluate(`(() => {
      const rows = new Array(${count});
      for (let i = ${from}; i < ${from + count}; i++) {
        rows[i - ${from}] = { step: i * 8, time: 1767225600000 + i * 5, 'charts/episodic_return': 100 + 400 * (1 - Math.exp(-i / 2e5)) + 20 * Math.sin(i / 50), 'losses/approx_kl': 0.01 + 0.005 * Math.cos(i / 1000) };
      }
      window.__rows = rows;
    })()`);
  const post = (message: string) => d.page.evaluate(`window.postMessage(${message}, '*')`);

  it('opens from a snapshot and the stored rows in parts (as the panel host sends them): every point stored, a few hundred drawn per line', async () => {
    await makeRows(0, 1_000_000);
    // The host sends an empty series in the snapshot, then the rows in parts (extension/src/dashboard/parts.ts).
    await post(`{ type: 'snapshot', payload: { runs: [${JSON.stringify(big)}], metrics: { 'run-big': [] }, focus: 'run-big' } }`);
    const count = Math.ceil(1_000_000 / ROWS_PER_PART);
    for (let index = 0; index < count; index++) {
      await post(`{ type: 'runMetrics', payload: { runId: 'run-big', rows: window.__rows.slice(${index * ROWS_PER_PART}, ${(index + 1) * ROWS_PER_PART}), part: { index: ${index}, count: ${count} } } }`);
      // The page answers between parts.
      if (index === count / 2) assert.equal(await d.page.evaluate('document.readyState'), 'complete');
    }
    assert.ok(!d.inbox.messages.some((m) => m.type === 'selectRun' || m.type === 'requestRun' && m.payload.metrics), 'the page waits for the parts');
    await d.page.waitForSelector(`${chartOf(RETURN)}[data-points="1000000"]`, { timeout: 120_000 });
    const drawn = Number(await d.page.getAttribute(chartOf(RETURN), 'data-drawn'));
    assert.ok(drawn > 100 && drawn <= 600, `drawn ${drawn}`);
  });

  it('takes live rows without blocking the page', async () => {
    await makeRows(1_000_000, 1000);
    await post(`{ type: 'metrics', payload: { runId: 'run-big', rows: window.__rows } }`);
    // The page still answers while it takes them in, and draws them.
    assert.equal(await d.page.evaluate('1 + 1'), 2);
    await d.page.waitForSelector(`${chartOf(RETURN)}[data-points="1001000"]`, { timeout: 60_000 });
    await d.page.waitForSelector(`${chartOf(KL)}[data-points="1001000"]`);
    const last = (await chartData(d, RETURN)).find((s) => s.role === 'line')!.data.at(-1)!;
    assert.equal(last.x, 1_000_999 * 8, 'the newest row is on the chart');
    assert.deepEqual(d.problems, []);
  });

  it('zooms into the large run: the window is decimated afresh from the stored points', async () => {
    await d.page.focus(`${chartOf(RETURN)} canvas`);
    for (let i = 0; i < 12; i++) await d.page.keyboard.press('+');
    await d.page.waitForFunction(() => {
      const w = window as unknown as { rlLabDashboard: { axes(m: string): { min: number; max: number } } };
      const a = w.rlLabDashboard.axes('charts/episodic_return');
      return a.max - a.min < 8_008_000 * 0.1;
    });
    const line = (await chartData(d, RETURN)).find((s) => s.role === 'line')!.data;
    const ax = await axes(d, RETURN);
    const inside = line.filter((p) => p.x >= ax.min && p.x <= ax.max).length;
    assert.ok(inside > 100, `${inside} points inside the zoomed window`);
  });
});
