/**
 * FrozenLake-v1 (gymnasium/envs/toy_text/frozen_lake.py): walk from S to G over frozen tiles
 * F without falling into a hole H. Actions 0 left, 1 down, 2 right, 3 up. On slippery ice
 * the move goes the intended way with probability `success_rate` (1/3) and to each
 * perpendicular side with (1 - success_rate) / 2; bumping into the edge stays put.
 * Reward 1 on reaching G, 0 otherwise; reaching G or H terminates. G and H are absorbing in P
 * (`(1.0, s, 0, True)` for every action), as in Gymnasium.
 */
import type { DiscreteModel, Transition } from './model';

export const LEFT = 0;
export const DOWN = 1;
export const RIGHT = 2;
export const UP = 3;

export const FROZEN_LAKE_MAPS: Readonly<Record<string, readonly string[]>> = {
  '4x4': ['SFFF', 'FHFH', 'FFFH', 'HFFG'],
  '8x8': ['SFFFFFFF', 'FFFFFFFF', 'FFFHFFFF', 'FFFFFHFF', 'FFFHFFFF', 'FHHFFFHF', 'FHFFHFHF', 'FFFHFFFG'],
};

export interface FrozenLakeOptions {
  /** Rows of a custom map, top row first (Gymnasium's `desc`); overrides map_name. */
  desc?: readonly string[];
  map_name?: string;
  is_slippery?: boolean;
  /** Probability of moving the intended way on slippery ice (Gymnasium >= 1.1). */
  success_rate?: number;
}

export interface FrozenLakeModel extends DiscreteModel {
  readonly nrow: number;
  readonly ncol: number;
  /** The map, one string per row. */
  readonly desc: readonly string[];
}

const KWARGS = ['desc', 'map_name', 'is_slippery', 'success_rate'];

/**
 * Options from env_kwargs (scalars): `desc` is written as one string with rows separated by
 * '/', ',' or spaces ("SFFF/FHFH/FFFH/HFFG"), since experiment kwargs hold no lists.
 */
export function frozenLakeOptions(kwargs: Readonly<Record<string, unknown>>, defaults: FrozenLakeOptions = {}): FrozenLakeOptions {
  for (const k of Object.keys(kwargs)) {
    if (!KWARGS.includes(k)) throw new Error(`FrozenLake takes env_kwargs ${KWARGS.join(', ')}; got unknown '${k}'`);
  }
  const out: FrozenLakeOptions = { ...defaults };
  const { desc, map_name, is_slippery, success_rate } = kwargs;
  if (desc !== undefined && desc !== null) {
    if (typeof desc !== 'string') throw new Error(`FrozenLake desc must be a string of rows such as "SFFF/FHFH/FFFH/HFFG", got ${JSON.stringify(desc)}`);
    out.desc = desc.split(/[\s/,]+/).filter((r) => r.length > 0);
  }
  if (map_name !== undefined) {
    if (map_name === null) throw new Error('FrozenLake map_name: null (a random map) is not supported; give a map with desc');
    if (typeof map_name !== 'string' || !(map_name in FROZEN_LAKE_MAPS)) {
      throw new Error(`FrozenLake map_name must be one of ${Object.keys(FROZEN_LAKE_MAPS).join(', ')}, got ${JSON.stringify(map_name)}`);
    }
    out.map_name = map_name;
  }
  if (is_slippery !== undefined) {
    if (typeof is_slippery !== 'boolean') throw new Error(`FrozenLake is_slippery must be true or false, got ${JSON.stringify(is_slippery)}`);
    out.is_slippery = is_slippery;
  }
  if (success_rate !== undefined) {
    if (typeof success_rate !== 'number' || !(success_rate >= 0 && success_rate <= 1)) {
      throw new Error(`FrozenLake success_rate must be a number in [0, 1], got ${JSON.stringify(success_rate)}`);
    }
    out.success_rate = success_rate;
  }
  return out;
}

function checkDesc(desc: readonly string[]): void {
  if (desc.length === 0) throw new Error('FrozenLake desc has no rows');
  const ncol = desc[0].length;
  for (const [i, row] of desc.entries()) {
    if (row.length !== ncol) throw new Error(`FrozenLake desc rows must have the same length: row ${i} '${row}' has ${row.length}, row 0 has ${ncol}`);
    if (!/^[SFHG]+$/.test(row)) throw new Error(`FrozenLake desc row ${i} '${row}' may only contain S, F, H and G`);
  }
  if (!desc.some((r) => r.includes('S'))) throw new Error('FrozenLake desc needs a start tile S');
}

export function frozenLakeModel(options: FrozenLakeOptions = {}): FrozenLakeModel {
  const desc = options.desc ?? FROZEN_LAKE_MAPS[options.map_name ?? '4x4'];
  checkDesc(desc);
  const isSlippery = options.is_slippery ?? true;
  const successRate = options.success_rate ?? 1 / 3;
  const failRate = (1 - successRate) / 2;
  const nrow = desc.length;
  const ncol = desc[0].length;
  const nS = nrow * ncol;
  const nA = 4;
  const letter = (row: number, col: number): string => desc[row][col];
  const toS = (row: number, col: number): number => row * ncol + col;
  const inc = (row: number, col: number, a: number): [number, number] => {
    if (a === LEFT) col = Math.max(col - 1, 0);
    else if (a === DOWN) row = Math.min(row + 1, nrow - 1);
    else if (a === RIGHT) col = Math.min(col + 1, ncol - 1);
    else if (a === UP) row = Math.max(row - 1, 0);
    return [row, col];
  };
  const outcome = (prob: number, row: number, col: number, a: number): Transition => {
    const [r, c] = inc(row, col, a);
    const l = letter(r, c);
    return [prob, toS(r, c), l === 'G' ? 1 : 0, l === 'G' || l === 'H'];
  };

  const P: Transition[][][] = [];
  for (let row = 0; row < nrow; row++) {
    for (let col = 0; col < ncol; col++) {
      const s = toS(row, col);
      P[s] = [];
      for (let a = 0; a < nA; a++) {
        const l = letter(row, col);
        if (l === 'G' || l === 'H') P[s][a] = [[1, s, 0, true]];
        else if (isSlippery) P[s][a] = [(a + 3) % 4, a, (a + 1) % 4].map((b) => outcome(b === a ? successRate : failRate, row, col, b));
        else P[s][a] = [outcome(1, row, col, a)];
      }
    }
  }
  const starts = desc.join('').split('').map((l) => (l === 'S' ? 1 : 0));
  const total = starts.reduce((x: number, y) => x + y, 0);
  return { nS, nA, P, initialStateDistrib: starts.map((x) => x / total), nrow, ncol, desc };
}
