/**
 * The dashboard's playback section in a real browser (the harness of dashboard.test.ts: the
 * page the panel host builds, its real CSP, Debian Chromium). Episodes are recorded here by
 * stepping the real environment classes (server/src/training/envs) with fixed controllers,
 * then sent as the host would answer `requestPlayback`. For every environment: the canvas
 * draws, different frames give different pictures, play advances, pause stops, step moves one
 * frame; a screenshot of each goes to test-results/browser/.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PlaybackEpisode } from '../../server/src/protocol/types';
import { ENV_IDS } from '../../server/src/training/envs/registry';
import { recordEpisode } from '../../server/src/training/evaluate';
import { run } from './fixtures';
import { CHROMIUM, openDashboard, ROOT, serveDashboard, type DashboardPage } from './harness';

const SHOTS = join(ROOT, 'test-results', 'browser');

/** Hand-written controllers that make each episode move (energy pumping, PD, Gymnasium's lander heuristic). */
async function controllerFor(env: string): Promise<(obs: Float32Array) => number[]> {
  if (env.startsWith('CartPole')) return (o) => [o[2] + 0.5 * o[3] > 0 ? 1 : 0];
  if (env.startsWith('Pendulum')) return (o) => [o[2] >= 0 ? 2 : -2];
  if (env.startsWith('Acrobot')) return (o) => [o[4] >= 0 ? 2 : 0];
  if (env.startsWith('MountainCarContinuous')) return (o) => [o[1] >= 0 ? 1 : -1];
  if (env.startsWith('MountainCar')) return (o) => [o[1] >= 0 ? 2 : 0];
  if (env.startsWith('LunarLander')) {
    const { lunarLanderHeuristic } = await import('../../server/src/training/envs/lunarLanderHeuristic');
    const continuous = env.includes('Continuous');
    return (o) => {
      const a = lunarLanderHeuristic(continuous, o);
      return typeof a === 'number' ? [a] : a;
    };
  }
  throw new Error(`no controller for ${env}`);
}

const PLAYABLE = ENV_IDS.filter((id) => /^(CartPole|Pendulum|Acrobot|MountainCar|LunarLander)/.test(id));
const runIdOf = (env: string) => `playback-${env}`;
const runs = [
  ...PLAYABLE.map((env, i) =>
    run({ id: runIdOf(env), env, status: 'completed', startTime: `2026-01-01T00:${String(10 + i).padStart(2, '0')}:00.000Z` }),
  ),
  run({ id: 'no-playback', status: 'failed', startTime: '2026-01-01T00:00:00.000Z', error: 'losses/value_loss became NaN' }),
];

/**
 * Resolves after `n` animation frames of the page: an event to wait on, not a sleep. A string,
 * not a function: tsx would wrap the inner function's name in a helper the page lacks.
 */
const animationFrames = (d: DashboardPage, n: number) =>
  d.page.evaluate(`new Promise((resolve) => {
    let left = ${Math.floor(n)};
    const tick = () => (--left <= 0 ? resolve() : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
  })`);

const frameOf = async (d: DashboardPage) => Number(await d.page.getAttribute('#playback', 'data-frame'));

/** The canvas as PNG data plus how many distinct colours it holds. */
const canvasPicture = (d: DashboardPage) =>
  d.page.$eval('#playback-canvas', (c) => {
    const canvas = c as HTMLCanvasElement;
    // Read through a copy: reading back the page's own canvas repeatedly makes Chromium warn.
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(canvas, 0, 0);
    const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return { png: canvas.toDataURL(), colours: colours.size, width: canvas.width, height: canvas.height };
  });

/** Moves the slider as a user would (an `input` event), which pauses and seeks. */
const seek = (d: DashboardPage, frame: number) =>
  d.page.$eval(
    '#playback-slider',
    (el, f) => {
      const input = el as HTMLInputElement;
      input.value = String(f);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    frame,
  );

describe('dashboard playback in Chromium', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (run scripts/ensure-chromium.sh)` }, () => {
  let server: Server;
  let d: DashboardPage;
  const episodes = new Map<string, PlaybackEpisode>();

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'webview.js')), 'dist/webview.js is missing: run node scripts/build.mjs --only=webview');
    for (const env of PLAYABLE) {
      const act = await controllerFor(env);
      episodes.set(env, recordEpisode({ env, seed: 3 }, act));
    }
    await mkdir(SHOTS, { recursive: true });
    const served = await serveDashboard();
    server = served.server;
    d = await openDashboard(served.origin);
    await d.inbox.waitFor('ready');
    await d.send({ type: 'snapshot', payload: { runs, metrics: {}, focus: 'no-playback' } });
  });

  after(async () => {
    await d?.browser.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('covers the classic-control environments at least', () => {
    for (const env of ['CartPole-v1', 'Pendulum-v1']) assert.ok(PLAYABLE.includes(env), env);
  });

  it('keeps the section hidden for a run without a playback and does not ask for a failed one twice', async () => {
    const from = d.inbox.messages.length;
    await d.send({ type: 'focus', payload: { runId: 'no-playback' } });
    await d.send({ type: 'playback', payload: { runId: 'no-playback', episode: null } });
    await animationFrames(d, 2);
    assert.ok(await d.page.isHidden('#playback'));
    assert.equal(d.inbox.messages.slice(from).filter((m) => m.type === 'requestPlayback' && m.payload.runId === 'no-playback').length <= 1, true);
  });

  for (const env of PLAYABLE) {
    it(`${env}: draws, plays, pauses and steps`, async () => {
      const episode = episodes.get(env)!;
      const runId = runIdOf(env);
      const from = d.inbox.messages.length;
      await d.send({ type: 'focus', payload: { runId } });
      const request = await d.inbox.waitFor('requestPlayback', from);
      assert.equal(request.payload.runId, runId);
      await d.send({ type: 'playback', payload: { runId, episode } });
      await d.page.waitForSelector(`#playback[data-env="${env}"][data-frame="0"]:not([hidden])`);
      const last = episode.frames.length - 1;
      assert.equal(await d.page.textContent('#playback-frame'), `frame 0 / ${last}`);

      // The canvas has a picture, and a later frame is a different picture.
      const first = await canvasPicture(d);
      assert.ok(first.width > 0 && first.height > 0);
      assert.ok(first.colours >= 3, `${env}: only ${first.colours} colours on the canvas`);
      const middle = Math.min(last, Math.max(5, Math.floor(last / 2)));
      await seek(d, middle);
      await d.page.waitForSelector(`#playback[data-drawn-frame="${middle}"]`);
      const later = await canvasPicture(d);
      assert.notEqual(later.png, first.png, `${env}: frame ${middle} looks like frame 0`);
      const ret = episode.rewards.slice(0, middle).reduce((a, b) => a + b, 0);
      assert.equal(await d.page.textContent('#playback-return'), `return ${ret.toFixed(2)}`);
      await d.page.locator('#playback').screenshot({ path: join(SHOTS, `playback-${env}.png`) });

      // Step moves exactly one frame each way.
      await d.page.click('#playback-forward');
      await d.page.waitForSelector(`#playback[data-frame="${middle + 1}"]`);
      await d.page.click('#playback-back');
      await d.page.click('#playback-back');
      await d.page.waitForSelector(`#playback[data-frame="${middle - 1}"]`);

      // Play advances; pause stops.
      await seek(d, 0);
      await d.page.waitForSelector('#playback[data-frame="0"]');
      await d.page.click('#playback-play');
      await d.page.waitForSelector('#playback[data-playing="true"]');
      await d.page.waitForFunction(() => Number(document.getElementById('playback')?.dataset.frame) >= 3);
      await d.page.click('#playback-play');
      await d.page.waitForSelector('#playback[data-playing="false"]');
      const paused = await frameOf(d);
      await animationFrames(d, 10);
      assert.equal(await frameOf(d), paused, 'paused playback stays on its frame');
      assert.ok(paused >= 3 && paused <= last);
    });
  }

  it('redraws in the colours of a new theme', async () => {
    const env = PLAYABLE.includes('LunarLander-v3') ? 'LunarLander-v3' : 'CartPole-v1';
    await d.send({ type: 'focus', payload: { runId: runIdOf(env) } });
    await d.page.waitForSelector(`#playback[data-env="${env}"]:not([hidden])`);
    await seek(d, 40);
    // VS Code switches theme by rewriting these variables on the root element (CSSOM: CSP allows it).
    await d.page.evaluate(() => {
      const root = document.documentElement.style;
      root.setProperty('--vscode-editor-background', '#ffffff');
      root.setProperty('--vscode-editor-foreground', '#1f1f1f');
      root.setProperty('--vscode-foreground', '#1f1f1f');
      root.setProperty('--vscode-panel-border', '#d4d4d4');
      root.setProperty('--vscode-charts-blue', '#1a85ff');
    });
    await d.page.waitForFunction(() => {
      const canvas = document.getElementById('playback-canvas') as HTMLCanvasElement;
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(canvas, 0, 0);
      const [r, g, b] = ctx.getImageData(2, 2, 1, 1).data;
      return r === 255 && g === 255 && b === 255;
    });
    await d.page.locator('#playback').screenshot({ path: join(SHOTS, `playback-${env}-light.png`) });
    await d.page.screenshot({ path: join(SHOTS, 'playback-dashboard.png'), fullPage: true });
  });

  it('asked for each run once, and raised no CSP violation or page error', () => {
    for (const env of PLAYABLE) {
      const asks = d.inbox.messages.filter((m) => m.type === 'requestPlayback' && m.payload.runId === runIdOf(env));
      assert.equal(asks.length, 1, env);
    }
    assert.deepEqual(d.problems, []);
  });
});
