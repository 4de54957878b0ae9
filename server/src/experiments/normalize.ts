/**
 * Reads `normalize` the ways RL Baselines3 Zoo writes it: `true` / `false`, or a Python-dict
 * string of VecNormalize options such as "{'norm_obs': True, 'norm_reward': False}" (the Zoo
 * evaluates it; we parse it as data), or the same options as a YAML mapping.
 */
import type { NormalizeConfig } from '../schema';
import { NORMALIZE_DEFAULTS } from '../training/envs/vecNormalize';
import { didYouMean } from './didYouMean';
import type { KwargsIssue } from './policyKwargs';
import { parsePyLiteral, PyParseError, type PyNode } from './pyDict';

/** The options given explicitly; the rest take SB3's defaults (gamma: the algorithm's). */
export type NormalizeOptions = Partial<NormalizeConfig>;

export interface NormalizeResult {
  /** false: off; otherwise the options written (an empty object for `true`). */
  value: NormalizeOptions | false;
  issues: KwargsIssue[];
}

const BOOL_KEYS = ['norm_obs', 'norm_reward'] as const;
/** Positive numbers; gamma is also at most 1. */
const NUMBER_KEYS = ['clip_obs', 'clip_reward', 'gamma', 'epsilon'] as const;
export const NORMALIZE_KEYS: readonly string[] = [...BOOL_KEYS, ...NUMBER_KEYS];

export function readNormalize(value: unknown, tree: PyNode | null): NormalizeResult {
  if (value === true) return { value: {}, issues: [] };
  if (value === false || value === null || value === undefined) return { value: false, issues: [] };
  if (typeof value === 'string') {
    try {
      return interpretNormalize(parsePyLiteral(value));
    } catch (e) {
      if (!(e instanceof PyParseError)) throw e;
      return { value: false, issues: [{ severity: 'error', message: `not valid normalize options: ${e.message}`, start: e.start, end: e.end }] };
    }
  }
  if (tree) return interpretNormalize(tree);
  return { value: false, issues: [{ severity: 'error', message: 'must be true, false, a mapping of VecNormalize options or a "{...}" string', start: 0, end: 0 }] };
}

export function interpretNormalize(node: PyNode): NormalizeResult {
  const issues: KwargsIssue[] = [];
  if (node.kind === 'bool') return { value: node.value ? {} : false, issues };
  if (node.kind !== 'dict') {
    issues.push({ severity: 'error', message: 'normalize must be true, false or a mapping of VecNormalize options', start: node.start, end: node.end });
    return { value: false, issues };
  }
  const value: NormalizeOptions = {};
  for (const { key, keyStart, keyEnd, value: v } of node.entries) {
    if ((BOOL_KEYS as readonly string[]).includes(key)) {
      if (v.kind === 'bool') value[key as (typeof BOOL_KEYS)[number]] = v.value;
      else issues.push({ severity: 'error', message: `normalize '${key}' must be True or False`, start: v.start, end: v.end });
    } else if ((NUMBER_KEYS as readonly string[]).includes(key)) {
      const ok = v.kind === 'number' && v.value > 0 && (key !== 'gamma' || v.value <= 1);
      if (ok) value[key as (typeof NUMBER_KEYS)[number]] = v.value;
      else issues.push({ severity: 'error', message: `normalize '${key}' must be a number ${key === 'gamma' ? '> 0 and <= 1' : '> 0'}`, start: v.start, end: v.end });
    } else {
      issues.push({ severity: 'error', message: `unknown VecNormalize option '${key}'${didYouMean(key, NORMALIZE_KEYS)} (options: ${NORMALIZE_KEYS.join(', ')})`, start: keyStart, end: keyEnd });
    }
  }
  return { value, issues };
}

/** The options filled with SB3's defaults; gamma defaults to the algorithm's discount (RL Zoo). */
export function resolveNormalize(options: NormalizeOptions | false, algorithmGamma: number): NormalizeConfig | false {
  if (options === false) return false;
  return { ...NORMALIZE_DEFAULTS, gamma: algorithmGamma, ...options };
}
