/**
 * text/sort-digits: the prompt lists digits, the completion writes them in ascending order.
 *
 *   prompt "sort 5281:"   completion "1258"
 *
 * Reward: the share of positions that hold the right digit, over the longer of target and
 * completion, so 1 only for the exact answer, and extra or missing digits cost.
 */
import type { Rng } from '../../rng';
import { intKwargs, type TextTask, type TextTaskSpec } from './types';

const ID = 'text/sort-digits';
const DEFAULTS = { min_digits: 3, max_digits: 6 };

export const SORT_DIGITS_SPEC: TextTaskSpec = {
  id: ID,
  summary: 'Write the digits of the prompt in ascending order.',
  example: { prompt: 'sort 5281:', completion: '1258' },
  reward: 'share of positions holding the right digit, over max(len(target), len(completion)); 1 = exactly sorted',
  rewardRange: [0, 1],
  kwargs: DEFAULTS,
};

function digitsOf(prompt: string): string {
  const m = /^sort (\d+):$/.exec(prompt);
  if (!m) throw new Error(`${ID}: not a prompt of this task: ${JSON.stringify(prompt)}`);
  return m[1];
}

function sorted(digits: string): string {
  return [...digits].sort().join('');
}

/** Positional agreement with the target over the longer length. */
export function sortReward(prompt: string, completion: string): number {
  const target = sorted(digitsOf(prompt));
  const c = completion.trim();
  let hits = 0;
  for (let i = 0; i < Math.min(c.length, target.length); i++) if (c[i] === target[i]) hits++;
  return hits / Math.max(target.length, c.length);
}

/** A plausible mistake: swap two digits, change one, drop one, add one, or leave the input unsorted. */
function corrupt(rng: Rng, text: string, source: string): string {
  const d = [...text];
  switch (rng.int(5)) {
    case 0: {
      if (d.length < 2) break;
      const i = rng.int(d.length - 1);
      [d[i], d[i + 1]] = [d[i + 1], d[i]];
      break;
    }
    case 1:
      d[rng.int(d.length)] = String(rng.int(10));
      break;
    case 2:
      if (d.length > 1) d.splice(rng.int(d.length), 1);
      break;
    case 3:
      d.splice(rng.int(d.length + 1), 0, String(rng.int(10)));
      break;
    default:
      return source;
  }
  return d.join('');
}

export function sortDigitsTask(kwargs: Readonly<Record<string, unknown>> = {}): TextTask {
  const k = intKwargs(ID, kwargs, DEFAULTS, { min_digits: [1, 20], max_digits: [1, 20] });
  if (k.min_digits > k.max_digits) throw new Error(`${ID}: min_digits (${k.min_digits}) exceeds max_digits (${k.max_digits})`);
  const prompt = (rng: Rng): string => {
    const n = k.min_digits + rng.int(k.max_digits - k.min_digits + 1);
    return `sort ${Array.from({ length: n }, () => String(rng.int(10))).join('')}:`;
  };
  return {
    id: ID,
    prompts: (rng, n) => Array.from({ length: n }, () => prompt(rng)),
    reward: sortReward,
    sftExample(rng) {
      const p = prompt(rng);
      return { prompt: p, completion: sorted(digitsOf(p)) };
    },
    preferencePair(rng) {
      for (;;) {
        const p = prompt(rng);
        const target = sorted(digitsOf(p));
        // Like preference data from a grader: chosen is mostly the right answer (else one
        // mistake), rejected the same with one or two more mistakes.
        const chosen = rng.random() < 0.8 ? target : corrupt(rng, target, digitsOf(p));
        let rejected = corrupt(rng, chosen, digitsOf(p));
        if (rng.random() < 0.5) rejected = corrupt(rng, rejected, digitsOf(p));
        if (sortReward(p, chosen) > sortReward(p, rejected)) return { prompt: p, chosen, rejected };
      }
    },
  };
}
