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
    '       rl-lab env replay --env ID --state JSON --actions JSON',
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
    'MountainCarContinuous [position, velocity]; Pendulum [theta, theta_dot]), applies the JSON array',
    '--actions (integers for discrete actions, arrays for continuous ones) until the episode ends or',
    'they run out, and prints one JSON object {"obs": [...], "rewards": [...], "terminated": [...],',
    '"truncated": [...]} with one entry per action applied. The step limit counts from the reset.',
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
