/**
 * The dashboard header and the runs tree take a run's status from the same RunStatus
 * notification: the tree upserts it (RunsModel), the panel hands it to its UpdateBatcher. Here
 * the real batcher feeds the real page in Chromium, with a batch timer that never fires (live
 * rows still queued), to show the header reads "completed" as soon as the tree does.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HostToWebview, MetricRow, RunSummary } from '../../server/src/protocol/types';
import { UpdateBatcher, type Timers } from '../../extension/src/dashboard/batcher';
import { ppoRows, run, STEPS_PER_UPDATE } from './fixtures';
import { CHROMIUM, openDashboard, ROOT, serveDashboard, type DashboardPage } from './harness';

/** Batch timers the test never fires: whatever waits for the batch interval stays queued. */
class FrozenTimers implements Timers {
  pending = 0;
  setTimeout(): unknown {
    this.pending++;
    return {};
  }
  clearTimeout(): void {
    this.pending--;
  }
}

const live = run({ id: '20260101-030000-cartpole-ppo-s4', status: 'running', seed: 4, globalStep: 10 * STEPS_PER_UPDATE });
const episodicReturn = 'section.chart[data-metric="charts/episodic_return"]';

describe('dashboard header vs runs tree status', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (run scripts/ensure-chromium.sh)` }, () => {
  let server: Server;
  let d: DashboardPage;

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'webview.js')), 'dist/webview.js is missing: run node scripts/build.mjs --only=webview');
    const served = await serveDashboard();
    server = served.server;
    d = await openDashboard(served.origin);
    await d.inbox.waitFor('ready');
    await d.send({ type: 'snapshot', payload: { runs: [live], metrics: { [live.id]: ppoRows(0, 10) }, focus: live.id } });
    await d.page.waitForSelector(`${episodicReturn}[data-points="10"]`);
  });

  after(async () => {
    await d?.browser.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('turns "completed" on the status notification that turns the tree "completed", with live rows still queued', async () => {
    const timers = new FrozenTimers();
    const toPage: HostToWebview[] = [];
    const batcher = new UpdateBatcher((messages) => toPage.push(...messages), 250, timers);
    const tree = new Map<string, RunSummary>();
    // What the extension does with the two notifications (runsTree/model.ts, dashboard/panel.ts).
    const onRunStatus = (r: RunSummary) => {
      tree.set(r.id, r);
      batcher.addStatus(r);
    };
    const onRunMetrics = (runId: string, rows: MetricRow[]) => batcher.addMetrics(runId, rows);
    const deliver = async () => {
      for (const m of toPage.splice(0)) await d.send(m);
    };

    onRunStatus(live);
    onRunMetrics(live.id, ppoRows(10, 5));
    onRunStatus({ ...live, globalStep: 15 * STEPS_PER_UPDATE }); // progress only
    assert.deepEqual(toPage.map((m) => m.type), ['runStatus'], 'rows and progress wait for the batch');
    assert.equal(timers.pending, 1);
    await deliver();

    const completed: RunSummary = { ...live, status: 'completed', globalStep: 100_000, endTime: '2026-01-01T03:01:00.000Z', meanReturn: 480.5 };
    onRunStatus(completed);
    assert.equal(tree.get(live.id)?.status, 'completed');
    await deliver();
    // An upper bound for a message that was posted; before the fix nothing was posted here.
    await d.page.waitForFunction(() => document.getElementById('run-status')?.textContent === 'completed', undefined, { timeout: 5000 });
    assert.equal(await d.page.textContent('#run-status'), tree.get(live.id)?.status);
    assert.ok(await d.page.isHidden('#stop-run'), 'no Stop for a finished run');
    // The rows queued before the status went out with it, ahead of it.
    await d.page.waitForSelector(`${episodicReturn}[data-points="15"]`);
    assert.equal(timers.pending, 0, 'the batch interval never elapsed');
    assert.deepEqual(d.problems, []);
  });
});
