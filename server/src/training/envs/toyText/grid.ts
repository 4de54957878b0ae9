/**
 * How each toy-text env's states lie on its grid (protocol `TabularGrid`), so the dashboard can
 * draw a value table as a heatmap with the greedy action as arrows.
 */
import type { TabularGrid } from '../../../protocol/types';
import { CLIFF_COLS, CLIFF_ROWS, isCliff } from './cliffWalking';
import { frozenLakeModel, frozenLakeOptions, type FrozenLakeOptions } from './frozenLake';
import { TAXI_LOCS } from './taxi';

const TAXI_PLACES = ['R', 'G', 'Y', 'B'];

export function toyTextGrid(id: string, kwargs: Readonly<Record<string, unknown>> = {}): TabularGrid | undefined {
  if (id === 'FrozenLake-v1' || id === 'FrozenLake8x8-v1') {
    const defaults: FrozenLakeOptions = { map_name: id === 'FrozenLake8x8-v1' ? '8x8' : '4x4' };
    const lake = frozenLakeModel(frozenLakeOptions(kwargs, defaults));
    return { rows: lake.nrow, cols: lake.ncol, layers: 1, tiles: lake.desc.join('').split(''), endTiles: ['H', 'G'], actionSymbols: ['←', '↓', '→', '↑'] };
  }
  if (id === 'CliffWalking-v0' || id === 'CliffWalking-v1') {
    const tiles = Array.from({ length: CLIFF_ROWS * CLIFF_COLS }, (_, s) => {
      const row = Math.floor(s / CLIFF_COLS);
      const col = s % CLIFF_COLS;
      if (isCliff(row, col)) return 'C';
      if (row === CLIFF_ROWS - 1) return col === 0 ? 'S' : 'G';
      return '.';
    });
    return { rows: CLIFF_ROWS, cols: CLIFF_COLS, layers: 1, tiles, endTiles: ['C', 'G'], actionSymbols: ['↑', '→', '↓', '←'] };
  }
  if (id === 'Taxi-v3') {
    const tiles = Array.from({ length: 25 }, (_, cell) => {
      const i = TAXI_LOCS.findIndex(([r, c]) => r * 5 + c === cell);
      return i >= 0 ? TAXI_PLACES[i] : '.';
    });
    const layerNames: string[] = [];
    for (let pass = 0; pass < 5; pass++) for (let dest = 0; dest < 4; dest++) layerNames.push(`passenger ${pass < 4 ? `at ${TAXI_PLACES[pass]}` : 'in taxi'}, to ${TAXI_PLACES[dest]}`);
    return { rows: 5, cols: 5, layers: 20, layerNames, tiles, actionSymbols: ['↓', '↑', '→', '←', 'P', 'D'] };
  }
  return undefined;
}
