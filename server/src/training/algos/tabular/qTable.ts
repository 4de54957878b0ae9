/**
 * The action-value table Q(s, a) of a finite MDP, nS x nA in one Float64Array (row s holds the
 * nA values of state s), with the greedy and epsilon-greedy policies that read it.
 */
import type { Rng } from '../../rng';

export class QTable {
  readonly values: Float64Array;

  constructor(
    readonly nS: number,
    readonly nA: number,
    init = 0,
  ) {
    this.values = new Float64Array(nS * nA).fill(init);
  }

  get(s: number, a: number): number {
    return this.values[s * this.nA + a];
  }

  /** Q(s, a) += delta (the TD or Monte-Carlo step); returns the new value. */
  add(s: number, a: number, delta: number): number {
    return (this.values[s * this.nA + a] += delta);
  }

  set(s: number, a: number, v: number): void {
    this.values[s * this.nA + a] = v;
  }

  max(s: number): number {
    let m = -Infinity;
    for (let a = 0; a < this.nA; a++) m = Math.max(m, this.values[s * this.nA + a]);
    return m;
  }

  /** The first action with the largest value (NumPy's argmax): the deterministic greedy policy. */
  argmax(s: number): number {
    let best = 0;
    for (let a = 1; a < this.nA; a++) if (this.values[s * this.nA + a] > this.values[s * this.nA + best]) best = a;
    return best;
  }

  /** Number of actions tied at the maximum (for expected Sarsa's greedy mass). */
  countMax(s: number): number {
    const m = this.max(s);
    let n = 0;
    for (let a = 0; a < this.nA; a++) if (this.values[s * this.nA + a] === m) n++;
    return n;
  }

  /**
   * A greedy action with ties broken uniformly at random: with an all-zero initial table,
   * always taking the first action would make early behaviour systematic rather than exploratory.
   */
  greedy(s: number, rng: Rng): number {
    const m = this.max(s);
    const ties = this.countMax(s);
    let k = ties > 1 ? rng.int(ties) : 0;
    for (let a = 0; a < this.nA; a++) {
      if (this.values[s * this.nA + a] === m && k-- === 0) return a;
    }
    return this.argmax(s);
  }

  /** Epsilon-greedy: a uniformly random action with probability epsilon, else greedy. */
  epsilonGreedy(s: number, epsilon: number, rng: Rng): number {
    if (epsilon > 0 && rng.random() < epsilon) return rng.int(this.nA);
    return this.greedy(s, rng);
  }

  /**
   * E_{a ~ pi}[Q(s, a)] for the epsilon-greedy policy pi of greedy(): epsilon / nA on every
   * action plus (1 - epsilon) shared by the tied maxima (Sutton & Barto eq. 6.9).
   */
  expectedEpsilonGreedy(s: number, epsilon: number): number {
    const m = this.max(s);
    let mean = 0;
    for (let a = 0; a < this.nA; a++) mean += this.values[s * this.nA + a];
    mean /= this.nA;
    // Tied maxima share the greedy mass equally, and all have value m.
    return epsilon * mean + (1 - epsilon) * m;
  }

  /** Rows as arrays (q_table.json, checkpoints). */
  rows(): number[][] {
    return Array.from({ length: this.nS }, (_, s) => Array.from(this.values.subarray(s * this.nA, (s + 1) * this.nA)));
  }

  load(rows: readonly (readonly number[])[]): void {
    if (rows.length !== this.nS || rows.some((r) => r.length !== this.nA)) {
      throw new Error(`the saved Q-table is ${rows.length} x ${rows[0]?.length ?? 0}, this environment needs ${this.nS} x ${this.nA}`);
    }
    rows.forEach((r, s) => this.values.set(r, s * this.nA));
  }
}
