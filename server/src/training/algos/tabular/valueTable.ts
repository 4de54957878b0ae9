/**
 * What a tabular run saves as q_table.json in its run folder (and what the dashboard's heatmap
 * draws): the action values, the state values, the greedy action of every state, the grid.
 */
import type { TabularGrid, TabularValues } from '../../../protocol/types';
import type { DiscreteModel } from '../../envs/toyText/model';
import { QTable } from './qTable';

export const Q_TABLE_FILE = 'q_table.json';

/** The protocol's TabularValues (the dashboard reads the same shape). */
export type ValueTable = TabularValues;

export function valueTable(
  env: string,
  algo: string,
  step: number,
  q: QTable,
  v?: ArrayLike<number>,
  policy?: ArrayLike<number>,
  grid?: TabularGrid,
): ValueTable {
  return {
    env,
    algo,
    step,
    nS: q.nS,
    nA: q.nA,
    q: q.rows(),
    v: v ? Array.from(v) : Array.from({ length: q.nS }, (_, s) => q.max(s)),
    policy: policy ? Array.from(policy) : Array.from({ length: q.nS }, (_, s) => q.argmax(s)),
    ...(grid ? { grid } : {}),
  };
}

/** Q(s, a) = sum_{s'} p (r + gamma V(s') [not terminal]) from the model: the one-step lookahead of V. */
export function lookahead(model: DiscreteModel, v: ArrayLike<number>, gamma: number): QTable {
  const q = new QTable(model.nS, model.nA);
  for (let s = 0; s < model.nS; s++) {
    for (let a = 0; a < model.nA; a++) {
      let sum = 0;
      for (const [p, next, r, terminated] of model.P[s][a]) sum += p * (r + (terminated ? 0 : gamma * v[next]));
      q.set(s, a, sum);
    }
  }
  return q;
}
