/** Held-out split of n examples, drawn with the run seed (the same seed holds out the same rows). */
import { Rng } from '../../rng';

export function splitHeldOut(n: number, evalSplit: number, seed: number): { train: number[]; held: number[] } {
  const order = Array.from(Rng.stream(seed, 'lm-split').shuffle(Int32Array.from({ length: n }, (_, i) => i)));
  // At least one held-out example when a split is asked for and there is more than one row.
  const nHeld = evalSplit > 0 && n > 1 ? Math.min(n - 1, Math.max(1, Math.round(evalSplit * n))) : 0;
  return { train: order.slice(nHeld), held: order.slice(0, nHeld) };
}
