/**
 * CliffWalking (gymnasium/envs/toy_text/cliffwalking.py; Sutton & Barto, Example 6.6): a 4x12
 * grid, start at [3, 0], goal at [3, 11], the cliff along [3, 1..10]. Actions 0 up, 1 right,
 * 2 down, 3 left. Every step costs -1; stepping into the cliff costs -100 and puts the player
 * back on the start (not terminal); reaching the goal terminates. v1 adds `is_slippery`
 * (default false): the intended move and each perpendicular one with probability 1/3.
 * Gymnasium registers no time limit for it.
 */
import type { DiscreteModel, Transition } from './model';

export const CLIFF_ROWS = 4;
export const CLIFF_COLS = 12;
/** np.ravel_multi_index((3, 0), (4, 12)). */
export const CLIFF_START = 36;
export const CLIFF_GOAL = 47;

/** Row and column change of each action (POSITION_MAPPING). */
const DELTAS: readonly (readonly [number, number])[] = [
  [-1, 0],
  [0, 1],
  [1, 0],
  [0, -1],
];

export interface CliffWalkingOptions {
  is_slippery?: boolean;
}

export function cliffWalkingOptions(id: string, kwargs: Readonly<Record<string, unknown>>): CliffWalkingOptions {
  const allowed = id === 'CliffWalking-v0' ? [] : ['is_slippery'];
  for (const k of Object.keys(kwargs)) {
    if (!allowed.includes(k)) {
      throw new Error(allowed.length ? `${id} takes env_kwargs ${allowed.join(', ')}; got unknown '${k}'` : `${id} takes no env_kwargs (got ${k}); CliffWalking-v1 has is_slippery`);
    }
  }
  const slippery = kwargs.is_slippery;
  if (slippery !== undefined && typeof slippery !== 'boolean') throw new Error(`${id} is_slippery must be true or false, got ${JSON.stringify(slippery)}`);
  return slippery === undefined ? {} : { is_slippery: slippery };
}

export function isCliff(row: number, col: number): boolean {
  return row === CLIFF_ROWS - 1 && col >= 1 && col <= CLIFF_COLS - 2;
}

export function cliffWalkingModel(options: CliffWalkingOptions = {}): DiscreteModel {
  const nS = CLIFF_ROWS * CLIFF_COLS;
  const nA = 4;
  const P: Transition[][][] = [];
  for (let s = 0; s < nS; s++) {
    const row = Math.floor(s / CLIFF_COLS);
    const col = s % CLIFF_COLS;
    P[s] = [];
    for (let move = 0; move < nA; move++) {
      const moves = options.is_slippery ? [(move + 3) % 4, move, (move + 1) % 4] : [move];
      P[s][move] = moves.map((m): Transition => {
        const r = Math.min(Math.max(row + DELTAS[m][0], 0), CLIFF_ROWS - 1);
        const c = Math.min(Math.max(col + DELTAS[m][1], 0), CLIFF_COLS - 1);
        if (isCliff(r, c)) return [1 / moves.length, CLIFF_START, -100, false];
        const next = r * CLIFF_COLS + c;
        return [1 / moves.length, next, -1, next === CLIFF_GOAL];
      });
    }
  }
  const initialStateDistrib = Array.from({ length: nS }, (_, s) => (s === CLIFF_START ? 1 : 0));
  return { nS, nA, P, initialStateDistrib };
}
