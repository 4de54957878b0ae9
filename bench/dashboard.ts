/**
 * Dashboard figures, measured on the real bundle in Debian's Chromium (the browser tests'
 * harness: the page the panel host builds, fed host messages):
 * - first_chart_1m_ms: from the snapshot of a 1,000,000-row run (its rows following in parts,
 *   as the panel host sends them) to the chart showing all of them;
 * - frame time while 4 runs stream (all compared on the charts, 25 rows per run every 250 ms
 *   for 5 s): intervals between animation frames in the page, p50/p95/max.
 */
import { existsSync } from 'node:fs';
import { ROWS_PER_PART } from '../extension/src/dashboard/parts';
import { CHROMIUM, openDashboard, serveDashboard } from '../test/browser/harness';

export interface DashboardBench {
  first_chart_1m_ms: number;
  stream4_frame_p50_ms: number;
  stream4_frame_p95_ms: number;
  stream4_frame_max_ms: number;
}

const ROWS = 1_000_000;

function runJson(id: string, seed: number): string {
  return JSON.stringify({
    id, experiment: 'bench', file: 'bench.rl.yaml', algo: 'ppo', env: 'CartPole-v1', seed, status: 'running',
    startTime: `2026-01-01T0${seed}:00:00.000Z`, globalStep: 0, totalSteps: 1e7, runDir: `/runs/${id}`,
  });
}

/** Row k of a run, as page-side source text (rows are made in the page, not sent over CDP). */
const ROW = `({ step: k * 8, time: 1767225600000 + k * 5, 'charts/episodic_return': 100 + 400 * (1 - Math.exp(-k / 2e5)) + 20 * Math.sin(k / 50), 'losses/approx_kl': 0.01 + 0.005 * Math.cos(k / 1000), 'losses/value_loss': 10 * Math.exp(-k / 1e5) })`;

export async function benchDashboard(): Promise<DashboardBench | null> {
  if (!existsSync(CHROMIUM)) {
    console.error(`dashboard: skipped (no ${CHROMIUM})`);
    return null;
  }
  const { server, origin } = await serveDashboard();
  const d = await openDashboard(origin);
  try {
    await d.inbox.waitFor('ready');
    // Nothing comes back from this evaluate (a million rows returned over CDP would be the bench).
    await d.page.evaluate(`(() => { window.__rows = Array.from({ length: ${ROWS} }, (_, k) => ${ROW}); })()`);
    const post = (message: string) => d.page.evaluate(`window.postMessage(${message}, '*')`);
    const t0 = performance.now();
    await post(`{ type: 'snapshot', payload: { runs: [${runJson('big', 1)}], metrics: { big: [] }, focus: 'big' } }`);
    const count = Math.ceil(ROWS / ROWS_PER_PART);
    for (let index = 0; index < count; index++) {
      await post(`{ type: 'runMetrics', payload: { runId: 'big', rows: window.__rows.slice(${index * ROWS_PER_PART}, ${(index + 1) * ROWS_PER_PART}), part: { index: ${index}, count: ${count} } } }`);
    }
    await d.page.waitForSelector(`section.chart[data-metric="charts/episodic_return"][data-points="${ROWS}"]`, { timeout: 300_000 });
    await d.page.evaluate('new Promise((r) => requestAnimationFrame(() => r()))');
    const firstChart = performance.now() - t0;
    console.error(`dashboard: first chart of a ${ROWS.toLocaleString('en-US')}-row run after ${firstChart.toFixed(0)} ms`);

    // Four live runs, all on the charts, streaming (the big run's rows released first).
    await d.page.evaluate('(() => { window.__rows = undefined; })()');
    const ids = ['s1', 's2', 's3', 's4'];
    await post(`{ type: 'snapshot', payload: { runs: [${ids.map((id, i) => runJson(id, i + 1)).join(',')}], metrics: { ${ids.map((id) => `${id}: []`).join(', ')} }, focus: 's1' } }`);
    await post(`{ type: 'compare', payload: { runIds: ${JSON.stringify(ids)} } }`);
    await d.page.evaluate(`(() => {
      window.__frames = [];
      let last = performance.now();
      window.__recording = true;
      const tick = (now) => { window.__frames.push(now - last); last = now; if (window.__recording) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    for (let batch = 0; batch < 20; batch++) {
      const from = batch * 25;
      await d.page.evaluate(`(() => {
        for (const id of ${JSON.stringify(ids)}) {
          const rows = Array.from({ length: 25 }, (_, j) => { const k = ${from} + j; return ${ROW}; });
          window.postMessage({ type: 'metrics', payload: { runId: id, rows } }, '*');
        }
      })()`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const frames = (await d.page.evaluate('(() => { window.__recording = false; return window.__frames.slice(1); })()')) as number[];
    frames.sort((a, b) => a - b);
    const q = (p: number) => Number(frames[Math.min(frames.length - 1, Math.floor(p * frames.length))].toFixed(1));
    const result = {
      first_chart_1m_ms: Math.round(firstChart),
      stream4_frame_p50_ms: q(0.5),
      stream4_frame_p95_ms: q(0.95),
      stream4_frame_max_ms: Number(frames[frames.length - 1].toFixed(1)),
    };
    console.error(`dashboard: 4 runs streaming, frame p50 ${result.stream4_frame_p50_ms} ms p95 ${result.stream4_frame_p95_ms} ms max ${result.stream4_frame_max_ms} ms`);
    if (d.problems.length) console.error(`dashboard: page problems: ${d.problems.join('; ')}`);
    return result;
  } finally {
    await d.browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

// `node --import tsx bench/dashboard.ts` runs this part alone.
if (process.argv[1]?.endsWith('dashboard.ts')) void benchDashboard().then((r) => console.log(JSON.stringify({ dashboard: r })));
