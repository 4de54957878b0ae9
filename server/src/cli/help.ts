/** `rl-lab --help`: the options, then every hyperparameter of every algorithm, from the schema. */
import { ALGO_IDS, ALGOS, EXPERIMENT_PARAMS, paramsFor, type ParamSpec } from '../schema';
import { BACKEND_CHOICES } from './args';

const OPTIONS: [string, string][] = [
  ['--seed N', 'Override the experiment seed (same as --set seed=N).'],
  ['--set KEY=VALUE', 'Override one key; repeatable. e.g. --set learning_rate=lin_0.001 --set n_envs=4'],
  ['--backend NAME', `TensorFlow.js backend: ${BACKEND_CHOICES.join(' | ')} (default auto: best that loads).`],
  ['--json', 'Print one JSON object per line (events start, progress, end) instead of a progress bar.'],
  ['--runs-dir DIR', 'Folder for run folders (default <workspace>/.rl-lab/runs, workspace = nearest'],
  ['', 'ancestor of FILE with .git or package.json).'],
  ['-h, --help', 'Show this help.'],
  ['-v, --version', 'Show the version.'],
];

export function helpText(version: string): string {
  const lines = [
    `rl-lab ${version}: train reinforcement-learning experiments headlessly.`,
    '',
    'Usage: rl-lab train FILE[#EXPERIMENT] [options]',
    '       rl-lab env list [--json]',
    '       rl-lab env replay --env ID --state JSON --actions JSON [--env-kwargs JSON]',
    '       rl-lab runs list [--json]',
    '       rl-lab resume RUN [--backend NAME] [--json]',
    '       rl-lab eval RUN [--episodes N] [--record FILE] [--json]',
    '       rl-lab export [RUN...] --csv FILE [--wide]   |   rl-lab export RUN... --tfjs',
    '       rl-lab sweep FILE#EXPERIMENT [--concurrency N] [--json]',
    '       rl-lab backends [--json]   which TensorFlow.js backends load here, and why the others do not',
    '',
    'Run history (RUN: a run id, a unique prefix of one, or a run folder; runs are read from',
    '--runs-dir, default <workspace>/.rl-lab/runs of the current directory):',
    '  runs list   every run, newest first; runs whose trainer died are marked interrupted,',
    '              damaged folders are listed with the reason (--json: one RunSummary per line).',
    '  resume      continues a stopped, interrupted or failed run from its newest checkpoint in',
    '              the same folder; metrics rows after that checkpoint move to metrics.rewound.jsonl.',
    '  eval        plays the newest checkpoint deterministically for N episodes (default 10) and',
    '              records the result in evaluations.jsonl and run.json; --record FILE also writes',
    '              each episode\'s observations and actions as JSONL (demonstrations for bc).',
    '  export      --csv: metrics of the runs (all when none named), long format',
    '              run_id,step,time,metric,value (--wide: one column per metric); --tfjs: the',
    '              policy as a TensorFlow.js layers model in <run>/export/tfjs/.',
    '  sweep       queues every combination of the experiment\'s sweep: and trains N at a time',
    '              (--concurrency, default 2) in worker processes; exit 0 when all complete.',
    '',
    'FILE is an RL Lab experiment file (*.rl.yaml) or an RL Baselines3 Zoo file (hyperparams/<algo>.yml);',
    'EXPERIMENT picks one of its top-level keys (default: the first). The run is recorded like a run',
    'started in the editor: run.json, config.yaml and metrics.jsonl in its run folder.',
    'Exit code: 0 completed, 1 failed, 130 stopped (Ctrl-C), 2 bad command line or config.',
    '',
    'env list: the built-in environments with their observation and action spaces, reward',
    'threshold and step limit (--json: one JSON object {"envs": [...]}).',
    'env replay: resets environment ID, sets its internal state to the JSON array --state (CartPole',
    '[x, x_dot, theta, theta_dot]; Acrobot [theta1, theta2, dtheta1, dtheta2]; MountainCar and',
    'MountainCarContinuous [position, velocity]; Pendulum [theta, theta_dot]; FrozenLake, CliffWalking',
    'and Taxi [s], the discrete state index, and each obs is [index] too), applies the JSON array',
    '--actions (integers for discrete actions, arrays for continuous ones) until the episode ends or',
    'they run out, and prints one JSON object {"obs": [...], "rewards": [...], "terminated": [...],',
    '"truncated": [...]} with one entry per action applied. The step limit counts from the reset.',
    '--env-kwargs: constructor options as a JSON object, e.g. {"map_name": "8x8", "is_slippery": false}.',
    '',
    'Options:',
    ...table(OPTIONS.map(([a, b]) => [a, b])),
    '',
    'Experiment keys:',
    ...paramTable(EXPERIMENT_PARAMS),
  ];
  for (const algo of ALGO_IDS) {
    const own = paramsFor(algo).filter((p) => !EXPERIMENT_PARAMS.includes(p));
    lines.push('', `${algo} hyperparameters (${ALGOS[algo].name}):`, ...paramTable(own));
  }
  return lines.join('\n') + '\n';
}

function paramTable(params: readonly ParamSpec[]): string[] {
  const lines = table(params.map((p) => [p.key, describeType(p), describeDefault(p), p.summary]));
  // A structured default (policy_kwargs) would blow up the column; it gets a line of its own.
  return lines.flatMap((line, i) => {
    const d = params[i]!.default;
    return d !== null && typeof d === 'object' ? [line, `      default: ${JSON.stringify(d)}`] : [line];
  });
}

function describeType(p: ParamSpec): string {
  const range = describeRange(p);
  const base = p.type === 'enum' && p.values ? `one of ${p.values.join('|')}` : p.type;
  return range ? `${base} ${range}` : base;
}

function describeRange(p: ParamSpec): string {
  if (p.min === undefined && p.max === undefined) return '';
  if (p.max === undefined) return `${p.minExclusive ? '>' : '>='} ${p.min}`;
  if (p.min === undefined) return `<= ${p.max}`;
  return `${p.minExclusive ? '(' : '['}${p.min}, ${p.max}]`;
}

function describeDefault(p: ParamSpec): string {
  if (p.required) return 'required';
  if (p.default === null) return p.nullable ? 'default null' : 'required';
  if (typeof p.default === 'object') return 'default below';
  return `default ${String(p.default)}`;
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => '  ' + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join('').trimEnd());
}
