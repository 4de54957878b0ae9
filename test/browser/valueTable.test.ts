/**
 * The dashboard's value-table heatmap and grid playback of tabular runs in a real browser (the
 * harness of dashboard.test.ts: the page the panel host builds, its real CSP, Debian Chromium).
 * Tables come from real training (value iteration, Q-learning) and are sent as the host answers
 * `requestValueTable`; a screenshot of each goes to test-results/browser/.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import type { TabularValues } from '../../server/src/protocol/types';
import { train } from '../../server/src/training/engine';
import { recordEpisode } from '../../server/src/training/evaluate';
import { run } from './fixtures';
import { CHROMIUM, openDashboard, ROOT, serveDashboard, type DashboardPage } from './harness';

const SHOTS = join(ROOT, 'test-results', 'browser');

async function tableOf(yaml: string): Promise<TabularValues> {
  const loaded = loadExperimentConfig(`e:\n${yaml.replace(/^/gm, '  ')}\n`, '/ws/e.rl.yaml', 'e');
  if ('error' in loaded) throw new Error(loaded.error.message);
  let table: TabularValues | undefined;
  const result = await train(loaded.config, { onMetrics() {}, onValueTable: (t, final) => final && (table = t) });
  assert.equal(result.status, 'completed', result.error);
  return table!;
}

/** The canvas as PNG data plus how many distinct colours it holds. */
const canvasPicture = (d: DashboardPage, selector: string) =>
  d.page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(canvas, 0, 0);
    const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return { png: canvas.toDataURL(), colours: colours.size };
  });

const runs = [
  run({ id: 'cliff-live', algo: 'q_learning', env: 'CliffWalking-v0', experiment: 'cliffwalking-q-learning', status: 'running', startTime: '2026-01-01T00:10:00.000Z' }),
  run({ id: 'taxi-vi', algo: 'value_iteration', env: 'Taxi-v3', experiment: 'taxi-vi', status: 'completed', startTime: '2026-01-01T00:09:00.000Z' }),
  run({ id: 'ppo-run', status: 'completed', startTime: '2026-01-01T00:08:00.000Z' }),
];

describe('dashboard value table in Chromium', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (run scripts/ensure-chromium.sh)` }, () => {
  let server: Server;
  let d: DashboardPage;
  let cliff: TabularValues;
  let cliffEarly: TabularValues;
  let taxi: TabularValues;

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'webview.js')), 'dist/webview.js is missing: run node scripts/build.mjs --only=webview');
    const cliffYaml = 'algo: q_learning\nenv: CliffWalking-v0\nseed: 1\nlearning_rate: lin_0.5\ngamma: 1.0\nexploration_initial_eps: 0.1\nexploration_final_eps: 0.1';
    cliff = await tableOf(`${cliffYaml}\nn_timesteps: 20000`);
    cliffEarly = await tableOf(`${cliffYaml}\nn_timesteps: 2000`);
    taxi = await tableOf('algo: value_iteration\nenv: Taxi-v3\nseed: 1\ngamma: 0.95\neval_episodes: 10');
    await mkdir(SHOTS, { recursive: true });
    const served = await serveDashboard();
    server = served.server;
    d = await openDashboard(served.origin);
    await d.inbox.waitFor('ready');
  });

  after(async () => {
    await d?.browser.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('asks for a training tabular run\'s table, draws it as a heatmap, and asks for the final one when the run ends', async () => {
    const from = d.inbox.messages.length;
    await d.send({ type: 'snapshot', payload: { runs, metrics: {}, focus: 'cliff-live' } });
    const request = await d.inbox.waitFor('requestValueTable', from);
    assert.equal(request.payload.runId, 'cliff-live');
    await d.send({ type: 'valueTable', payload: { runId: 'cliff-live', table: cliffEarly } });
    await d.page.waitForSelector('#value-table[data-env="CliffWalking-v0"][data-step="2000"]:not([hidden])');
    assert.match((await d.page.textContent('#value-table-caption')) ?? '', /CliffWalking-v0 · q_learning .* step 2,000 · live/);
    assert.ok(await d.page.isHidden('#value-table-layer'), 'one layer: no layer picker');
    const picture = await canvasPicture(d, '#value-table-canvas');
    assert.ok(picture.colours >= 8, `only ${picture.colours} colours`);
    await d.page.locator('#value-table').screenshot({ path: join(SHOTS, 'value-table-CliffWalking.png') });

    const before = d.inbox.messages.length;
    await d.send({ type: 'runStatus', payload: { ...runs[0], status: 'completed', globalStep: 20000 } });
    const final = await d.inbox.waitFor('requestValueTable', before);
    assert.equal(final.payload.runId, 'cliff-live');
    await d.send({ type: 'valueTable', payload: { runId: 'cliff-live', table: cliff } });
    await d.page.waitForSelector('#value-table[data-step="20000"]');
    assert.notEqual((await canvasPicture(d, '#value-table-canvas')).png, picture.png, 'the new table is drawn');
    assert.doesNotMatch((await d.page.textContent('#value-table-caption')) ?? '', /live/);
  });

  it('shows Taxi one layer (passenger, destination) at a time', async () => {
    const from = d.inbox.messages.length;
    await d.send({ type: 'focus', payload: { runId: 'taxi-vi' } });
    await d.inbox.waitFor('requestValueTable', from);
    await d.send({ type: 'valueTable', payload: { runId: 'taxi-vi', table: taxi } });
    await d.page.waitForSelector('#value-table[data-env="Taxi-v3"][data-layer="0"]:not([hidden])');
    assert.ok(await d.page.isVisible('#value-table-layer'));
    assert.match((await d.page.textContent('#value-table-caption')) ?? '', /sweep/);
    const first = await canvasPicture(d, '#value-table-canvas');
    // Pick "passenger in taxi, to G" (layer 17) as the dropdown would.
    await d.page.$eval('#value-table-layer', (el) => {
      (el as HTMLElement & { value: string }).value = '17';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await d.page.waitForSelector('#value-table[data-layer="17"]');
    assert.notEqual((await canvasPicture(d, '#value-table-canvas')).png, first.png);
    await d.page.locator('#value-table').screenshot({ path: join(SHOTS, 'value-table-Taxi.png') });
  });

  it('plays a tabular run\'s episode on the grid', async () => {
    const episode = recordEpisode({ env: 'CliffWalking-v0', seed: 1 }, (obs) => {
      const s = obs.indexOf(1);
      return [cliff.policy[s]];
    });
    assert.ok(episode.meta && 'grid' in episode.meta);
    // The page asked for the playback when the run ended (first test); this is the answer.
    assert.ok(d.inbox.messages.some((m) => m.type === 'requestPlayback' && m.payload.runId === 'cliff-live'));
    await d.send({ type: 'focus', payload: { runId: 'cliff-live' } });
    await d.send({ type: 'playback', payload: { runId: 'cliff-live', episode } });
    await d.page.waitForSelector('#playback[data-env="CliffWalking-v0"]:not([hidden])');
    assert.equal(await d.page.getAttribute('#playback-canvas', 'aria-label'), 'CliffWalking-v0: agent on the grid');
    const start = await canvasPicture(d, '#playback-canvas');
    await d.page.click('#playback-forward');
    await d.page.waitForSelector('#playback[data-frame="1"]');
    await d.page.waitForFunction(() => document.getElementById('playback')?.dataset.drawnFrame === '1');
    assert.notEqual((await canvasPicture(d, '#playback-canvas')).png, start.png, 'the agent moved');
    await d.page.locator('#playback').screenshot({ path: join(SHOTS, 'playback-CliffWalking.png') });
  });

  it('hides the value table for a non-tabular run', async () => {
    await d.send({ type: 'focus', payload: { runId: 'ppo-run' } });
    await d.page.waitForSelector('#value-table', { state: 'hidden' });
  });

  it('loaded nothing but its own files, with no CSP violation or error', () => {
    assert.deepEqual(d.problems, []);
  });
});
