/**
 * Checks one value against its schema entry: type, null, bounds, enum values, schedules and
 * policy_kwargs. Messages do not repeat the key; callers put the key in front.
 */
import type { ParamSpec } from '../schema';
import { closeMatch, didYouMean } from './didYouMean';
import { interpretEnvKwargs, type EnvKwargsResult } from './envKwargs';
import { readNormalize } from './normalize';
import { interpretPolicyKwargs, type KwargsResult } from './policyKwargs';
import { parsePyLiteral, PyParseError, type PyNode } from './pyDict';
import { parseScheduleValue } from './schedule';
import { readSweep } from './sweep';

export interface ValueIssue {
  severity: 'error' | 'warning';
  message: string;
  /** Part of the value the issue is about: offsets in the policy_kwargs string or the document. */
  sub?: { start: number; end: number; in: 'string' | 'document' };
  /** A value that would pass, as YAML text: the nearest valid one, or the did-you-mean. */
  replacement?: string;
}

export function checkValue(spec: ParamSpec, value: unknown, tree: PyNode | null = null): ValueIssue[] {
  if (value === null || value === undefined) {
    if (spec.nullable) return [];
    return [{ severity: 'error', message: spec.required ? 'a value is required' : `a value is required (default: ${formatDefault(spec)})` }];
  }
  switch (spec.type) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return [err(`must be a whole number, got ${show(value)}`)];
      return bounds(spec, value, String);
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return [err(`must be a number, got ${show(value)}`)];
      return bounds(spec, value, String);
    case 'bool':
      return typeof value === 'boolean' ? [] : [err(`must be true or false, got ${show(value)}`)];
    case 'string':
      return typeof value === 'string' ? [] : [err(`must be a string, got ${show(value)}`)];
    case 'enum': {
      const values = spec.values ?? [];
      if (typeof value === 'string' && values.includes(value)) return [];
      const hint = typeof value === 'string' ? didYouMean(value, values) : '';
      const match = typeof value === 'string' ? closeMatch(value, values) : undefined;
      return [{ ...err(`unknown value ${show(value)}${hint} (valid: ${values.join(', ')})`), replacement: match }];
    }
    case 'schedule': {
      const schedule = parseScheduleValue(value);
      if (!schedule) return [err(`must be a number or lin_<start> (linear decay to 0, e.g. lin_0.001), got ${show(value)}`)];
      if (schedule.kind === 'constant') return bounds(spec, schedule.value, String);
      return bounds(spec, schedule.start, (n) => `lin_${n}`);
    }
    case 'policy_kwargs':
      return readPolicyKwargs(value, tree).issues.map((i) => ({
        severity: i.severity,
        message: i.message,
        sub: { start: i.start, end: i.end, in: typeof value === 'string' ? 'string' : 'document' },
      }));
    case 'normalize':
      if (typeof value === 'boolean') return [];
      return readNormalize(value, tree).issues.map((i) => ({
        severity: i.severity,
        message: i.message,
        sub: { start: i.start, end: i.end, in: typeof value === 'string' ? 'string' : 'document' },
      }));
    case 'auto_float': {
      // SAC's ent_coef / target_entropy: a number, `auto`, or `auto_<init>` (SB3's string forms).
      if (typeof value === 'number') return Number.isFinite(value) ? bounds(spec, value, String) : [err(`must be a number, got ${show(value)}`)];
      if (value === 'auto') return [];
      const init = typeof value === 'string' ? /^auto_(.+)$/.exec(value) : null;
      if (init && Number.isFinite(Number(init[1])) && Number(init[1]) > 0) return [];
      return [err(`must be a number, 'auto' or 'auto_<positive initial value>' such as auto_0.1, got ${show(value)}`)];
    }
    case 'train_freq': {
      // SB3's train_freq: n, or the tuple [n, "step" | "episode"] as RL Baselines3 Zoo writes it.
      const n = Array.isArray(value) ? value[0] : value;
      const unit = Array.isArray(value) ? value[1] : 'step';
      if (Array.isArray(value) && value.length !== 2) return [err(`must be a whole number or [n, "step" | "episode"], got ${show(value)}`)];
      if (unit !== 'step' && unit !== 'episode') return [err(`the unit of train_freq must be "step" or "episode", got ${show(unit)}`)];
      if (typeof n !== 'number' || !Number.isInteger(n)) return [err(`must be a whole number or [n, "step" | "episode"], got ${show(value)}`)];
      return bounds(spec, n, String);
    }
    case 'sweep':
      return readSweep(value).issues.map((i) => ({ severity: i.severity, message: i.message }));
    case 'env_kwargs':
      return readEnvKwargs(value, tree).issues.map((i) => ({
        severity: i.severity,
        message: i.message,
        sub: { start: i.start, end: i.end, in: typeof value === 'string' ? 'string' : 'document' },
      }));
  }
}

/** env_kwargs from a Python-dict string (parsed as data) or a YAML mapping (as a tree). */
export function readEnvKwargs(value: unknown, tree: PyNode | null): EnvKwargsResult {
  if (typeof value === 'string') {
    try {
      return interpretEnvKwargs(parsePyLiteral(value));
    } catch (e) {
      if (!(e instanceof PyParseError)) throw e;
      return { value: {}, issues: [{ severity: 'error', message: `not valid env_kwargs data: ${e.message}`, start: e.start, end: e.end }] };
    }
  }
  if (tree) return interpretEnvKwargs(tree);
  return {
    value: {},
    issues: [{ severity: 'error', message: `must be a mapping or a "dict(...)" string, got ${show(value)}`, start: 0, end: 0 }],
  };
}

/** policy_kwargs from a Python-dict string (parsed as data) or a YAML mapping (as a tree). */
export function readPolicyKwargs(value: unknown, tree: PyNode | null): KwargsResult {
  if (typeof value === 'string') {
    try {
      return interpretPolicyKwargs(parsePyLiteral(value));
    } catch (e) {
      if (!(e instanceof PyParseError)) throw e;
      return {
        value: {},
        issues: [{ severity: 'error', message: `not valid policy_kwargs data: ${e.message}`, start: e.start, end: e.end }],
      };
    }
  }
  if (tree) return interpretPolicyKwargs(tree);
  return {
    value: {},
    issues: [{ severity: 'error', message: `must be a mapping or a "dict(...)" string, got ${show(value)}`, start: 0, end: 0 }],
  };
}

function bounds(spec: ParamSpec, n: number, write: (n: number) => string): ValueIssue[] {
  const belowMin = spec.min !== undefined && (spec.minExclusive ? n <= spec.min : n < spec.min);
  const aboveMax = spec.max !== undefined && n > spec.max;
  if (!belowMin && !aboveMax) return [];
  const nearest = nearestValid(spec, n);
  return [{ ...err(`must be ${rangeText(spec)}, got ${n}`), replacement: nearest === undefined ? undefined : write(nearest) }];
}

/**
 * The valid value nearest to an out-of-range one: the bound itself when it is inclusive; for an
 * exclusive bound (learning_rate > 0) the edge of the sensible range, which is valid and a value
 * people use, rather than an arbitrary epsilon above the bound.
 */
export function nearestValid(spec: ParamSpec, n: number): number | undefined {
  if (spec.max !== undefined && n > spec.max) return spec.max;
  if (spec.min === undefined) return undefined;
  if (!spec.minExclusive) return spec.type === 'int' ? Math.ceil(spec.min) : spec.min;
  if (spec.sensible && spec.sensible[0] > spec.min) return spec.sensible[0];
  return spec.type === 'int' ? Math.floor(spec.min) + 1 : undefined;
}

/** "> 0 and <= 1", ">= 1", "<= 4096". */
export function rangeText(spec: ParamSpec): string {
  const parts: string[] = [];
  if (spec.min !== undefined) parts.push(`${spec.minExclusive ? '>' : '>='} ${spec.min}`);
  if (spec.max !== undefined) parts.push(`<= ${spec.max}`);
  return parts.join(' and ');
}

export function formatDefault(spec: ParamSpec): string {
  if (spec.default === null) return spec.nullable ? 'null (off)' : 'none';
  if (typeof spec.default === 'object') return JSON.stringify(spec.default);
  return String(spec.default);
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return String(value);
}

function err(message: string): ValueIssue {
  return { severity: 'error', message };
}
