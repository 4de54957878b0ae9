/**
 * `rl-lab env list [--json]` and `rl-lab env replay --env ID --state JSON --actions JSON`:
 * the built-in environments' metadata, and a trajectory from a given internal state, to compare
 * our environments with Gymnasium's (issue 3: "rl-lab env replay agrees with Gymnasium to 1e-6").
 */
import { ENV_IDS, envSpec, makeEnv } from '../training/envs/registry';
import { TEXT_DATASET_ENV, TEXT_TASK_SPECS } from '../training/rlhf/tasks';
import type { EnvSpec, Space } from '../training/envs/spaces';
import { Rng } from '../training/rng';
import { indexOfOneHot } from '../training/envs/toyText/model';
import { oneLine, parseOptions, UsageError } from './options';

export type EnvCommand =
  | { kind: 'env-list'; json: boolean }
  | { kind: 'env-replay'; env: string; state: string; actions: string; envKwargs?: string };

/** What `rl-lab env replay` prints: one observation, reward and pair of flags per action applied. */
export interface ReplayResult {
  obs: number[][];
  rewards: number[];
  terminated: boolean[];
  truncated: boolean[];
}

/** `argv` after `env`. Mistakes are UsageErrors: one line on stderr, exit code 2. */
export function parseEnvCommand(argv: readonly string[]): EnvCommand {
  const { values, positionals } = parseOptions(
    argv,
    {
      env: { type: 'string' },
      state: { type: 'string' },
      actions: { type: 'string' },
      'env-kwargs': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    'env',
  );
  const [sub, ...extra] = positionals;
  if (extra.length) throw new UsageError(`env: unexpected argument '${extra[0]}'`);
  if (sub === 'list') {
    for (const flag of ['env', 'state', 'actions'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`env list: --${flag} is only for env replay`);
    }
    return { kind: 'env-list', json: values.json ?? false };
  }
  if (sub === 'replay') {
    for (const flag of ['env', 'state', 'actions'] as const) {
      if (values[flag] === undefined) throw new UsageError(`env replay: missing --${flag} (usage: rl-lab env replay --env ID --state JSON --actions JSON)`);
    }
    const envKwargs = values['env-kwargs'];
    return { kind: 'env-replay', env: values.env!, state: values.state!, actions: values.actions!, ...(envKwargs !== undefined ? { envKwargs } : {}) };
  }
  if (sub === undefined) throw new UsageError("env: missing subcommand; one of 'list', 'replay'");
  throw new UsageError(`env: unknown subcommand '${sub}'; one of 'list', 'replay'`);
}

export function runEnvCommand(cmd: EnvCommand): number {
  if (cmd.kind === 'env-list') {
    const specs = ENV_IDS.map((id) => envSpec(id));
    // Text tasks have no Gymnasium spaces, so they get their own list (and table) beside `envs`.
    process.stdout.write(cmd.json ? `${JSON.stringify({ envs: specs.map(specJson), text_envs: textEnvList() })}\n` : listTable(specs) + textTable());
    return 0;
  }
  const kwargs = cmd.envKwargs === undefined ? {} : parseJson(cmd.envKwargs, '--env-kwargs');
  if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) throw new UsageError('env replay: --env-kwargs must be a JSON object such as {"is_slippery": false}');
  process.stdout.write(`${JSON.stringify(replay(cmd.env, parseJson(cmd.state, '--state'), parseJson(cmd.actions, '--actions'), kwargs as Record<string, unknown>))}\n`);
  return 0;
}

/**
 * Resets a fresh environment, sets its internal state, applies the actions until the episode
 * ends (terminated, or truncated by the step limit counted from the reset) or they run out.
 */
export function replay(envId: string, state: unknown, actions: unknown, kwargs: Readonly<Record<string, unknown>> = {}): ReplayResult {
  if (!ENV_IDS.includes(envId)) throw new UsageError(`env replay: unknown environment '${envId}'; known: ${ENV_IDS.join(', ')}`);
  let spec: EnvSpec;
  let env: ReturnType<typeof makeEnv>;
  try {
    spec = envSpec(envId, kwargs);
    env = makeEnv(envId, kwargs);
  } catch (e) {
    throw new UsageError(`env replay: ${envId}: ${oneLine(e)}`);
  }
  const stateDim = env.dynamics.stateDim;
  if (!Array.isArray(state) || state.length !== stateDim || !state.every(isFiniteNumber)) {
    throw new UsageError(`env replay: --state for ${envId} must be a JSON array of ${stateDim} finite numbers${stateHint(envId)}`);
  }
  const states = spec.discreteObservation?.n;
  if (states !== undefined && !(Number.isInteger(state[0]) && state[0] >= 0 && state[0] < states)) {
    throw new UsageError(`env replay: --state for ${envId} must be [s] with s an integer state index in 0..${states - 1}`);
  }
  if (!Array.isArray(actions)) throw new UsageError('env replay: --actions must be a JSON array');
  const checked = actions.map((a, i) => checkAction(spec.actionSpace, a, i, envId));
  env.reset(new Rng(0));
  try {
    env.setState(state);
  } catch (e) {
    throw new UsageError(`env replay: ${envId}: ${oneLine(e)}`);
  }
  const out: ReplayResult = { obs: [], rewards: [], terminated: [], truncated: [] };
  for (const action of checked) {
    const r = env.step(action);
    // Toy text: Gymnasium's observation, the state index (the engine's one-hot vector is internal).
    out.obs.push(spec.discreteObservation ? [indexOfOneHot(r.obs)] : Array.from(r.obs)); // float32 values, written as doubles
    out.rewards.push(r.reward);
    out.terminated.push(r.terminated);
    out.truncated.push(r.truncated);
    if (r.terminated || r.truncated) break;
  }
  return out;
}

function checkAction(space: Space, a: unknown, i: number, envId: string): number | number[] {
  if (space.kind === 'discrete') {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a >= space.n) {
      throw new UsageError(`env replay: action ${i} (${JSON.stringify(a)}) for ${envId} must be an integer in 0..${space.n - 1}`);
    }
    return a;
  }
  const dim = space.shape.reduce((x, y) => x * y, 1);
  if (!Array.isArray(a) || a.length !== dim || !a.every(isFiniteNumber)) {
    throw new UsageError(`env replay: action ${i} (${JSON.stringify(a)}) for ${envId} must be an array of ${dim} finite numbers`);
  }
  return a;
}

function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`env replay: ${flag} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** The state layouts of the addendum, named in error messages. */
const STATE_LAYOUTS: Readonly<Record<string, string>> = {
  'CartPole-v1': '[x, x_dot, theta, theta_dot]',
  'Acrobot-v1': '[theta1, theta2, dtheta1, dtheta2]',
  'MountainCar-v0': '[position, velocity]',
  'MountainCarContinuous-v0': '[position, velocity]',
  'Pendulum-v1': '[theta, theta_dot]',
  'FrozenLake-v1': '[s], the state index row * ncol + col',
  'FrozenLake8x8-v1': '[s], the state index row * 8 + col',
  'CliffWalking-v0': '[s], the state index row * 12 + col',
  'CliffWalking-v1': '[s], the state index row * 12 + col',
  'Taxi-v3': '[s], the state index ((taxi_row * 5 + taxi_col) * 5 + passenger_location) * 4 + destination',
};

function stateHint(envId: string): string {
  const layout = STATE_LAYOUTS[envId];
  return layout ? ` ${layout}` : '';
}

function spaceJson(s: Space): Record<string, unknown> {
  return s.kind === 'discrete' ? { kind: 'discrete', n: s.n } : { kind: 'box', shape: s.shape, low: s.low, high: s.high };
}

function specJson(spec: EnvSpec): Record<string, unknown> {
  return {
    id: spec.id,
    summary: spec.summary,
    // Toy-text envs: Gymnasium's Discrete(n) (the engine feeds its one-hot encoding to networks).
    observation_space: spaceJson(spec.discreteObservation ?? spec.observationSpace),
    action_space: spaceJson(spec.actionSpace),
    reward_threshold: spec.rewardThreshold,
    max_episode_steps: Number.isFinite(spec.maxEpisodeSteps) ? spec.maxEpisodeSteps : null,
  };
}

/** Discrete(3); Box(1) [-2, 2] when every dimension has the same bounds; else Box(6). */
function describeSpace(s: Space): string {
  if (s.kind === 'discrete') return `Discrete(${s.n})`;
  const uniform = s.low.every((v) => v === s.low[0]) && s.high.every((v) => v === s.high[0]);
  return `Box(${s.shape.join('x')})${uniform ? ` [${s.low[0]}, ${s.high[0]}]` : ''}`;
}

interface TextEnvEntry { id: string; summary: string; example?: { prompt: string; completion: string }; reward?: string; reward_range?: [number, number]; env_kwargs?: Record<string, number> }

/** The language-model stages' `env` ids: the built-in tasks, then text/dataset. */
function textEnvList(): TextEnvEntry[] {
  const tasks: TextEnvEntry[] = Object.values(TEXT_TASK_SPECS).map((t) => ({ id: t.id, summary: t.summary, example: t.example, reward: t.reward, reward_range: t.rewardRange, env_kwargs: t.kwargs }));
  return [...tasks, { id: TEXT_DATASET_ENV, summary: "text from the experiment's dataset: JSONL file (TRL formats); no built-in reward" }];
}

function textTable(): string {
  const rows = [['text env (sft, reward_model, ppo_rlhf, dpo, grpo)', 'example'], ...textEnvList().map((t) => [t.id, t.example ? `${JSON.stringify(t.example.prompt)} -> ${JSON.stringify(t.example.completion)}` : t.summary])];
  return '\n' + alignRows(rows);
}

function alignRows(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

function listTable(specs: EnvSpec[]): string {
  const rows = [
    ['id', 'observation', 'action', 'threshold', 'step limit'],
    ...specs.map((s) => [
      s.id,
      describeSpace(s.discreteObservation ?? s.observationSpace),
      describeSpace(s.actionSpace),
      s.rewardThreshold === null ? '-' : String(s.rewardThreshold),
      Number.isFinite(s.maxEpisodeSteps) ? String(s.maxEpisodeSteps) : '-',
    ]),
  ];
  return alignRows(rows);
}
