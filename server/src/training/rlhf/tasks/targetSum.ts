/**
 * text/target-sum: write digits 1-9 joined by '+' that add up to the prompt's target.
 *
 *   prompt "sum 17:"   completion "9+8"  (or "8+5+4", any such sum)
 *
 * Reward: 0 unless the completion is digits joined by '+' (at most max_terms of them); then
 * max(0, 1 - |sum - target| / target), so 1 only for an exact sum and closer sums score more.
 */
import type { Rng } from '../../rng';
import { intKwargs, type TextTask, type TextTaskSpec } from './types';

const ID = 'text/target-sum';
const DEFAULTS = { min_target: 2, max_target: 27, max_terms: 4 };

export const TARGET_SUM_SPEC: TextTaskSpec = {
  id: ID,
  summary: 'Write digits 1-9 joined by + that add up to the target number.',
  example: { prompt: 'sum 17:', completion: '9+8' },
  reward: 'well-formed sum of at most max_terms digits: max(0, 1 - |sum - target| / target); otherwise 0',
  rewardRange: [0, 1],
  kwargs: DEFAULTS,
};

function targetOf(prompt: string): number {
  const m = /^sum (\d+):$/.exec(prompt);
  if (!m) throw new Error(`${ID}: not a prompt of this task: ${JSON.stringify(prompt)}`);
  return Number(m[1]);
}

export function targetSumTask(kwargs: Readonly<Record<string, unknown>> = {}): TextTask {
  const k = intKwargs(ID, kwargs, DEFAULTS, { min_target: [1, 1000], max_target: [1, 1000], max_terms: [1, 20] });
  if (k.min_target > k.max_target) throw new Error(`${ID}: min_target (${k.min_target}) exceeds max_target (${k.max_target})`);
  if (k.max_target > 9 * k.max_terms) throw new Error(`${ID}: max_target ${k.max_target} cannot be reached with ${k.max_terms} digits (at most ${9 * k.max_terms})`);

  const reward = (prompt: string, completion: string): number => {
    const target = targetOf(prompt);
    const c = completion.trim();
    if (!/^[1-9](\+[1-9])*$/.test(c)) return 0;
    const terms = c.split('+').map(Number);
    if (terms.length > k.max_terms) return 0;
    const sum = terms.reduce((a, b) => a + b, 0);
    return Math.max(0, 1 - Math.abs(sum - target) / target);
  };
  const prompt = (rng: Rng): string => `sum ${k.min_target + rng.int(k.max_target - k.min_target + 1)}:`;
  /** Digits 1-9 summing exactly to target with as few terms as allowed, then split at random. */
  const decompose = (rng: Rng, target: number): number[] => {
    const minTerms = Math.max(1, Math.ceil(target / 9));
    const n = Math.min(k.max_terms, target, minTerms + rng.int(2));
    // Start from n ones and hand out the rest one unit at a time to terms below 9.
    const terms = new Array<number>(n).fill(1);
    let rest = target - n;
    while (rest > 0) {
      const i = rng.int(n);
      if (terms[i] < 9) {
        terms[i]++;
        rest--;
      }
    }
    return terms;
  };
  return {
    id: ID,
    prompts: (rng, n) => Array.from({ length: n }, () => prompt(rng)),
    reward,
    sftExample(rng) {
      const p = prompt(rng);
      return { prompt: p, completion: decompose(rng, targetOf(p)).join('+') };
    },
    preferencePair(rng) {
      for (;;) {
        const p = prompt(rng);
        const target = targetOf(p);
        const good = decompose(rng, target);
        const chosen = good.join('+');
        // Rejected: one term changed (a wrong sum), or a malformed string.
        const bad = [...good];
        const i = rng.int(bad.length);
        bad[i] = 1 + rng.int(9);
        const rejected = rng.random() < 0.2 ? bad.join('') : bad.join('+');
        if (reward(p, chosen) > reward(p, rejected)) return { prompt: p, chosen, rejected };
      }
    },
  };
}
