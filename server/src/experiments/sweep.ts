/**
 * Sweeps: an experiment's `sweep:` key expands into one resolved config per combination and
 * seed. Grid: the Cartesian product of every key's list, in the order written (last key
 * varies fastest, as itertools.product). Random: `n_trials` combinations, each key drawn
 * independently from its list (uniformly) or range (uniform, or log-uniform with `log`),
 * from a generator seeded with `sampler_seed` (default 0), so a sweep always draws the same
 * trials. Each combination is applied as `--set key=value` overrides on the experiment, so
 * every value is validated exactly as on the command line.
 */
import type { ResolvedConfig, SweepRange, SweepSpec } from '../schema';
import { Rng } from '../training/rng';
import type { ConfigError } from './index';

export interface SweepIssue {
  severity: 'error' | 'warning';
  message: string;
}

/** Most runs one sweep may queue (a typo in a grid should not queue a million runs). */
export const MAX_SWEEP_RUNS = 1000;

const SWEEP_KEYS = ['method', 'values', 'seeds', 'n_trials', 'sampler_seed'];

/** Shape checks of a `sweep:` value; the values of each key are checked when the sweep expands. */
export function readSweep(value: unknown): { value?: SweepSpec; issues: SweepIssue[] } {
  const issues: SweepIssue[] = [];
  const error = (message: string) => ({ issues: [...issues, { severity: 'error' as const, message }] });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return error('must be a mapping: { method: grid | random, values: { key: [v1, v2] }, seeds: [1, 2] }');
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (!SWEEP_KEYS.includes(k)) issues.push({ severity: 'warning', message: `unknown sweep option '${k}' is ignored (options: ${SWEEP_KEYS.join(', ')})` });
  const method = v.method ?? 'grid';
  if (method !== 'grid' && method !== 'random') return error(`method must be grid or random, got ${JSON.stringify(method)}`);
  const values = v.values;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return error('values must be a mapping from keys to lists of values');
  const entries = Object.entries(values as Record<string, unknown>);
  if (!entries.length) return error('values names no keys to sweep');
  const out: Record<string, unknown[] | SweepRange> = {};
  for (const [key, candidates] of entries) {
    if (key === 'seed') return error('sweep seeds with `seeds: [...]`, not under values');
    if (Array.isArray(candidates)) {
      if (!candidates.length) return error(`values.${key} is an empty list`);
      out[key] = candidates;
      continue;
    }
    const range = candidates as Partial<SweepRange> | null;
    if (method === 'random' && range && typeof range === 'object' && typeof range.min === 'number' && typeof range.max === 'number') {
      if (!(range.max >= range.min)) return error(`values.${key}: max must be >= min`);
      if (range.log && !(range.min > 0)) return error(`values.${key}: a log range needs min > 0`);
      out[key] = { min: range.min, max: range.max, ...(range.log ? { log: true } : {}), ...(range.int ? { int: true } : {}) };
      continue;
    }
    return error(`values.${key} must be a list of values${method === 'random' ? ' or a range { min, max, log? }' : ''}`);
  }
  let seeds: number[] | undefined;
  if (v.seeds !== undefined && v.seeds !== null) {
    if (!Array.isArray(v.seeds) || !v.seeds.length || !v.seeds.every((s) => Number.isInteger(s) && (s as number) >= 0 && (s as number) < 2 ** 31)) {
      return error('seeds must be a non-empty list of whole numbers in [0, 2^31)');
    }
    seeds = v.seeds as number[];
  }
  let nTrials: number | undefined;
  if (method === 'random') {
    if (!Number.isInteger(v.n_trials) || (v.n_trials as number) < 1) return error('a random sweep needs n_trials, a whole number >= 1');
    nTrials = v.n_trials as number;
  } else if (Object.values(out).some((c) => !Array.isArray(c))) {
    return error('a grid sweep takes lists of values');
  }
  const samplerSeed = v.sampler_seed === undefined ? undefined : v.sampler_seed;
  if (samplerSeed !== undefined && !Number.isInteger(samplerSeed)) return error('sampler_seed must be a whole number');
  const spec: SweepSpec = {
    method,
    values: out,
    ...(seeds ? { seeds } : {}),
    ...(nTrials !== undefined ? { n_trials: nTrials } : {}),
    ...(samplerSeed !== undefined ? { sampler_seed: samplerSeed as number } : {}),
  };
  const total = sweepSize(spec);
  if (total > MAX_SWEEP_RUNS) return error(`the sweep makes ${total} runs; at most ${MAX_SWEEP_RUNS}`);
  return { value: spec, issues };
}

/** How many runs a sweep queues. */
export function sweepSize(spec: SweepSpec): number {
  const combos = spec.method === 'random' ? (spec.n_trials ?? 0) : Object.values(spec.values).reduce<number>((n, c) => n * (Array.isArray(c) ? c.length : 1), 1);
  return combos * Math.max(1, spec.seeds?.length ?? 0);
}

/** One run of a sweep: the values it sets and its seed (undefined: the experiment's own). */
export interface SweepTrial {
  params: Record<string, unknown>;
  seed?: number;
}

/** The combinations of a sweep, seeds innermost: [(c1, s1), (c1, s2), ..., (c2, s1), ...]. */
export function expandSweep(spec: SweepSpec): SweepTrial[] {
  const keys = Object.keys(spec.values);
  const combos: Record<string, unknown>[] = [];
  if (spec.method === 'grid') {
    const lists = keys.map((k) => spec.values[k] as unknown[]);
    const walk = (i: number, acc: Record<string, unknown>) => {
      if (i === keys.length) return void combos.push({ ...acc });
      for (const v of lists[i]) walk(i + 1, { ...acc, [keys[i]]: v });
    };
    walk(0, {});
  } else {
    const rng = new Rng(spec.sampler_seed ?? 0, 'sweep');
    for (let t = 0; t < (spec.n_trials ?? 0); t++) {
      const combo: Record<string, unknown> = {};
      for (const k of keys) combo[k] = draw(spec.values[k], rng);
      combos.push(combo);
    }
  }
  const seeds = spec.seeds?.length ? spec.seeds : [undefined];
  return combos.flatMap((params) => seeds.map((seed) => (seed === undefined ? { params } : { params, seed })));
}

function draw(candidates: unknown[] | SweepRange, rng: Rng): unknown {
  if (Array.isArray(candidates)) return candidates[rng.int(candidates.length)];
  const { min, max, log, int } = candidates;
  const x = log ? Math.exp(rng.uniform(Math.log(min), Math.log(max))) : rng.uniform(min, max);
  // Six significant digits keep labels readable (0.000316228, not 0.00031622776601683794).
  return int ? Math.round(x) : Number(x.toPrecision(6));
}

/** `key=value` overrides for a trial; values are written as JSON, which YAML reads back unchanged. */
export function trialOverrides(trial: SweepTrial): string[] {
  const sets = Object.entries(trial.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return trial.seed === undefined ? sets : [...sets, `seed=${trial.seed}`];
}

/** A trial as run metadata: its values and its seed. */
export function trialParams(trial: SweepTrial, config: ResolvedConfig): Record<string, unknown> {
  return { ...trial.params, seed: config.seed };
}

/**
 * Every run of the experiment's sweep, as resolved configs (each without `sweep`), or the
 * first error, naming the file, line and key. `load` is loadExperimentConfig bound to the
 * file and experiment (passed in to keep this module free of the loader's imports).
 */
export function sweepConfigs(
  base: ResolvedConfig,
  load: (overrides: string[]) => { config: ResolvedConfig } | { error: ConfigError },
): { trials: { config: ResolvedConfig; params: Record<string, unknown> }[] } | { error: ConfigError | string } {
  if (!base.sweep) return { error: `experiment '${base.experiment}' has no sweep: key` };
  const trials: { config: ResolvedConfig; params: Record<string, unknown> }[] = [];
  for (const trial of expandSweep(base.sweep)) {
    const loaded = load(trialOverrides(trial));
    if ('error' in loaded) return { error: loaded.error };
    const { sweep: _sweep, ...config } = loaded.config;
    // Without a seed list every trial shares the experiment's seed (drawn once when the file has none).
    if (trial.seed === undefined) config.seed = base.seed;
    trials.push({ config, params: trialParams(trial, config) });
  }
  return { trials };
}

/**
 * The runs a `sweep:` entry queues, as StartRun would take them (code lens arguments): one
 * `{ seed?, overrides }` per trial, in expandSweep's order. Empty while the entry is invalid.
 */
export function planSweep(entry: { value: unknown } | undefined, _experiment?: string): { seed?: number; overrides: string[] }[] {
  if (!entry || entry.value === null || entry.value === undefined) return [];
  const spec = readSweep(entry.value).value;
  if (!spec) return [];
  return expandSweep(spec).map((trial) => ({
    ...(trial.seed !== undefined ? { seed: trial.seed } : {}),
    overrides: Object.entries(trial.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
  }));
}
