/** Markdown for hovers and completion docs, all read from the schema and the env registry. */
import { ALGOS, isAlgoId, zooTunedEntry, type ParamSpec } from '../schema';
import { formatDefault, rangeText, type ParsedSchedule } from '../experiments';
import type { EnvSpec } from '../training/envs/spaces';
import type { Space } from '../training/envs/spaces';

const TYPE_TEXT: Record<ParamSpec['type'], string> = {
  int: 'whole number',
  float: 'number',
  bool: 'true | false',
  string: 'string',
  enum: 'one of a fixed set',
  schedule: 'number, or `lin_<start>` (linear decay to 0)',
  policy_kwargs: 'mapping, or a Python-dict string `"dict(...)"`',
  env_kwargs: 'mapping of scalars, or a Python-dict string `"dict(...)"`',
  normalize: 'true | false, or VecNormalize options: a mapping or a Python-dict string `"{...}"`',
  sweep: 'mapping `{ method, values, seeds, n_trials }`',
  auto_float: 'number, `auto`, or `auto_<initial value>`',
  train_freq: 'whole number, or `[n, "step" | "episode"]`',
};

/** Where the key is used, for hover: the Zoo's tuned value for the experiment's algorithm and env. */
export interface ParamContext {
  algo?: string;
  env?: string;
}

export function paramMarkdown(spec: ParamSpec, context: ParamContext = {}): string {
  const rows: [string, string][] = [['Type', spec.type === 'enum' ? `one of ${(spec.values ?? []).map((v) => `\`${v}\``).join(', ')}` : TYPE_TEXT[spec.type]]];
  rows.push(['Default', spec.required ? 'none (required)' : `\`${formatDefault(spec)}\``]);
  const valid = rangeText(spec);
  if (valid) rows.push(['Valid range', valid]);
  if (spec.sensible) rows.push(['Sensible range', `${spec.sensible[0]} – ${spec.sensible[1]}`]);
  if (spec.nullable) rows.push(['Null', '`null` turns it off']);
  rows.push(['Used by', usedBy(spec)]);
  const zoo = zooRow(spec, context);
  if (zoo) rows.push(zoo);
  const parts = [
    `**${spec.key}** — ${spec.summary}`,
    table(rows),
    spec.explanation,
  ];
  if (spec.formula) parts.push('```text\n' + spec.formula + '\n```');
  if (spec.implemented === false) parts.push(`_${spec.unimplementedNote ?? 'Accepted for RL Baselines3 Zoo compatibility; RL Lab does not act on it yet.'}_`);
  return parts.join('\n\n');
}

/** "RL Zoo tuned (ppo, CartPole-v1) | `lin_0.001`", or that the Zoo leaves it at the default. */
function zooRow(spec: ParamSpec, { algo, env }: ParamContext): [string, string] | undefined {
  if (!algo || !env || spec.key === 'algo' || spec.key === 'env') return undefined;
  const entry = zooTunedEntry(algo, env);
  if (!entry) return undefined;
  const label = `RL Zoo tuned (${algo}, ${env})`;
  const value = entry[spec.key];
  return value === undefined ? [label, 'not set there (SB3 default)'] : [label, `\`${String(value)}\``];
}

/** Hover on a Zoo key RL Lab accepts but ignores. */
export function zooKeyMarkdown(key: string, what: string): string {
  return `**${key}** — ${what}\n\nAn RL Baselines3 Zoo / Stable-Baselines3 setting that RL Lab does not implement yet: the file loads and trains, and this key is ignored (a warning says so).`;
}

function usedBy(spec: ParamSpec): string {
  if (spec.algos === 'all') return 'every algorithm';
  return spec.algos.map((a) => `${ALGOS[a].name} (\`${a}\`)`).join(', ');
}

function table(rows: [string, string][]): string {
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`)].join('\n');
}

export function algoMarkdown(algo: string): string | undefined {
  if (!isAlgoId(algo)) return undefined;
  const spec = ALGOS[algo];
  return [`**${spec.name}** (\`${spec.id}\`) — ${spec.summary}`, spec.explanation, `Action spaces: ${spec.actionSpaces.join(', ')}.`].join('\n\n');
}

export function envMarkdown(env: EnvSpec): string {
  const rows: [string, string][] = [
    ['Observation space', env.discreteObservation ? `${spaceText(env.discreteObservation)} (a state index; networks see it one-hot)` : spaceText(env.observationSpace)],
    ['Action space', spaceText(env.actionSpace)],
    ['Reward threshold', env.rewardThreshold === null ? 'none registered' : String(env.rewardThreshold)],
    ['Step limit', Number.isFinite(env.maxEpisodeSteps) ? `${env.maxEpisodeSteps} steps (then truncated)` : 'none registered'],
  ];
  return [`**${env.id}** — ${env.summary}`, table(rows)].join('\n\n');
}

/** `Box(4,)` with its bounds, `Discrete(2)`; float32 max shows as inf, as Gymnasium prints it. */
function spaceText(space: Space): string {
  if (space.kind === 'discrete') return `Discrete(${space.n})`;
  const num = (x: number): string => (Math.abs(x) >= 3.4e38 ? (x < 0 ? '-inf' : 'inf') : String(x));
  return `Box(${space.shape.join(', ')},) low [${space.low.map(num).join(', ')}] high [${space.high.map(num).join(', ')}]`;
}

export function scheduleMarkdown(key: string, text: string, schedule: ParsedSchedule, nTimesteps: number | undefined): string {
  if (schedule.kind === 'constant') return `**${key}** = ${schedule.value}: constant for the whole run.`;
  const s = schedule.start;
  const lines = [
    `**${text}** — linear schedule for \`${key}\`: starts at ${s} and decreases linearly to 0 at the end of training.`,
    '```text\nvalue(progress_remaining) = ' + s + ' * progress_remaining\nprogress_remaining = 1 - step / n_timesteps        (RL Baselines3 Zoo linear_schedule)\n```',
  ];
  if (nTimesteps !== undefined) lines.push(`Halfway (step ${Math.round(nTimesteps / 2)} of ${nTimesteps}) it is ${s / 2}.`);
  return lines.join('\n\n');
}
