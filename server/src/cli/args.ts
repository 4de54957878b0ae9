/** Command-line parsing for `rl-lab train` (options.ts): flags in, a typed command out. */
import { BACKEND_NAMES } from '../training/backends';
import { parseOptions, UsageError } from './options';

export { UsageError };

export const BACKEND_CHOICES: readonly string[] = ['auto', ...BACKEND_NAMES];

export interface TrainCommand {
  kind: 'train';
  /** As typed, `#EXPERIMENT` removed. */
  file: string;
  experiment?: string;
  /** `key=value` overrides in the order given; `--seed N` comes last as `seed=N`. */
  overrides: string[];
  backend?: string;
  json: boolean;
  runsDir?: string;
}

export type Command = TrainCommand | { kind: 'help' } | { kind: 'version' };

export function parseCommand(argv: readonly string[]): Command {
  const { values, positionals } = parseOptions(argv, {
    seed: { type: 'string' },
    set: { type: 'string', multiple: true },
    backend: { type: 'string' },
    json: { type: 'boolean', default: false },
    'runs-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    version: { type: 'boolean', short: 'v', default: false },
  });
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, target, ...extra] = positionals;
  if (command === undefined) throw new UsageError('missing command; try `rl-lab train FILE[#EXPERIMENT]`, `rl-lab env list` or `rl-lab --help`');
  // `env` is dispatched before this parser (cli.ts); it lands here only after a leading option.
  if (command === 'env') throw new UsageError("put 'env' first: rl-lab env list | rl-lab env replay ... (see rl-lab --help)");
  if (command !== 'train') throw new UsageError(`unknown command '${command}'; commands are train, env, runs, resume, eval, export and sweep (see rl-lab --help)`);
  if (target === undefined) throw new UsageError('train: missing FILE[#EXPERIMENT]');
  if (extra.length) throw new UsageError(`train: unexpected argument '${extra[0]}'`);

  const overrides = [...(values.set ?? [])];
  for (const o of overrides) if (!/^[^=\s]+=/.test(o)) throw new UsageError(`--set expects key=value, got '${o}'`);
  if (values.seed !== undefined) {
    if (!/^\d+$/.test(values.seed)) throw new UsageError(`--seed expects a non-negative integer, got '${values.seed}'`);
    overrides.push(`seed=${values.seed}`);
  }
  if (values.backend !== undefined && !BACKEND_CHOICES.includes(values.backend)) {
    throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}; got '${values.backend}'`);
  }
  const hash = target.lastIndexOf('#');
  const file = hash >= 0 ? target.slice(0, hash) : target;
  const experiment = hash >= 0 ? target.slice(hash + 1) : undefined;
  if (!file) throw new UsageError('train: missing FILE before #EXPERIMENT');
  if (experiment === '') throw new UsageError(`train: empty experiment name after '#' in '${target}'`);
  return {
    kind: 'train',
    file,
    ...(experiment !== undefined ? { experiment } : {}),
    overrides,
    ...(values.backend !== undefined && values.backend !== 'auto' ? { backend: values.backend } : {}),
    json: values.json ?? false,
    ...(values['runs-dir'] !== undefined ? { runsDir: values['runs-dir'] } : {}),
  };
}
