/**
 * Pure geometry and colour maths of the tabular heatmap and the grid playback (no DOM), so they
 * are unit-tested: which state each cell shows, the colour of a value, the arrow of an action.
 */
import type { TabularGrid, TabularValues } from '../../../server/src/protocol/types';

/** Algorithms whose runs have a value table (schema/tabular.ts). */
export const TABULAR_ALGOS: readonly string[] = ['q_learning', 'sarsa', 'expected_sarsa', 'mc_control', 'value_iteration', 'policy_iteration'];

export function isTabularAlgo(algo: string): boolean {
  return TABULAR_ALGOS.includes(algo);
}

/** A table without a grid (an env the dashboard has no layout for) is shown as one row of states. */
export function gridOf(table: Pick<TabularValues, 'nS' | 'nA' | 'grid'>): TabularGrid {
  return table.grid ?? { rows: 1, cols: table.nS, layers: 1, actionSymbols: Array.from({ length: table.nA }, (_, a) => String(a)) };
}

/** Shape check of a grid arriving in a playback episode's meta. */
export function isTabularGrid(value: unknown): value is TabularGrid {
  const g = value as Partial<TabularGrid> | null;
  return (
    !!g &&
    typeof g === 'object' &&
    [g.rows, g.cols, g.layers].every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1) &&
    Array.isArray(g.actionSymbols) &&
    (g.tiles === undefined || (Array.isArray(g.tiles) && g.tiles.length === g.rows! * g.cols!))
  );
}

/** The state of a cell in a layer: s = cell * layers + layer (protocol TabularGrid). */
export function stateAt(grid: TabularGrid, row: number, col: number, layer: number): number {
  return (row * grid.cols + col) * grid.layers + layer;
}

/** The cell (row, col) and layer of a state. */
export function cellOf(grid: TabularGrid, s: number): { row: number; col: number; layer: number } {
  const cell = Math.floor(s / grid.layers);
  return { row: Math.floor(cell / grid.cols), col: cell % grid.cols, layer: s % grid.layers };
}

export interface HeatCell {
  row: number;
  col: number;
  state: number;
  value: number;
  /** The greedy action's symbol (an arrow for a move). */
  symbol: string;
  tile?: string;
}

/** The cells of one layer with their state value and greedy action. */
export function heatCells(table: TabularValues, layer: number): HeatCell[] {
  const grid = gridOf(table);
  const out: HeatCell[] = [];
  for (let row = 0; row < grid.rows; row++) {
    for (let col = 0; col < grid.cols; col++) {
      const state = stateAt(grid, row, col, layer);
      const tile = grid.tiles?.[row * grid.cols + col];
      out.push({ row, col, state, value: table.v[state], symbol: grid.actionSymbols[table.policy[state]] ?? '?', ...(tile ? { tile } : {}) });
    }
  }
  return out;
}

/** The value range of a layer, over the cells that show a value (not holes, cliff, goal). */
export function valueRange(cells: readonly HeatCell[], grid?: Pick<TabularGrid, 'endTiles'>): { lo: number; hi: number } {
  const values = cells.filter((c) => !isEndTile(grid, c.tile)).map((c) => c.value);
  const pool = values.length ? values : cells.map((c) => c.value);
  return { lo: Math.min(...pool), hi: Math.max(...pool) };
}

/** Whether a cell's tile is drawn as itself rather than with a value (grid.endTiles). */
export function isEndTile(grid: Pick<TabularGrid, 'endTiles'> | undefined, tile: string | undefined): boolean {
  return tile !== undefined && (grid?.endTiles ?? []).includes(tile);
}

/** Position of a value in [lo, hi] as 0..1 (0.5 when the range is empty). */
export function heatT(value: number, lo: number, hi: number): number {
  if (!(hi > lo)) return 0.5;
  return Math.min(1, Math.max(0, (value - lo) / (hi - lo)));
}

/** Unit direction (dx, dy, screen coordinates: y down) of an arrow symbol; undefined for letters. */
export function arrowDirection(symbol: string): [number, number] | undefined {
  switch (symbol) {
    case '←':
      return [-1, 0];
    case '→':
      return [1, 0];
    case '↑':
      return [0, -1];
    case '↓':
      return [0, 1];
    default:
      return undefined;
  }
}

/** #rgb / #rrggbb / rgb(a)(...) -> [r, g, b]; undefined for anything else. */
export function parseColor(text: string): [number, number, number] | undefined {
  const t = text.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(t);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as [number, number, number];
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(t);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as [number, number, number];
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(t);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return undefined;
}

/** The colour t of the way from `low` to `high` (linear in RGB); `low` when either does not parse. */
export function mixColor(low: string, high: string, t: number): string {
  const a = parseColor(low);
  const b = parseColor(high);
  if (!a || !b) return low;
  const c = a.map((x, i) => Math.round(x + (b[i] - x) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Cell size and origin that fit the grid in a box, centred, square cells. */
export function fitGrid(grid: Pick<TabularGrid, 'rows' | 'cols'>, width: number, height: number, pad = 8): { cell: number; x0: number; y0: number } {
  const cell = Math.max(4, Math.floor(Math.min((width - 2 * pad) / grid.cols, (height - 2 * pad) / grid.rows)));
  return { cell, x0: Math.round((width - cell * grid.cols) / 2), y0: Math.round((height - cell * grid.rows) / 2) };
}
