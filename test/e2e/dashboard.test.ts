/**
 * The dashboard in a real VS Code (code-server + chromium), through the extension host:
 * three seeds started from the "Run with 3 seeds" lens overlaid and averaged with a band;
 * comparing runs picked in the Runs tree (multi-select + context menu) and in the panel; the
 * hyperparameter table with the differing keys; a health alert (a run whose policy loss went
 * NaN, as a failed run leaves it in the run store) marked on its chart and on its tree item;
 * CSV and PNG export through VS Code's save dialog, checked on disk; zoom, pan and log scale
 * from mouse and keyboard; and the panel with its settings back after a window reload.
 *
 * Steps share one window and run in order; each leaves a screenshot in test-results/e2e/.
 * Needs `scripts/ensure-code-server.sh` and `npm run package` (the vsix).
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import type { DashboardViewSettings, RunSummary, SamplesRow } from '../../server/src/protocol/types';
import { loadExperimentConfig } from '../../server/src/experiments';
import { createRun, defaultRunsDir, MetricsWriter, writeRunSummary } from '../../server/src/training/runStore';
import { SAMPLES_FILE } from '../../server/src/training/samplesFile';
import { REWARD_KL_CHART } from '../../webview/src/rlhf/metrics';
import { makeWorkspace, Session, VSIX, waitUntil } from './helpers';

const EXTENSION_ID = 'rl-lab.rl-lab';
const RETURN = 'charts/episodic_return';
const POLICY_LOSS = 'losses/policy_loss';
const FILE = 'dash.rl.yaml';

// seeds-ppo trains for real (three seeds from its lens); nan-ppo is the recipe of the crafted
// failed run below (a learning rate that blew the policy loss up), so its config is real too.
const EXPERIMENTS = `# Small experiments for the dashboard e2e test.
seeds-ppo:
  algo: ppo
  env: CartPole-v1
  n_envs: 2
  n_timesteps: 4096
  n_steps: 64
  batch_size: 64
  n_epochs: 2

nan-ppo:
  algo: ppo
  env: CartPole-v1
  seed: 11
  n_envs: 2
  n_timesteps: 4096
  n_steps: 64
  batch_size: 64
  n_epochs: 2
  learning_rate: 0.5
`;

/** Step from which the crafted run's policy loss is NaN (what the engine stops a run on). */
const NAN_STEP = 3072;

/**
 * A failed run in the workspace's run store, written with the store's own functions as the
 * worker writes one: episodic returns, losses each update, the policy loss NaN from NAN_STEP
 * (JSON null on disk), status failed.
 */
function craftNanRun(workspace: string): RunSummary {
  const filePath = join(workspace, FILE);
  const loaded = loadExperimentConfig(EXPERIMENTS, filePath, 'nan-ppo');
  if ('error' in loaded) throw new Error(loaded.error.message);
  const start = new Date(Date.now() - 60_000);
  const run = createRun({ runsDir: defaultRunsDir(workspace), workspaceRoot: workspace, filePath, config: loaded.config, now: start });
  const writer = new MetricsWriter(run.runDir);
  let time = start.getTime();
  for (let step = 128; step <= NAN_STEP; step += 128) {
    time += 100;
    writer.append({ step, time, [RETURN]: 10 + step / 100, 'charts/episodic_length': 10 + step / 100 });
    writer.append({
      step,
      time: time + 1,
      [POLICY_LOSS]: step >= NAN_STEP ? Number.NaN : -0.01 - step / 1e6,
      'losses/value_loss': 20 - step / 1000,
      'losses/approx_kl': 0.004,
      'losses/entropy': 0.69 - step / 1e5,
      'losses/explained_variance': 0.1,
    });
  }
  writer.close();
  return writeRunSummary(run.runDir, {
    ...run,
    status: 'failed',
    error: `${POLICY_LOSS} is NaN at step ${NAN_STEP}`,
    globalStep: NAN_STEP,
    endTime: new Date(time + 10).toISOString(),
    backend: 'wasm',
  });
}

/** Completions sampled at each logged step of the crafted RLHF run (a line of samples.jsonl each). */
function rlhfSamples(k: number): SamplesRow {
  return {
    step: (k + 1) * 64,
    samples: [
      { prompt: `sort: ${k % 10}21`, completion: k > 2 ? `12${k % 10}` : '21', reward: k > 2 ? 1 : 0.25 },
      { prompt: 'sort: 97', completion: '79', reward: 0.5 + k / 100 },
    ],
  };
}
const RLHF_STEPS = 6;

/**
 * A finished run of an RLHF stage as its trainer leaves it: TRL-style reward and KL metrics,
 * and samples.jsonl with the completions sampled at each logged step. (Its config is the
 * nan-ppo recipe renamed: what the dashboard reads is the metrics and the samples.)
 */
function craftRlhfRun(workspace: string): RunSummary {
  const filePath = join(workspace, FILE);
  const loaded = loadExperimentConfig(EXPERIMENTS, filePath, 'nan-ppo');
  if ('error' in loaded) throw new Error(loaded.error.message);
  const start = new Date(Date.now() - 30_000);
  const config = { ...loaded.config, experiment: 'sort-rlhf', seed: 5 };
  const run = createRun({ runsDir: defaultRunsDir(workspace), workspaceRoot: workspace, filePath, config, now: start });
  const writer = new MetricsWriter(run.runDir);
  for (let k = 0; k < RLHF_STEPS; k++) {
    writer.append({ step: (k + 1) * 64, time: start.getTime() + 200 * k, 'env/reward_mean': 0.3 + 0.1 * k, 'objective/kl': 0.01 * k, 'objective/entropy': 2 - 0.1 * k });
    appendFileSync(join(run.runDir, SAMPLES_FILE), JSON.stringify(rlhfSamples(k)) + '\n');
  }
  writer.close();
  return writeRunSummary(run.runDir, { ...run, status: 'completed', globalStep: RLHF_STEPS * 64, totalSteps: RLHF_STEPS * 64, endTime: new Date(start.getTime() + 2000).toISOString(), backend: 'wasm' });
}

function runRecords(workspace: string): RunSummary[] {
  const dir = defaultRunsDir(workspace);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => existsSync(join(dir, id, 'run.json')))
    .map((id) => JSON.parse(readFileSync(join(dir, id, 'run.json'), 'utf8')) as RunSummary);
}

/** metrics.jsonl as parsed JSON (a NaN is null there). */
function jsonlRows(run: RunSummary): Record<string, number | null>[] {
  return readFileSync(join(run.runDir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, number | null>);
}

type Axes = { min: number; max: number; xTitle: string; yType: string };
type Drawn = { series: string; role: 'line' | 'raw' | 'bandLo' | 'bandHi'; data: { x: number; y: number }[] }[];
type Inspect = {
  rlLabDashboard: { axes(m: string): Axes | undefined; chartData(m: string): Drawn | undefined; settings(): DashboardViewSettings };
};

describe('RL Lab dashboard in VS Code (code-server)', { timeout: 900_000 }, () => {
  let s: Session;
  let workspace: string;
  let nanRun: RunSummary;
  let rlhfRun: RunSummary;
  let seeds: RunSummary[] = [];
  let dashboard: FrameLocator;

  before(async () => {
    assert.ok(existsSync(VSIX), `${VSIX} is missing: run \`npm run package\` first`);
    workspace = makeWorkspace({ [FILE]: EXPERIMENTS });
    nanRun = craftNanRun(workspace);
    rlhfRun = craftRlhfRun(workspace);
    s = await Session.start({ workspace, vsix: [VSIX] });
    await s.openWorkbench();
    dashboard = s.webview(EXTENSION_ID);
  });

  after(async () => {
    if (s) {
      await s.screenshot('dashboard-final').catch(() => undefined);
      await s.stop();
    }
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  const axes = (metric: string) =>
    dashboard.locator('body').evaluate((_b, m) => (window as unknown as Inspect).rlLabDashboard.axes(m), metric);
  const drawn = (metric: string) =>
    dashboard.locator('body').evaluate((_b, m) => (window as unknown as Inspect).rlLabDashboard.chartData(m) ?? [], metric);
  const settings = () => dashboard.locator('body').evaluate(() => (window as unknown as Inspect).rlLabDashboard.settings());
  const chart = (metric: string) => dashboard.locator(`section.chart[data-metric="${metric}"]`);
  const compareBox = (runId: string) => dashboard.locator(`vscode-checkbox[data-run-id="${runId}"]`);
  /** Run ids whose "Compare runs" box is checked in the panel. */
  const comparedInPanel = () =>
    dashboard
      .locator('.run-picker vscode-checkbox')
      .evaluateAll((boxes) => boxes.filter((b) => (b as HTMLElement & { checked: boolean }).checked).map((b) => (b as HTMLElement).dataset.runId ?? ''));
  const lines = async (metric: string) => Number(await chart(metric).getAttribute('data-series'));

  async function openRunsView(): Promise<void> {
    const title = s.page.locator('.part.sidebar .composite.title', { hasText: /RL Lab/i });
    if (await title.isVisible()) return;
    await s.page.locator('.activitybar a.action-label[aria-label^="RL Lab"]').click();
    await title.waitFor();
  }

  function runRow(id: string): Locator {
    return s.page.locator(`.part.sidebar .monaco-list-row[aria-label*=" run ${id}, "]`);
  }

  /** Right-clicks a row and runs an entry of its context menu (hover focuses, Enter runs). */
  async function contextMenu(row: Locator, item: string): Promise<void> {
    await row.click({ button: 'right' });
    const exact = new RegExp('^' + item.replace(/[.*+?^$()|[\]\\]/g, '\\$&') + '$');
    const entry = s.page.locator('.monaco-menu .action-label:visible', { hasText: exact }).first();
    await entry.hover();
    await s.page.locator('.monaco-menu .action-item.focused .action-label', { hasText: exact }).waitFor();
    await s.page.keyboard.press('Enter');
    await entry.waitFor({ state: 'hidden' });
  }

  /**
   * Accepts VS Code's save dialog (code-server shows its own "simple" file dialog: a quick
   * input holding the suggested path) and returns the path it suggested.
   */
  async function acceptSaveDialog(expectedName: string): Promise<string> {
    const input = s.page.locator('.quick-input-widget input');
    const value = await waitUntil('the save dialog', async () => {
      if (!(await input.isVisible())) return undefined;
      const v = await input.inputValue();
      return v.endsWith(expectedName) ? v : undefined;
    }, 30_000);
    await input.press('Enter');
    await input.waitFor({ state: 'hidden' });
    return value;
  }

  it('starts three seeds from the "Run with 3 seeds" lens; the dashboard overlays them, then shows their mean with a band', async () => {
    await s.quickOpen(FILE);
    const lens = s.codeLenses(/Run with 3 seeds/);
    await waitUntil('the Run with 3 seeds lens', async () => (await lens.count()) >= 1, 60_000);
    await lens.first().click();
    seeds = await waitUntil(
      'three completed seeds-ppo runs',
      () => {
        const list = runRecords(workspace).filter((r) => r.experiment === 'seeds-ppo');
        if (list.some((r) => r.status === 'failed')) throw new Error(`a seed failed: ${list.map((r) => r.error).join('; ')}`);
        return list.length === 3 && list.every((r) => r.status === 'completed') ? list : undefined;
      },
      400_000,
    );
    assert.deepEqual(seeds.map((r) => r.seed).sort(), [1, 2, 3]);
    // The lens asked the dashboard to compare the three.
    await waitUntil('the three seeds compared in the panel', async () =>
      JSON.stringify((await comparedInPanel()).sort()) === JSON.stringify(seeds.map((r) => r.id).sort()),
    60_000);
    await waitUntil('three lines on the return chart', async () => (await lines(RETURN)) === 3, 60_000);
    await chart(RETURN).scrollIntoViewIfNeeded();
    await waitUntil('every seed finished on the panel', async () =>
      (await dashboard.locator('.run-picker vscode-checkbox', { hasText: 'seeds-ppo' }).allInnerTexts()).filter((t) => t.includes('completed')).length === 3,
    60_000);
    await s.screenshot('dashboard-three-seeds');

    // Mean per experiment: one line, a band around it (std, then 95% CI), the mean inside it.
    await dashboard.locator('#group-experiment').click();
    await waitUntil('one mean line', async () => (await lines(RETURN)) === 1);
    for (const band of ['std', 'ci95'] as const) {
      if (band === 'ci95') {
        await dashboard.locator('#band').click();
        await dashboard.locator('#band vscode-option[value="ci95"]').click();
        await waitUntil('the 95% CI band', async () => (await settings()).band === 'ci95');
      }
      const data = await waitUntil('the mean and its band', async () => {
        const d = (await drawn(RETURN)).filter((x) => x.series === 'group:seeds-ppo');
        return d.map((x) => x.role).join() === 'bandLo,bandHi,line' ? d : undefined;
      });
      const [lo, hi, mean] = data.map((x) => x.data);
      assert.ok(mean.length > 10, `${mean.length} mean points`);
      assert.ok(mean.every((p, i) => lo[i].y <= p.y + 1e-9 && p.y <= hi[i].y + 1e-9), `${band}: the mean lies inside its band`);
      assert.ok(mean.some((p, i) => hi[i].y - lo[i].y > 0), `${band}: the band has width (seeds differ)`);
    }
    await chart(RETURN).scrollIntoViewIfNeeded();
    const label = await chart(RETURN).locator('canvas').getAttribute('aria-label');
    assert.match(label ?? '', /seeds-ppo \(mean of 3 runs\)/);
    await s.screenshot('dashboard-seed-mean-band');
    await dashboard.locator('#group-experiment').click();
    await waitUntil('three lines again', async () => (await lines(RETURN)) === 3);
  });

  it('adds a run to the comparison from the panel: the hyperparameter table highlights the keys that differ', async () => {
    await compareBox(nanRun.id).click();
    await waitUntil('four lines on the return chart', async () => (await lines(RETURN)) === 4, 60_000);
    const table = dashboard.locator('#hyperparams');
    await table.locator('tr.differs[data-key="learning_rate"]').waitFor({ timeout: 30_000 });
    assert.equal(await table.locator('thead th').count(), 5, 'key column + 4 runs');
    for (const key of ['learning_rate', 'seed']) assert.equal(await table.locator(`tr.differs[data-key="${key}"]`).count(), 1, `${key} differs`);
    for (const key of ['n_steps', 'batch_size', 'n_envs', 'env']) {
      assert.equal(await table.locator(`tr[data-key="${key}"]:not(.differs)`).count(), 1, `${key} is the same for all`);
    }
    const lr = await table.locator('tr[data-key="learning_rate"] td').allInnerTexts();
    assert.equal(lr.filter((v) => v === '0.5').length, 1, `learning rates: ${lr.join(', ')}`);
    assert.match(await table.locator('tr[data-key="learning_rate"] th').innerText(), /differs/);
    assert.match(await dashboard.locator('.hp-note').innerText(), /^\d+ of \d+ keys differ\.$/);
    await table.scrollIntoViewIfNeeded();
    await s.screenshot('dashboard-hyperparameters');
  });

  it('marks the NaN policy loss on its chart and on the run\'s tree item', async () => {
    const lossChart = chart(POLICY_LOSS);
    await waitUntil('an alert on the policy-loss chart', async () => Number(await lossChart.getAttribute('data-alerts')) >= 1, 30_000);
    const items = await lossChart.locator('li.alert').allInnerTexts();
    assert.ok(items.some((t) => t.includes(`nan-ppo s11: ${POLICY_LOSS} is NaN from step ${NAN_STEP}`)), items.join(' | '));
    // The panel's run list marks it too.
    assert.match(await compareBox(nanRun.id).innerText(), /⚠ 1/);
    await lossChart.scrollIntoViewIfNeeded();
    await s.screenshot('dashboard-nan-alert');

    await openRunsView();
    const row = runRow(nanRun.id);
    await row.waitFor({ timeout: 30_000 });
    assert.match((await row.getAttribute('aria-label')) ?? '', /⚠ 1 alert · failed/);
    assert.match(await row.innerText(), /⚠ 1 alert/);
    // Healthy runs carry no mark.
    for (const seed of seeds) assert.doesNotMatch(await runRow(seed.id).innerText(), /⚠/);
    await s.screenshot('tree-nan-alert');
  });

  it('compares runs selected in the Runs tree (multi-select, context menu)', async () => {
    const seed1 = seeds.find((r) => r.seed === 1)!;
    await runRow(seed1.id).click();
    await runRow(nanRun.id).click({ modifiers: ['Control'] });
    await waitUntil('two rows selected', async () => (await s.page.locator('.part.sidebar .monaco-list-row.selected').count()) === 2);
    await contextMenu(runRow(nanRun.id), 'Compare Runs in Dashboard');
    await waitUntil('exactly the two selected runs compared', async () =>
      JSON.stringify((await comparedInPanel()).sort()) === JSON.stringify([seed1.id, nanRun.id].sort()),
    30_000);
    await waitUntil('two lines on the return chart', async () => (await lines(RETURN)) === 2, 30_000);
    assert.equal(await dashboard.locator('#hyperparams thead th').count(), 3);
    await s.screenshot('dashboard-compare-from-tree');
  });

  it('exports the compared runs as CSV through the save dialog: every stored row of metrics.jsonl', async () => {
    const focus = (await dashboard.locator('#run-details').innerText()).split(' · ')[0];
    const name = `${focus}-metrics.csv`;
    await dashboard.locator('#export-csv').click();
    const suggested = await acceptSaveDialog(name);
    assert.ok(suggested.includes(workspace.split('/').pop()!), `suggested in the workspace: ${suggested}`);
    const file = join(workspace, name);
    const text = await waitUntil('the CSV on disk', () => existsSync(file) && readFileSync(file, 'utf8'), 30_000);
    const [header, ...body] = text.trimEnd().split('\n');
    const columns = header.split(',');
    assert.deepEqual(columns.slice(0, 5), ['run_id', 'experiment', 'seed', 'step', 'time']);
    const metrics = columns.slice(5);
    for (const m of [RETURN, POLICY_LOSS, 'losses/approx_kl', 'losses/entropy', 'losses/value_loss']) assert.ok(metrics.includes(m), `${m} exported`);
    const seed1 = seeds.find((r) => r.seed === 1)!;
    for (const run of [seed1, nanRun]) {
      const expected: string[] = [];
      for (const row of jsonlRows(run)) {
        // The export's rule: a row that logged any chosen metric, an empty cell where it did not (or logged NaN).
        const cells = metrics.map((m) => (typeof row[m] === 'number' ? String(row[m]) : ''));
        if (cells.some((c) => c !== '')) expected.push([run.id, run.experiment, String(run.seed), String(row.step), String(row.time), ...cells].join(','));
      }
      const got = body.filter((line) => line.startsWith(`${run.id},`));
      assert.ok(expected.length > 10, `${run.experiment}: ${expected.length} rows`);
      assert.deepEqual(got, expected, `${run.experiment}: CSV rows = metrics.jsonl rows`);
    }
    assert.equal(body.length, body.filter((l) => l.startsWith(`${seed1.id},`) || l.startsWith(`${nanRun.id},`)).length, 'only the compared runs');
    // The NaN policy loss is an empty cell (never a made-up number).
    const lossCol = 5 + metrics.indexOf(POLICY_LOSS);
    const nanLine = body.find((l) => l.startsWith(`${nanRun.id},`) && Number(l.split(',')[3]) === NAN_STEP && l.split(',')[5 + metrics.indexOf('losses/value_loss')] !== '');
    assert.ok(nanLine, 'the update row at the NaN step');
    assert.equal(nanLine.split(',')[lossCol], '');
    await s.screenshot('dashboard-csv-exported');
  });

  it('exports a chart as PNG through the save dialog: a valid PNG image on disk', async () => {
    const name = 'charts_episodic_return.png';
    await chart(RETURN).locator('vscode-button.png').click();
    await acceptSaveDialog(name);
    const file = join(workspace, name);
    const bytes = await waitUntil('the PNG on disk', () => (existsSync(file) && readFileSync(file).length > 0 ? readFileSync(file) : undefined), 30_000);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(bytes.subarray(12, 16).toString('ascii'), 'IHDR');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    const canvas = await chart(RETURN).locator('canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
    assert.deepEqual([width, height], canvas, 'the chart canvas, pixel for pixel in size');
    assert.ok(width > 100 && height > 50 && bytes.length > 2000, `${width}x${height}, ${bytes.length} bytes`);
    assert.equal(bytes.subarray(bytes.length - 8, bytes.length - 4).toString('ascii'), 'IEND');
  });

  it('zooms and pans with mouse and keyboard, resets, and switches to a log scale from the keyboard', async () => {
    const canvas = chart(RETURN).locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    const full = await waitUntil('the full x range', async () => {
      const a = await axes(RETURN);
      return a && a.max > a.min ? a : undefined;
    });
    // Keyboard: focus the chart, + zooms in around the middle, arrows pan, 0 resets.
    await canvas.focus();
    await canvas.press('+');
    const zoomed = await waitUntil('zoomed in', async () => {
      const a = await axes(RETURN);
      return a && a.max - a.min < 0.9 * (full.max - full.min) ? a : undefined;
    });
    assert.equal(await dashboard.locator('#reset-zoom').getAttribute('disabled'), null, 'Reset zoom enabled');
    await canvas.press('ArrowRight');
    await waitUntil('panned right', async () => ((await axes(RETURN))?.min ?? -Infinity) > zoomed.min);
    // Every chart shares the window.
    const loss = await axes(POLICY_LOSS);
    const ret = await axes(RETURN);
    assert.ok(loss && ret && Math.abs(loss.min - ret.min) < 1e-6 && Math.abs(loss.max - ret.max) < 1e-6, 'charts share the x window');
    await s.screenshot('dashboard-zoomed');
    await canvas.press('0');
    await waitUntil('reset', async () => {
      const a = await axes(RETURN);
      return a && Math.abs(a.min - full.min) < 1e-6 && Math.abs(a.max - full.max) < 1e-6;
    });
    // Mouse: Ctrl + wheel zooms, a drag pans, a double-click resets.
    const box = (await canvas.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await s.page.mouse.move(cx, cy);
    await s.page.keyboard.down('Control');
    await s.page.mouse.wheel(0, -200);
    await s.page.keyboard.up('Control');
    const wheeled = await waitUntil('zoomed by the wheel', async () => {
      const a = await axes(RETURN);
      return a && a.max - a.min < full.max - full.min - 1e-6 ? a : undefined;
    });
    await s.page.mouse.move(cx, cy);
    await s.page.mouse.down();
    await s.page.mouse.move(cx - 60, cy, { steps: 4 });
    await s.page.mouse.up();
    await waitUntil('dragged to the right part', async () => ((await axes(RETURN))?.min ?? -Infinity) > wheeled.min);
    await canvas.dblclick();
    await waitUntil('reset by double-click', async () => {
      const a = await axes(RETURN);
      return a && Math.abs(a.max - full.max) < 1e-6;
    });
    // Log scale from the keyboard: focus the checkbox, Space.
    await dashboard.locator('#log-scale').focus();
    await s.page.keyboard.press('Space');
    await waitUntil('a logarithmic y axis', async () => (await axes(RETURN))?.yType === 'logarithmic');
    await s.screenshot('dashboard-log-scale');
  });

  it('comes back after a window reload with the same runs, comparison and settings (panel serializer)', async () => {
    const before = {
      details: await dashboard.locator('#run-details').innerText(),
      compared: (await comparedInPanel()).sort(),
      view: await settings(),
    };
    assert.equal(before.view.logScale, true);
    await s.page.reload();
    await s.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await dashboard.locator('#run-details').waitFor({ timeout: 90_000 });
    await waitUntil('the same run in focus', async () => (await dashboard.locator('#run-details').innerText()) === before.details, 60_000);
    await waitUntil('the same runs compared', async () => JSON.stringify((await comparedInPanel()).sort()) === JSON.stringify(before.compared), 60_000);
    assert.deepEqual(await settings(), before.view);
    await waitUntil('the charts drawn again, log scale', async () => (await lines(RETURN)) === 2 && (await axes(RETURN))?.yType === 'logarithmic', 60_000);
    await waitUntil('the NaN alert marked again', async () => Number(await chart(POLICY_LOSS).getAttribute('data-alerts')) >= 1);
    await s.screenshot('dashboard-after-reload');
  });

  it('shows an RLHF run\'s reward and KL on one two-axis chart and its sampled completions per step (samples.jsonl through the server)', async () => {
    await openRunsView();
    await runRow(rlhfRun.id).click();
    await waitUntil('the RLHF run in focus', async () => (await dashboard.locator('#run-details').innerText()).includes(rlhfRun.id), 30_000);
    const pair = chart(REWARD_KL_CHART);
    await waitUntil('reward and KL lines on the two-axis chart', async () =>
      Number(await pair.getAttribute('data-series')) >= 1 && Number(await pair.getAttribute('data-series2')) >= 1, 30_000);
    const axesOf = (await drawn(REWARD_KL_CHART)).filter((x) => x.role === 'line').map((x) => (x as { axis?: string }).axis);
    assert.ok(axesOf.includes('y') && axesOf.includes('y2'), `axes ${axesOf.join()}`);
    const samples = dashboard.locator('#samples');
    const last = rlhfSamples(RLHF_STEPS - 1);
    await waitUntil('the newest step\'s samples', async () =>
      (await samples.getAttribute('data-step')) === String(last.step) && (await samples.getAttribute('data-steps')) === String(RLHF_STEPS), 30_000);
    const rows = await dashboard.locator('#samples-table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? '')));
    assert.deepEqual(rows, last.samples.map((x, i) => [String(i + 1), x.prompt, x.completion, String(x.reward)]));
    await samples.scrollIntoViewIfNeeded();
    await s.screenshot('dashboard-rlhf-samples');
    // The first logged step, from the keyboard.
    await dashboard.locator('#samples-step').focus();
    await s.page.keyboard.press('Home');
    await waitUntil('the first step', async () => (await samples.getAttribute('data-step')) === String(rlhfSamples(0).step));
    assert.deepEqual(
      await dashboard.locator('#samples-table tbody td.sample-reward').allInnerTexts(),
      rlhfSamples(0).samples.map((x) => String(x.reward)),
    );
  });

  it('ran under the strict Content Security Policy without a violation', () => {
    assert.deepEqual(s.console.filter((m) => /Content Security Policy/i.test(m)), []);
  });
});
