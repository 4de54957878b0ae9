/**
 * A synthetic text task: prompts to complete, a programmatic reward for a completion, and the
 * data the supervised stages need (demonstrations for `sft`, preference pairs for
 * `reward_model` and `dpo`). No download: everything is generated from the run's seeded Rng.
 */
import type { Rng } from '../../rng';

export interface PreferencePair {
  prompt: string;
  chosen: string;
  rejected: string;
}

export interface SftExample {
  prompt: string;
  completion: string;
}

export interface TextTask {
  /** The `env` id, e.g. `text/sort-digits`. */
  readonly id: string;
  /** n prompts drawn with rng. */
  prompts(rng: Rng, n: number): string[];
  /** The task's score of a completion (text after the prompt, eos excluded); see the spec's range. */
  reward(prompt: string, completion: string): number;
  /** A pair whose chosen completion has a strictly higher reward than the rejected one. */
  preferencePair(rng: Rng): PreferencePair;
  /** A demonstration (what `sft` imitates). */
  sftExample(rng: Rng): SftExample;
}

/** What the editor shows about a text task (no functions: cheap to import anywhere). */
export interface TextTaskSpec {
  id: string;
  summary: string;
  /** What a prompt and a good completion look like. */
  example: { prompt: string; completion: string };
  /** How the reward is computed, one line. */
  reward: string;
  rewardRange: [number, number];
  /** Accepted `env_kwargs` with their defaults. */
  kwargs: Record<string, number>;
}

/** Reads integer kwargs with defaults; unknown keys and non-integers are errors naming the task. */
export function intKwargs<K extends string>(task: string, given: Readonly<Record<string, unknown>>, defaults: Record<K, number>, bounds: Record<K, [number, number]>): Record<K, number> {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given)) {
    if (!(k in defaults)) throw new Error(`${task}: unknown env_kwargs key '${k}' (accepted: ${Object.keys(defaults).join(', ')})`);
    const [lo, hi] = bounds[k as K];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new Error(`${task}: env_kwargs ${k} must be an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
    out[k as K] = v;
  }
  return out;
}
