import { closest, distance } from 'fastest-levenshtein';

/**
 * " — did you mean 'clip_range'?" when a candidate is close enough to be a typo, else "".
 * Close enough: at most a third of the word's length in edits (and at least 2 allowed), so
 * 'clip_rnage' finds 'clip_range' but 'foo' does not find 'gamma'.
 */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const best = closeMatch(word, candidates);
  return best === undefined ? '' : ` — did you mean '${best}'?`;
}

/** The candidate `didYouMean` would suggest, or undefined (for quick fixes). */
export function closeMatch(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates);
  const limit = Math.max(2, Math.floor(word.length / 3));
  return distance(word.toLowerCase(), best.toLowerCase()) <= limit ? best : undefined;
}
