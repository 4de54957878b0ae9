/**
 * Validation of an experiment's `sweep:` block (issue 7's sweeps), as the editor shows it while
 * typing: every listed value is checked against its key's schema, so a typo in the third value
 * of a grid is an error on that value, not a failed run an hour later. The block's shape:
 *
 *   sweep:
 *     method: grid | random          (default grid: every combination)
 *     values: { key: [v1, v2, ...] } (random also takes { min, max, log? } for numeric keys)
 *     seeds: [1, 2, 3]               (each combination runs once per seed)
 *     n_trials: N                    (random: how many combinations to draw)
 *     sampler_seed: N                (random: seeds the draws; default 0)
 *
 * The shape rules are experiments/sweep.ts's `readSweep` (which expands the sweep for the
 * runs); this adds positions and checks every value against its key's schema. Anything
 * `readSweep` still rejects (such as too many runs) is reported on the `sweep` key.
 */
import { paramSpec, paramsFor, allParamKeys, type AlgoId, type ParamSpec } from '../schema';
import { checkValue } from './checkValue';
import { readSweep, sweepSize } from './sweep';
import { closeMatch, didYouMean } from './didYouMean';
import type { EntryModel, Issue, OffsetRange } from './model';
import type { PyDictEntry, PyNode } from './pyDict';

export const SWEEP_KEY = 'sweep';
export const SWEEP_METHODS = ['grid', 'random'] as const;
/** The fields experiments/sweep.ts (issue 7) reads. */
const SWEEP_FIELDS = ['method', 'values', 'seeds', 'n_trials', 'sampler_seed'];
/** Keys a sweep may not vary: they name what is trained, or have their own field (`seeds`). */
const NOT_SWEEPABLE: Record<string, string> = {
  algo: 'a sweep varies hyperparameters of one algorithm; write one experiment per algorithm',
  seed: "list seeds under 'seeds', not 'values'",
  sweep: 'a sweep cannot sweep itself',
};

/** What a declared sweep amounts to, for code lenses and hover; undefined when it is not valid yet. */
export interface SweepSummary {
  method: 'grid' | 'random';
  keys: string[];
  /** Runs it queues: combinations (grid) or trials (random), times seeds. */
  runs: number;
  seeds: number[];
}

export function readSweepSummary(entry: EntryModel | undefined): SweepSummary | undefined {
  if (!entry || entry.value === null || entry.value === undefined) return undefined;
  const spec = readSweep(entry.value).value;
  if (!spec) return undefined;
  return { method: spec.method, keys: Object.keys(spec.values), runs: sweepSize(spec), seeds: spec.seeds ?? [] };
}

export function checkSweep(entry: EntryModel, algo: AlgoId | undefined, issues: Issue[]): void {
  const at = (node: { start: number; end: number } | undefined): OffsetRange =>
    node && node.end > node.start ? { start: node.start, end: node.end } : entry.valueRange.end > entry.valueRange.start ? entry.valueRange : entry.keyRange;
  const push = (message: string, range: OffsetRange, severity: Issue['severity'] = 'error', fix?: { title: string; newText: string }): void => {
    issues.push({ severity, message, range, key: SWEEP_KEY, fixes: fix ? [{ ...fix, range, preferred: true }] : undefined });
  };
  const tree = entry.tree;
  if (!tree || tree.kind !== 'dict' || !isRecord(entry.value)) {
    push(`must be a mapping with 'values' (key: [value, ...]), and optionally 'method' (grid | random), 'seeds' and 'n_trials'`, at(undefined));
    return;
  }
  const field = (name: string): PyDictEntry | undefined => tree.entries.find((e) => e.key === name);
  for (const e of tree.entries) {
    if (SWEEP_FIELDS.includes(e.key)) continue;
    const match = closeMatch(e.key, SWEEP_FIELDS);
    push(`unknown sweep option '${e.key}'${didYouMean(e.key, SWEEP_FIELDS)} is ignored (options: ${SWEEP_FIELDS.join(', ')})`, { start: e.keyStart, end: e.keyEnd }, 'warning', match ? { title: `Change to '${match}'`, newText: match } : undefined);
  }

  const method = field('method');
  let random = false;
  if (method) {
    const m = method.value;
    if (m.kind !== 'string' || !(SWEEP_METHODS as readonly string[]).includes(m.value)) {
      const text = m.kind === 'string' ? m.value : '';
      const match = closeMatch(text, SWEEP_METHODS);
      push(`method must be grid or random, got ${describe(m)}${didYouMean(text, SWEEP_METHODS)}`, at(m), 'error', match ? { title: `Change to '${match}'`, newText: match } : undefined);
    } else random = m.value === 'random';
  }

  const values = field('values');
  if (!values) push(`needs 'values': the keys to vary, each with a list of values (e.g. values: { clip_range: [0.1, 0.2] })`, { start: entry.keyRange.start, end: entry.keyRange.end });
  else if (values.value.kind !== 'dict') push(`'values' must be a mapping of key: [value, ...], got ${describe(values.value)}`, at(values.value));
  else if (values.value.entries.length === 0) push(`'values' names no keys to sweep`, at(values.value));
  else {
    const known = algo ? paramsFor(algo).map((p) => p.key) : allParamKeys();
    for (const v of values.value.entries) checkSweptKey(v, algo, known, random, push, at);
  }

  const seeds = field('seeds');
  if (seeds) {
    const seedSpec = paramSpec(algo, 'seed');
    if (seeds.value.kind !== 'list') push(`'seeds' must be a list of seeds, e.g. [1, 2, 3], got ${describe(seeds.value)}`, at(seeds.value));
    else if (seedSpec) {
      for (const item of seeds.value.items) {
        const bad = checkValue({ ...seedSpec, nullable: false }, plain(item), item)[0];
        if (bad) push(`seed ${bad.message}`, at(item));
      }
      const seen = new Set<number>();
      for (const item of seeds.value.items) {
        if (item.kind !== 'number') continue;
        if (seen.has(item.value)) push(`seed ${item.value} is listed twice`, at(item), 'warning');
        seen.add(item.value);
      }
    }
  }

  const trials = field('n_trials');
  if (trials) {
    const t = trials.value;
    if (t.kind !== 'number' || !Number.isInteger(t.value) || t.value < 1) push(`'n_trials' must be a whole number >= 1, got ${describe(t)}`, at(t));
    else if (!random) push(`'n_trials' is used only with method: random; a grid runs every combination`, { start: trials.keyStart, end: trials.keyEnd }, 'warning');
  } else if (random) push(`a random sweep needs 'n_trials', the number of combinations to draw`, { start: entry.keyRange.start, end: entry.keyRange.end });
  const samplerSeed = field('sampler_seed');
  if (samplerSeed && (samplerSeed.value.kind !== 'number' || !Number.isInteger(samplerSeed.value.value))) {
    push(`'sampler_seed' must be a whole number, got ${describe(samplerSeed.value)}`, at(samplerSeed.value));
  }
  if (issues.some((i) => i.key === SWEEP_KEY && i.severity === 'error')) return;
  // Whatever the expansion itself still rejects (too many runs ...), once, on the key.
  for (const i of readSweep(entry.value).issues) {
    if (i.severity === 'error') push(i.message, { start: entry.keyRange.start, end: entry.keyRange.end });
  }
}

function checkSweptKey(
  v: PyDictEntry,
  algo: AlgoId | undefined,
  known: string[],
  random: boolean,
  push: (message: string, range: OffsetRange, severity?: Issue['severity'], fix?: { title: string; newText: string }) => void,
  at: (node: { start: number; end: number } | undefined) => OffsetRange,
): void {
  const keyRange = { start: v.keyStart, end: v.keyEnd };
  if (v.key in NOT_SWEEPABLE) {
    push(`'${v.key}' cannot be swept: ${NOT_SWEEPABLE[v.key]}`, keyRange);
    return;
  }
  const spec = paramSpec(algo, v.key);
  if (!spec) {
    const match = closeMatch(v.key, known);
    push(`unknown key '${v.key}'${didYouMean(v.key, known)}`, keyRange, 'error', match ? { title: `Change to '${match}'`, newText: match } : undefined);
    return;
  }
  const node = v.value;
  if (node.kind === 'dict' && random) {
    checkDistribution(spec, node, push, at);
    return;
  }
  if (node.kind !== 'list') {
    const hint = random ? ', or { min, max } for method: random' : '';
    push(`'${v.key}' takes a list of values to try, e.g. [${exampleValues(spec)}]${hint}; got ${describe(node)}`, at(node));
    return;
  }
  if (node.items.length === 0) push(`'${v.key}' lists no values`, at(node));
  for (const item of node.items) {
    for (const bad of checkValue(spec, plain(item), item.kind === 'dict' || item.kind === 'list' ? item : null)) {
      const range = at(item);
      push(`${v.key} value ${bad.message}`, range, bad.severity, bad.replacement !== undefined ? { title: `Change to ${bad.replacement}`, newText: bad.replacement } : undefined);
    }
  }
}

/** `{ min, max, log? }`: a range random search draws from (log-uniform when log is true). */
function checkDistribution(
  spec: ParamSpec,
  node: Extract<PyNode, { kind: 'dict' }>,
  push: (message: string, range: OffsetRange, severity?: Issue['severity']) => void,
  at: (node: { start: number; end: number } | undefined) => OffsetRange,
): void {
  if (spec.type !== 'int' && spec.type !== 'float' && spec.type !== 'schedule') {
    push(`'${spec.key}' is not numeric, so it takes a list of values, not { min, max }`, at(node));
    return;
  }
  const get = (k: string): PyNode | undefined => node.entries.find((e) => e.key === k)?.value;
  for (const e of node.entries) if (!['min', 'max', 'log', 'int'].includes(e.key)) push(`unknown field '${e.key}' in the range of '${spec.key}' (fields: min, max, log, int)`, { start: e.keyStart, end: e.keyEnd });
  const lo = get('min');
  const hi = get('max');
  for (const [name, n] of [['min', lo], ['max', hi]] as const) {
    if (!n) push(`the range of '${spec.key}' needs '${name}'`, at(node));
    else for (const bad of checkValue(spec, plain(n), null)) push(`${spec.key} ${name} ${bad.message}`, at(n), bad.severity);
  }
  if (lo?.kind === 'number' && hi?.kind === 'number' && lo.value > hi.value) push(`the range of '${spec.key}' needs min <= max, got ${lo.value} and ${hi.value}`, at(node));
  const log = get('log');
  if (log && log.kind !== 'bool') push(`'log' must be true or false`, at(log));
  const int = get('int');
  if (int && int.kind !== 'bool') push(`'int' must be true or false`, at(int));
  if (log?.kind === 'bool' && log.value && lo?.kind === 'number' && lo.value <= 0) push(`a log-uniform range needs min > 0, got ${lo.value}`, at(lo));
}

function exampleValues(spec: ParamSpec): string {
  if (spec.type === 'bool') return 'true, false';
  if (spec.type === 'enum') return (spec.values ?? []).slice(0, 2).join(', ');
  if (spec.sensible) return `${spec.sensible[0]}, ${spec.sensible[1]}`;
  return typeof spec.default === 'number' ? String(spec.default) : '...';
}

/** A tree node back to plain data (what checkValue reads). */
function plain(node: PyNode): unknown {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'bool':
      return node.value;
    case 'none':
      return null;
    case 'name':
      return node.name;
    case 'list':
      return node.items.map(plain);
    case 'dict':
      return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value)]));
  }
}

function describe(node: PyNode): string {
  switch (node.kind) {
    case 'string':
      return `'${node.value}'`;
    case 'number':
    case 'bool':
      return String(node.value);
    case 'none':
      return 'nothing';
    case 'name':
      return node.name;
    case 'list':
      return 'a list';
    case 'dict':
      return 'a mapping';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
