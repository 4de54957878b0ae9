/**
 * Taxi-v3 (gymnasium/envs/toy_text/taxi.py; Dietterich 2000): a 5x5 grid with walls, four
 * stands R, G, Y, B. The taxi drives to the passenger, picks them up and drops them at the
 * destination. Actions 0 south, 1 north, 2 east, 3 west, 4 pickup, 5 dropoff. Reward -1 per
 * step, +20 for a delivery (terminates), -10 for an illegal pickup or dropoff. 500 states:
 * ((taxi_row * 5 + taxi_col) * 5 + passenger_location) * 4 + destination, passenger location
 * 4 = in the taxi. Episodes start in a uniformly random state with the passenger waiting at a
 * stand other than their destination.
 */
import type { DiscreteModel, Transition } from './model';

export const TAXI_MAP = ['+---------+', '|R: | : :G|', '| : | : : |', '| : : : : |', '| | : | : |', '|Y| : |B: |', '+---------+'];
/** Stand coordinates (row, col): R, G, Y, B. */
export const TAXI_LOCS: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 4],
  [4, 0],
  [4, 3],
];

export interface TaxiState {
  taxiRow: number;
  taxiCol: number;
  /** 0..3 a stand, 4 in the taxi. */
  passLoc: number;
  destIdx: number;
}

export function taxiEncode(taxiRow: number, taxiCol: number, passLoc: number, destIdx: number): number {
  return ((taxiRow * 5 + taxiCol) * 5 + passLoc) * 4 + destIdx;
}

export function taxiDecode(i: number): TaxiState {
  const destIdx = i % 4;
  i = Math.floor(i / 4);
  const passLoc = i % 5;
  i = Math.floor(i / 5);
  const taxiCol = i % 5;
  const taxiRow = Math.floor(i / 5);
  if (taxiRow < 0 || taxiRow >= 5) throw new Error(`taxi state out of range`);
  return { taxiRow, taxiCol, passLoc, destIdx };
}

function locIndex(row: number, col: number): number {
  return TAXI_LOCS.findIndex(([r, c]) => r === row && c === col);
}

export function taxiModel(): DiscreteModel {
  const nS = 500;
  const nA = 6;
  const maxRow = 4;
  const maxCol = 4;
  const initial = new Array<number>(nS).fill(0);
  const P: Transition[][][] = Array.from({ length: nS }, () => []);
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 5; col++) {
      for (let passIdx = 0; passIdx < 5; passIdx++) {
        for (let destIdx = 0; destIdx < 4; destIdx++) {
          const state = taxiEncode(row, col, passIdx, destIdx);
          if (passIdx < 4 && passIdx !== destIdx) initial[state] += 1;
          for (let action = 0; action < nA; action++) {
            let newRow = row;
            let newCol = col;
            let newPassIdx = passIdx;
            let reward = -1;
            let terminated = false;
            const here = locIndex(row, col);
            if (action === 0) newRow = Math.min(row + 1, maxRow);
            else if (action === 1) newRow = Math.max(row - 1, 0);
            // A ':' beside the taxi in the map is an open side; '|' is a wall.
            if (action === 2 && TAXI_MAP[1 + row][2 * col + 2] === ':') newCol = Math.min(col + 1, maxCol);
            else if (action === 3 && TAXI_MAP[1 + row][2 * col] === ':') newCol = Math.max(col - 1, 0);
            else if (action === 4) {
              if (passIdx < 4 && here === passIdx) newPassIdx = 4;
              else reward = -10;
            } else if (action === 5) {
              if (here === destIdx && passIdx === 4) {
                newPassIdx = destIdx;
                terminated = true;
                reward = 20;
              } else if (here >= 0 && passIdx === 4) newPassIdx = here;
              else reward = -10;
            }
            P[state][action] = [[1, taxiEncode(newRow, newCol, newPassIdx, destIdx), reward, terminated]];
          }
        }
      }
    }
  }
  const total = initial.reduce((a, b) => a + b, 0);
  return { nS, nA, P, initialStateDistrib: initial.map((x) => x / total) };
}
