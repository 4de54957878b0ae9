/**
 * `npm run bench:learn` (not in CI): for each algorithm and environment of issue 4, trains the
 * benchmark experiment with 3 seeds and reports the steps at which the mean return of the last
 * 20 training episodes first reached the threshold, and that mean at the end of the step budget.
 * Prints one line per run, a table, and last one JSON line.
 *
 * The measure is the issue's: mean return over the LAST 20 TRAINING EPISODES, with the behaviour
 * policy (exploring, for DQN), sampled every metric row — not a separate deterministic evaluation
 * as in RL Baselines3 Zoo's benchmark.md (the README puts both side by side).
 *
 * Options (piecewise runs share a results file and are tabulated together):
 *   --algo dqn,ppo       only these algorithm labels (reinforce a2c npg trpo ppo ppo-kl dqn ddpg td3 sac)
 *   --env Acrobot-v1     only these environment ids
 *   --seeds 1,2,3        seeds (default 1,2,3)
 *   --stop               stop a run once it reaches the threshold (steps only; final = at the stop)
 *   --set key=value      override a hyperparameter of every selected case (repeatable; for exploring)
 *   --out FILE           append each run's result to FILE (JSON lines)
 *   --report FILE        no training: tabulate the results in FILE (the last result per algo/env/seed)
 *   --list               print the cases and exit
 *   --trace N            print the last-20 mean every N env steps to stderr (long runs)
 * Example: nice -n 10 npm run bench:learn -- --algo dqn --env CartPole-v1 --out bench-learn.jsonl
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listExperiments, loadExperimentConfig } from '../server/src/experiments';
import type { ResolvedConfig } from '../server/src/schema';
import { selectBackend, train } from '../server/src/training/engine';

const ROOT = join(__dirname, '..');
const EXAMPLES = join(ROOT, 'examples');

export interface LearnCase {
  /** Algorithm label (ppo-kl = PPO with ppo_mode kl_penalty). */
  algo: string;
  env: string;
  /** Issue 4's threshold on the mean return of the last 20 training episodes. */
  threshold: number;
  /** Env steps per run (overrides the experiment's n_timesteps). */
  budget: number;
  /** Example file (under examples/) and experiment; undefined = find one by algo and env (C's algorithms). */
  file?: string;
  experiment?: string;
  /** The algo key the experiment must have, for discovery (defaults to `algo`). */
  algoKey?: string;
  /**
   * RL Baselines3 Zoo's published result for the algorithm on the environment: mean ± std of the
   * final model's deterministic evaluation, one run (benchmark.md, github.com/DLR-RM/
   * rl-baselines3-zoo, commit 0088472); '-' where Zoo has no such algorithm or entry.
   */
  zoo?: string;
}

/**
 * The benchmark: every algorithm on CartPole-v1 (Pendulum-v1 for the continuous-only ones),
 * plus issue 4's harder environments for ppo and dqn. Budgets: the learning tests' for
 * CartPole, RL Baselines3 Zoo's n_timesteps for the others.
 */
export const CASES: LearnCase[] = [
  { algo: 'reinforce', env: 'CartPole-v1', threshold: 475, budget: 150_000, file: 'policy-gradient.rl.yaml', experiment: 'cartpole-reinforce', zoo: '-' },
  { algo: 'a2c', env: 'CartPole-v1', threshold: 475, budget: 200_000, file: 'policy-gradient.rl.yaml', experiment: 'cartpole-a2c', zoo: '500.0 ± 0.0 (500k)' },
  { algo: 'npg', env: 'CartPole-v1', threshold: 475, budget: 100_000, file: 'policy-gradient.rl.yaml', experiment: 'cartpole-npg', zoo: '-' },
  { algo: 'trpo', env: 'CartPole-v1', threshold: 475, budget: 100_000, file: 'policy-gradient.rl.yaml', experiment: 'cartpole-trpo', zoo: '500.0 ± 0.0 (100k)' },
  { algo: 'ppo', env: 'CartPole-v1', threshold: 475, budget: 100_000, file: 'cartpole.rl.yaml', experiment: 'cartpole-ppo', zoo: '500.0 ± 0.0 (100k)' },
  { algo: 'ppo-kl', env: 'CartPole-v1', threshold: 475, budget: 100_000, file: 'policy-gradient.rl.yaml', experiment: 'cartpole-ppo-kl', zoo: '-' },
  // DQN CartPole: ours (Zoo's entry, cartpole-dqn-zoo, does not reach a training mean of 475; README "DQN").
  { algo: 'dqn', env: 'CartPole-v1', threshold: 475, budget: 100_000, file: 'dqn.rl.yaml', experiment: 'cartpole-dqn', zoo: '500.0 ± 0.0 (50k)' },
  // TRPO with gSDE: RL Baselines3 Zoo's trpo.yml Pendulum entry as it is (pendulum-trpo, ours without gSDE, was 2/3).
  { algo: 'trpo', env: 'Pendulum-v1', threshold: -250, budget: 100_000, file: 'policy-gradient.rl.yaml', experiment: 'pendulum-trpo-zoo', zoo: '-174.6 ± 127.6 (100k)' },
  // PPO with gSDE: RL Baselines3 Zoo's ppo.yml Pendulum entry as it is.
  { algo: 'ppo', env: 'Pendulum-v1', threshold: -250, budget: 100_000, file: 'policy-gradient.rl.yaml', experiment: 'pendulum-ppo', zoo: '-172.2 ± 104.2 (100k)' },
  // Helper C's continuous-control algorithms: found by algo and env in examples/*.rl.yaml once they exist.
  { algo: 'ddpg', env: 'Pendulum-v1', threshold: -250, budget: 20_000, zoo: '-152.1 ± 94.3 (20k)' },
  { algo: 'td3', env: 'Pendulum-v1', threshold: -250, budget: 20_000, zoo: '-151.9 ± 90.2 (20k)' },
  { algo: 'sac', env: 'Pendulum-v1', threshold: -250, budget: 20_000, zoo: '-157.0 ± 88.7 (20k)' },
  // SAC with gSDE: Zoo's sac.yml entry as it is; 90 is Gymnasium's reward_threshold for the env.
  { algo: 'sac', env: 'MountainCarContinuous-v0', threshold: 90, budget: 50_000, file: 'continuous.rl.yaml', experiment: 'mountaincar-sac-zoo', zoo: '94.7 ± 1.1 (50k)' },
  { algo: 'ppo', env: 'Acrobot-v1', threshold: -100, budget: 200_000, file: 'zoo-benchmarks.rl.yaml', experiment: 'acrobot-ppo', zoo: '-73.5 ± 18.2 (1M)' },
  { algo: 'dqn', env: 'Acrobot-v1', threshold: -100, budget: 100_000, file: 'dqn.rl.yaml', experiment: 'acrobot-dqn-small', zoo: '-76.6 ± 11.8 (100k)' },
  { algo: 'ppo', env: 'MountainCar-v0', threshold: -110, budget: 1_000_000, file: 'zoo-benchmarks.rl.yaml', experiment: 'mountaincar-ppo', zoo: '-110.4 ± 19.5 (1M)' },
  // DQN MountainCar: Zoo's entry with exploration_final_eps 0.01 (Zoo's 0.07 comes close to -110 but does not reach it).
  { algo: 'dqn', env: 'MountainCar-v0', threshold: -110, budget: 120_000, file: 'dqn.rl.yaml', experiment: 'mountaincar-dqn-eps', zoo: '-100.8 ± 9.9 (120k)' },
  // PPO LunarLander: twice Zoo's 1M (Zoo's entry as it is): in 1M only 1 of 3 seeds' training mean reached 200.
  { algo: 'ppo', env: 'LunarLander-v3', threshold: 200, budget: 2_000_000, file: 'zoo-benchmarks.rl.yaml', experiment: 'lunarlander-ppo', zoo: '242.1 ± 31.8 (1M, -v2)' },
  // DQN LunarLander: ours, 5x Zoo's budget with a quarter of its gradient steps per env step (Zoo's own result is 154.4).
  { algo: 'dqn', env: 'LunarLander-v3', threshold: 200, budget: 500_000, file: 'zoo-benchmarks.rl.yaml', experiment: 'lunarlander-dqn-small', zoo: '154.4 ± 79.2 (100k, -v2)' },
];

export interface RunResult {
  algo: string;
  env: string;
  seed: number;
  threshold: number;
  budget: number;
  experiment: string;
  /** --set overrides the run was made with (exploration runs; the README table has none). */
  overrides?: string[];
  /** First global step at which the last-20 mean reached the threshold; null = never. */
  steps_to_threshold: number | null;
  /** Mean return of the last 20 training episodes when the run ended. */
  final_mean: number | null;
  /** Highest last-20 mean seen at a metric row. */
  best_mean: number | null;
  global_step: number;
  status: string;
  sps: number;
  wall_s: number;
  backend: string;
}

/** The experiment a case trains: its own, or the first example with the case's algo and env. */
function locate(c: LearnCase): { file: string; experiment: string } | { missing: string } {
  if (c.file && c.experiment) return { file: join(EXAMPLES, c.file), experiment: c.experiment };
  const algoKey = c.algoKey ?? c.algo;
  for (const name of readdirSync(EXAMPLES).filter((f) => /\.rl\.ya?ml$/.test(f)).sort()) {
    const file = join(EXAMPLES, name);
    const text = readFileSync(file, 'utf8');
    for (const { name: experiment } of listExperiments(text, file)) {
      const loaded = loadExperimentConfig(text, file, experiment);
      if ('config' in loaded && loaded.config.algo === algoKey && loaded.config.env === c.env) return { file, experiment };
    }
  }
  return { missing: `no experiment with algo ${algoKey} on ${c.env} in examples/ yet` };
}

function configFor(c: LearnCase, seed: number, overrides: string[]): { config: ResolvedConfig; experiment: string } | { missing: string } {
  const where = locate(c);
  if ('missing' in where) return where;
  if (!existsSync(where.file)) return { missing: `${where.file} does not exist` };
  const loaded = loadExperimentConfig(readFileSync(where.file, 'utf8'), where.file, where.experiment, [`n_timesteps=${c.budget}`, ...overrides, `seed=${seed}`]);
  if ('error' in loaded) return { missing: `${loaded.error.file}:${loaded.error.line}: ${loaded.error.message}` };
  return { config: loaded.config, experiment: where.experiment };
}

export async function runCase(
  c: LearnCase, seed: number, opts: { stopAtThreshold?: boolean; overrides?: string[]; backend: string; trace?: number },
): Promise<RunResult | { missing: string }> {
  const overrides = opts.overrides ?? [];
  const found = configFor(c, seed, overrides);
  if ('missing' in found) return found;
  let solvedAt: number | null = null;
  let best: number | null = null;
  const t0 = Date.now();
  let nextTrace = opts.trace ?? Infinity;
  const result = await train(found.config, {
    onMetrics() {},
    onProgress(step, _total, meanReturn) {
      if (step >= nextTrace) {
        // --trace: the learning curve on stderr while a long run trains.
        console.error(`${c.algo} ${c.env} seed ${seed}: step ${step} last-20 mean ${meanReturn?.toFixed(1) ?? '-'} (${Math.round((Date.now() - t0) / 1000)} s)`);
        while (nextTrace <= step) nextTrace += opts.trace!;
      }
      if (meanReturn !== undefined && (best === null || meanReturn > best)) best = meanReturn;
      if (solvedAt === null && meanReturn !== undefined && meanReturn >= c.threshold) solvedAt = step;
    },
    shouldStop: () => opts.stopAtThreshold === true && solvedAt !== null,
  });
  return {
    algo: c.algo, env: c.env, seed, threshold: c.threshold, budget: found.config.n_timesteps, experiment: found.experiment,
    ...(overrides.length ? { overrides } : {}),
    steps_to_threshold: solvedAt, final_mean: result.meanReturn ?? null, best_mean: best, global_step: result.globalStep,
    status: result.error ? `${result.status}: ${result.error}` : result.status, sps: Math.round(result.sps),
    wall_s: Math.round((Date.now() - t0) / 100) / 10, backend: opts.backend,
  };
}

// ------------------------------------------------------------------ table

export interface Row {
  algo: string;
  env: string;
  threshold: number;
  budget: number;
  seeds: number[];
  /** Seeds whose last-20 mean reached the threshold within the budget. */
  solved: number;
  steps_to_threshold: (number | null)[];
  final_mean: (number | null)[];
  zoo: string;
}

export function tabulate(results: RunResult[]): Row[] {
  // The last result per (algo, env, seed) wins, so a re-run replaces an earlier one.
  const latest = new Map<string, RunResult>();
  for (const r of results) latest.set(`${r.algo}|${r.env}|${r.seed}|${r.overrides?.join(' ') ?? ''}`, r);
  const rows = new Map<string, Row>();
  for (const r of [...latest.values()].sort((a, b) => a.seed - b.seed)) {
    const label = r.overrides?.length ? `${r.algo} (${r.overrides.join(' ')})` : r.algo;
    const key = `${label}|${r.env}`;
    let row = rows.get(key);
    if (!row) {
      const zoo = CASES.find((c) => c.algo === r.algo && c.env === r.env)?.zoo ?? '-';
      row = { algo: label, env: r.env, threshold: r.threshold, budget: r.budget, seeds: [], solved: 0, steps_to_threshold: [], final_mean: [], zoo };
      rows.set(key, row);
    }
    row.seeds.push(r.seed);
    row.steps_to_threshold.push(r.steps_to_threshold);
    row.final_mean.push(r.final_mean);
    if (r.steps_to_threshold !== null) row.solved++;
  }
  const order = (r: Row): number => {
    const i = CASES.findIndex((c) => c.algo === r.algo && c.env === r.env);
    return i < 0 ? CASES.length : i;
  };
  return [...rows.values()].sort((a, b) => order(a) - order(b));
}

const fmt = (v: number | null, digits = 0): string => (v === null ? '-' : v.toFixed(digits));
const mean = (xs: (number | null)[]): number | null => {
  const ok = xs.filter((x): x is number => x !== null);
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : null;
};

export function formatTable(rows: Row[]): string {
  const header = '| algo | env | threshold | budget | seeds reaching it | steps to threshold (per seed) | last-20 mean at the end (per seed) | mean | RL Zoo (deterministic eval) |';
  const lines = [header, '|---|---|--:|--:|--:|---|---|--:|---|'];
  for (const r of rows) {
    lines.push(
      `| ${r.algo} | ${r.env} | ${r.threshold} | ${r.budget} | ${r.solved}/${r.seeds.length} | ${r.steps_to_threshold.map((s) => fmt(s)).join(', ')} | ${r.final_mean.map((m) => fmt(m, 1)).join(', ')} | ${fmt(mean(r.final_mean), 1)} | ${r.zoo} |`,
    );
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------ CLI

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function readResults(file: string): RunResult[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => {
    try {
      return [JSON.parse(l) as RunResult];
    } catch {
      return []; // a torn last line from an interrupted run
    }
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const algos = option(args, '--algo')?.split(',');
  const envs = option(args, '--env')?.split(',');
  const seeds = (option(args, '--seeds') ?? '1,2,3').split(',').map(Number);
  const out = option(args, '--out');
  const report = option(args, '--report');
  const overrides = args.flatMap((a, i) => (a === '--set' && args[i + 1] ? [args[i + 1]] : []));
  const cases = CASES.filter((c) => (!algos || algos.includes(c.algo)) && (!envs || envs.includes(c.env)));

  if (args.includes('--list')) {
    for (const c of cases) {
      const where = locate(c);
      console.log(`${c.algo} ${c.env} threshold ${c.threshold} budget ${c.budget}: ${'missing' in where ? where.missing : `${where.file}#${where.experiment}`}`);
    }
    return;
  }
  if (report) {
    const rows = tabulate(readResults(report).filter((r) => (!algos || algos.includes(r.algo)) && (!envs || envs.includes(r.env))));
    console.log(formatTable(rows));
    console.log(JSON.stringify({ bench: 'learn', rows }));
    return;
  }

  const backend = (await selectBackend()).name;
  const results: RunResult[] = [];
  for (const c of cases) {
    for (const seed of seeds) {
      const trace = option(args, '--trace');
      const r = await runCase(c, seed, { stopAtThreshold: args.includes('--stop'), overrides, backend, ...(trace ? { trace: Number(trace) } : {}) });
      if ('missing' in r) {
        console.log(`${c.algo} ${c.env}: SKIPPED (${r.missing})`);
        break;
      }
      results.push(r);
      if (out) appendFileSync(out, `${JSON.stringify(r)}\n`);
      console.log(`${r.algo} ${r.env} seed ${seed}: threshold ${r.threshold} reached at ${r.steps_to_threshold ?? 'never'}; final mean of last 20 ${fmt(r.final_mean, 1)} (best ${fmt(r.best_mean, 1)}) at step ${r.global_step}; ${r.sps} steps/s, ${r.wall_s} s (${r.status})`);
    }
  }
  const rows = tabulate(results);
  console.log(formatTable(rows));
  console.log(JSON.stringify({ bench: 'learn', backend, rows }));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
