/**
 * The dashboard's value-table heatmap and grid playback (webview/src/tabular/, pure parts) and
 * the messages that carry a table: shape checks, the panel's request pacing, the grid layouts
 * of the toy-text envs (server/src/training/envs/toyText/grid.ts) against their encodings.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWebviewMessage } from '../../extension/src/dashboard/messages';
import { isTabularValues, type RunSummary, type TabularValues } from '../../server/src/protocol/types';
import { toyTextGrid } from '../../server/src/training/envs/toyText/grid';
import { TOY_TEXT_IDS, toyTextModel } from '../../server/src/training/envs/toyText/specs';
import { taxiEncode } from '../../server/src/training/envs/toyText/taxi';
import { parseHostMessage } from '../../webview/src/messages';
import { REFRESH_MS, ValueTablePanel } from '../../webview/src/tabular/panel';
import { arrowDirection, cellOf, fitGrid, heatCells, heatT, isTabularAlgo, isTabularGrid, mixColor, parseColor, stateAt, valueRange } from '../../webview/src/tabular/layout';
import type { ValueTableView } from '../../webview/src/tabular/view';

function lakeTable(step = 10): TabularValues {
  const v = Array.from({ length: 16 }, (_, s) => s / 15);
  return {
    env: 'FrozenLake-v1',
    algo: 'q_learning',
    step,
    nS: 16,
    nA: 4,
    q: v.map((x) => [x, x, x, x]),
    v,
    policy: Array.from({ length: 16 }, (_, s) => s % 4),
    grid: toyTextGrid('FrozenLake-v1'),
  };
}

describe('grid layouts of the toy-text envs', () => {
  it('cover every state exactly once, with one symbol per action', () => {
    for (const id of TOY_TEXT_IDS) {
      const grid = toyTextGrid(id)!;
      const m = toyTextModel(id);
      assert.ok(isTabularGrid(grid), id);
      assert.equal(grid.rows * grid.cols * grid.layers, m.nS, id);
      assert.equal(grid.actionSymbols.length, m.nA, id);
      const seen = new Set<number>();
      for (let l = 0; l < grid.layers; l++) for (let r = 0; r < grid.rows; r++) for (let c = 0; c < grid.cols; c++) seen.add(stateAt(grid, r, c, l));
      assert.equal(seen.size, m.nS, id);
      for (let s = 0; s < m.nS; s++) {
        const { row, col, layer } = cellOf(grid, s);
        assert.equal(stateAt(grid, row, col, layer), s);
      }
    }
  });

  it('put each state where the env says it is, and each arrow where the action moves', () => {
    // Taxi: s = ((row * 5 + col) * 5 + passenger) * 4 + destination -> layer passenger * 4 + destination.
    const taxi = toyTextGrid('Taxi-v3')!;
    assert.deepEqual(cellOf(taxi, taxiEncode(3, 1, 2, 0)), { row: 3, col: 1, layer: 8 });
    assert.equal(taxi.layerNames![8], 'passenger at Y, to R');
    assert.equal(taxi.layerNames![17], 'passenger in taxi, to G');
    assert.deepEqual(taxi.tiles!.filter((t) => t !== '.'), ['R', 'G', 'Y', 'B']);
    // FrozenLake's tiles are its map; CliffWalking's bottom row is start, cliff, goal.
    assert.equal(toyTextGrid('FrozenLake-v1')!.tiles!.join(''), 'SFFFFHFHFFFHHFFG');
    assert.equal(toyTextGrid('FrozenLake-v1', { desc: 'SFH/FFG' })!.cols, 3);
    assert.equal(toyTextGrid('CliffWalking-v0')!.tiles!.slice(36).join(''), 'SCCCCCCCCCCG');
    // The arrow of each move action points where the transition table moves the agent.
    for (const id of ['FrozenLake-v1', 'CliffWalking-v0', 'Taxi-v3']) {
      const grid = toyTextGrid(id)!;
      const m = toyTextModel(id, id === 'FrozenLake-v1' ? { is_slippery: false } : {});
      const from = id === 'Taxi-v3' ? taxiEncode(2, 2, 0, 1) : id === 'CliffWalking-v0' ? 13 : 5 + 5; // an interior cell
      grid.actionSymbols.forEach((symbol, a) => {
        const dir = arrowDirection(symbol);
        if (!dir) return; // Taxi's pickup/dropoff
        const here = cellOf(grid, from);
        const there = cellOf(grid, m.P[from][a][0][1]);
        assert.deepEqual([there.col - here.col, there.row - here.row], dir, `${id} action ${a} ${symbol}`);
      });
    }
  });
});

describe('heatmap maths', () => {
  it('cells carry the state value and greedy symbol; the range skips holes and the goal', () => {
    const cells = heatCells(lakeTable(), 0);
    assert.equal(cells.length, 16);
    assert.deepEqual(cells[6], { row: 1, col: 2, state: 6, value: 6 / 15, symbol: '→', tile: 'F' });
    const { lo, hi } = valueRange(cells, toyTextGrid('FrozenLake-v1'));
    assert.equal(lo, 0);
    assert.equal(hi, 14 / 15); // 15 is the goal, excluded (and the holes)
    // Taxi's stand G is a place, not an end: it shows its value.
    assert.equal(valueRange(cells, toyTextGrid('Taxi-v3')).hi, 1);
    assert.equal(heatT(0.5, 0, 1), 0.5);
    assert.equal(heatT(2, 0, 1), 1);
    assert.equal(heatT(3, 3, 3), 0.5);
  });

  it('colours mix linearly between theme colours; grids fit their box', () => {
    assert.deepEqual(parseColor('#f14c4c'), [241, 76, 76]);
    assert.deepEqual(parseColor('#fff'), [255, 255, 255]);
    assert.deepEqual(parseColor('rgba(1, 2, 3, 0.5)'), [1, 2, 3]);
    assert.equal(mixColor('#000000', '#ffffff', 0.5), 'rgb(128, 128, 128)');
    assert.equal(mixColor('#000000', '#ffffff', 0), 'rgb(0, 0, 0)');
    assert.equal(mixColor('var(--x)', '#ffffff', 0.3), 'var(--x)');
    const fit = fitGrid({ rows: 4, cols: 12 }, 616, 300);
    assert.equal(fit.cell, 50);
    assert.ok(fit.x0 >= 0 && fit.x0 + 12 * fit.cell <= 616 && fit.y0 + 4 * fit.cell <= 300);
  });
});

describe('value tables in messages', () => {
  it('isTabularValues checks sizes and the grid', () => {
    const t = lakeTable();
    assert.ok(isTabularValues(t));
    assert.ok(!isTabularValues({ ...t, v: t.v.slice(1) }));
    assert.ok(!isTabularValues({ ...t, q: t.q.map((r) => r.slice(1)) }));
    assert.ok(!isTabularValues({ ...t, grid: { ...t.grid!, rows: 5 } }));
    const { grid, ...bare } = t;
    void grid;
    assert.ok(isTabularValues(bare));
  });

  it('the webview accepts valueTable answers and the host requestValueTable asks', () => {
    const table = lakeTable();
    assert.deepEqual(parseHostMessage({ type: 'valueTable', payload: { runId: 'r1', table } }), { type: 'valueTable', payload: { runId: 'r1', table } });
    assert.deepEqual(parseHostMessage({ type: 'valueTable', payload: { runId: 'r1', table: null } }), { type: 'valueTable', payload: { runId: 'r1', table: null } });
    assert.equal(parseHostMessage({ type: 'valueTable', payload: { runId: 'r1', table: { env: 'x' } } }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'requestValueTable', payload: { runId: 'r1' } }), { type: 'requestValueTable', payload: { runId: 'r1' } });
    assert.equal(parseWebviewMessage({ type: 'requestValueTable', payload: {} }), undefined);
  });
});

describe('ValueTablePanel', () => {
  function setup() {
    const shown: { runId: string; step: number; live: boolean }[] = [];
    let hidden = 0;
    const view = {
      show: (runId: string, table: TabularValues, live: boolean) => shown.push({ runId, step: table.step, live }),
      hide: () => hidden++,
    } as unknown as ValueTableView;
    const requests: string[] = [];
    let clock = 0;
    const panel = new ValueTablePanel(view, (id) => requests.push(id), () => clock);
    return { panel, shown, requests, hidden: () => hidden, tick: (ms: number) => (clock += ms) };
  }
  const run = (id: string, algo: string, status: RunSummary['status']): RunSummary =>
    ({ id, algo, status, experiment: 'e', file: 'f', env: 'FrozenLake-v1', seed: 1, startTime: '', globalStep: 0, totalSteps: 1, runDir: '' }) as RunSummary;

  it('hides for non-tabular runs and asks nothing', () => {
    const t = setup();
    t.panel.update(run('p', 'ppo', 'running'));
    t.panel.onMetrics('p');
    assert.deepEqual(t.requests, []);
    assert.equal(t.hidden(), 1);
  });

  it('while a run trains: asks on selection, then on metrics at most once per REFRESH_MS with one request in flight; once more at the end', () => {
    const t = setup();
    const live = run('q', 'q_learning', 'running');
    t.panel.update(live);
    assert.deepEqual(t.requests, ['q']);
    t.panel.onMetrics('q'); // in flight
    t.tick(REFRESH_MS);
    t.panel.onMetrics('q'); // still in flight
    assert.equal(t.requests.length, 1);
    t.panel.receive('q', lakeTable(1000));
    assert.deepEqual(t.shown.at(-1), { runId: 'q', step: 1000, live: true });
    t.panel.onMetrics('q');
    assert.equal(t.requests.length, 2);
    t.panel.receive('q', lakeTable(2000));
    t.tick(REFRESH_MS / 2);
    t.panel.onMetrics('q'); // too soon
    assert.equal(t.requests.length, 2);
    t.panel.onMetrics('other'); // not the selected run
    assert.equal(t.requests.length, 2);
    // The run ends: the final table is asked for once, even within REFRESH_MS.
    const done = { ...live, status: 'completed' as const };
    t.panel.update(done);
    t.panel.update(done);
    assert.equal(t.requests.length, 3);
    t.panel.receive('q', null); // a late empty answer keeps the table shown
    assert.deepEqual(t.shown.at(-1), { runId: 'q', step: 2000, live: false });
    t.panel.onMetrics('q');
    assert.equal(t.requests.length, 3);
  });
});
