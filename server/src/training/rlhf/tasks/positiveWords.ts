/**
 * text/positive-words: describe a subject in a few words from a small lexicon; the reward
 * counts positive words and subtracts negative ones (a miniature sentiment reward).
 *
 *   prompt "the movie:"   completion "great fun film"
 *
 * Reward: (positive words - negative words) / max(n_words, words written), in [-1, 1]. The
 * demonstrations draw words from the whole lexicon (neutral on average), so the SFT model
 * writes fluent but unopinionated text and RL has room to make it positive.
 */
import type { Rng } from '../../rng';
import { intKwargs, type TextTask, type TextTaskSpec } from './types';

const ID = 'text/positive-words';
const DEFAULTS = { n_words: 3 };

export const POSITIVE_WORDS = ['good', 'great', 'nice', 'happy', 'fun', 'best', 'kind', 'warm', 'sweet', 'lovely', 'fine', 'calm', 'bright', 'joy'] as const;
export const NEGATIVE_WORDS = ['bad', 'sad', 'awful', 'poor', 'dull', 'worst', 'ugly', 'cold', 'boring', 'grim', 'weak', 'lame', 'rude', 'dark'] as const;
export const NEUTRAL_WORDS = ['old', 'new', 'long', 'short', 'big', 'small', 'red', 'blue', 'film', 'day', 'time', 'place', 'plain', 'loud'] as const;
const SUBJECTS = ['movie', 'food', 'trip', 'book', 'game', 'song', 'hotel', 'class', 'city', 'show'] as const;

const POSITIVE = new Set<string>(POSITIVE_WORDS);
const NEGATIVE = new Set<string>(NEGATIVE_WORDS);
const ALL_WORDS: readonly string[] = [...POSITIVE_WORDS, ...NEGATIVE_WORDS, ...NEUTRAL_WORDS];

export const POSITIVE_WORDS_SPEC: TextTaskSpec = {
  id: ID,
  summary: 'Describe a subject in n_words words; words from the positive lexicon score, negative ones cost.',
  example: { prompt: 'the movie:', completion: 'great fun film' },
  reward: '(positive words - negative words) / max(n_words, words written), in [-1, 1]',
  rewardRange: [-1, 1],
  kwargs: DEFAULTS,
};

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(list.length)];
}

export function positiveWordsTask(kwargs: Readonly<Record<string, unknown>> = {}): TextTask {
  const k = intKwargs(ID, kwargs, DEFAULTS, { n_words: [1, 10] });
  const reward = (_prompt: string, completion: string): number => {
    const words = completion.trim().split(/\s+/).filter((w) => w.length > 0);
    let score = 0;
    for (const w of words) score += POSITIVE.has(w) ? 1 : NEGATIVE.has(w) ? -1 : 0;
    return score / Math.max(k.n_words, words.length);
  };
  const prompt = (rng: Rng): string => `the ${pick(rng, SUBJECTS)}:`;
  const words = (rng: Rng, from: readonly string[]): string => Array.from({ length: k.n_words }, () => pick(rng, from)).join(' ');
  return {
    id: ID,
    prompts: (rng, n) => Array.from({ length: n }, () => prompt(rng)),
    reward,
    sftExample: (rng) => ({ prompt: prompt(rng), completion: words(rng, ALL_WORDS) }),
    preferencePair(rng) {
      for (;;) {
        const p = prompt(rng);
        const a = words(rng, ALL_WORDS);
        const b = words(rng, ALL_WORDS);
        const ra = reward(p, a);
        const rb = reward(p, b);
        if (ra !== rb) return ra > rb ? { prompt: p, chosen: a, rejected: b } : { prompt: p, chosen: b, rejected: a };
      }
    },
  };
}
