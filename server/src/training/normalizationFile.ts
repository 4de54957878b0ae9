/**
 * `normalization.json` in a run folder: the VecNormalize statistics the policy was trained
 * with, so evaluation normalizes observations exactly as training did. Written atomically
 * (readers see the old or the new file, never half of one).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Normalizer, type VecNormalizeState } from './envs/vecNormalize';
import { writeFileAtomic } from './runStore';

export const NORMALIZATION_FILE = 'normalization.json';

export function writeNormalization(runDir: string, state: VecNormalizeState): void {
  writeFileAtomic(join(runDir, NORMALIZATION_FILE), JSON.stringify(state) + '\n');
}

/** The saved statistics; null when the run trained without normalization (no file). Throws on a damaged file. */
export function readNormalization(runDir: string): VecNormalizeState | null {
  const file = join(runDir, NORMALIZATION_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const data = JSON.parse(text) as unknown;
  if (!isVecNormalizeState(data)) throw new Error(`${file} is not a VecNormalize statistics file`);
  return data;
}

/**
 * The run's normalizer with frozen statistics (training = false), as evaluation uses it:
 * `normalizeObs(rawObs)` gives what the policy saw. null when the run did not normalize.
 */
export function loadNormalizer(runDir: string): Normalizer | null {
  const state = readNormalization(runDir);
  return state ? Normalizer.fromJSON(state) : null;
}

function isVecNormalizeState(x: unknown): x is VecNormalizeState {
  const o = x as Partial<VecNormalizeState> | null;
  const rms = (r: unknown): boolean => {
    const v = r as { mean?: unknown; var?: unknown; count?: unknown } | null;
    return !!v && Array.isArray(v.mean) && Array.isArray(v.var) && v.mean.length === v.var.length && typeof v.count === 'number';
  };
  return !!o && o.version === 1 && typeof o.config === 'object' && o.config !== null && rms(o.obsRms) && rms(o.retRms);
}
