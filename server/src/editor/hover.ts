/**
 * Hover: on a key, its schema documentation (with the value RL Baselines3 Zoo tuned for the
 * experiment's env when known); on a `lin_` schedule, what it does over training; on an env
 * id, its spaces and limits; on an algo value, the algorithm; inside a `sweep:` block, the
 * swept keys' documentation and what the sweep queues.
 */
import type { Hover, Position } from 'vscode-languageserver';
import { paramSpec, type AlgoId } from '../schema';
import {
  experimentAlgo,
  experimentEnv,
  parseScheduleValue,
  readSweepSummary,
  SWEEP_KEY,
  unsupportedKeyMessage,
  ZOO_UNIMPLEMENTED_KEYS,
  type EntryModel,
  type ExperimentFileModel,
  type ExperimentModel,
  type OffsetRange,
  type PyNode,
} from '../experiments';
import { ENV_SPECS } from '../training/envs/registry';
import { textEnvMarkdown } from '../training/rlhf/tasks';
import { toRange, type EditorDocument } from './document';
import { locate, within } from './locate';
import { algoMarkdown, envMarkdown, paramMarkdown, scheduleMarkdown, zooKeyMarkdown, type ParamContext } from './markdown';

export function hover(doc: EditorDocument, position: Position): Hover | null {
  const offset = doc.document.offsetAt(position);
  const target = locate(doc.model, offset);
  if (!target) return null;
  const { model } = doc;
  const algo = experimentAlgo(model, target.experiment);
  const env = experimentEnv(model, target.experiment);
  const context: ParamContext = { algo: algo ?? (model.format === 'zoo' ? model.fileAlgo : undefined), env: typeof env === 'string' ? env : undefined };
  let markdown: string | undefined;
  let range: OffsetRange = target.kind === 'name' ? target.experiment.nameRange : target.kind === 'key' ? target.entry.keyRange : target.entry.valueRange;
  if (target.kind === 'name') {
    markdown = nameMarkdown(model, target.experiment);
  } else if (target.entry.key === SWEEP_KEY) {
    const inner = target.kind === 'value' ? sweepInner(target.entry, offset, algo, context) : undefined;
    if (inner) ({ markdown, range } = inner);
    else {
      markdown = sweepMarkdown(target.entry);
      range = target.entry.keyRange;
    }
  } else {
    const spec = paramSpec(algo, target.entry.key);
    if (target.kind === 'value') markdown = valueMarkdown(target.experiment, target.entry);
    if (!markdown && spec) {
      markdown = paramMarkdown(spec, context);
      range = target.entry.keyRange;
    }
    const unsupported = !markdown ? unsupportedKeyMessage(target.entry.key, algo) : undefined;
    if (unsupported) {
      markdown = `**${target.entry.key}**: ${unsupported}.`;
      range = target.entry.keyRange;
    }
    if (!markdown && target.entry.key in ZOO_UNIMPLEMENTED_KEYS) {
      markdown = zooKeyMarkdown(target.entry.key, ZOO_UNIMPLEMENTED_KEYS[target.entry.key]);
      range = target.entry.keyRange;
    }
  }
  if (!markdown) return null;
  return { contents: { kind: 'markdown', value: markdown }, range: toRange(doc.document, range) };
}

function nameMarkdown(model: ExperimentFileModel, exp: ExperimentModel): string {
  const env = ENV_SPECS[exp.name];
  if (model.format === 'zoo') {
    return env ? envMarkdown(env) : `**${exp.name}**: RL Lab has no such environment, so this experiment cannot be run.`;
  }
  const field = (key: string): string => String(exp.entries.find((e) => e.key === key)?.value ?? '?');
  return `**Experiment \`${exp.name}\`**: ${field('algo')} on ${field('env')}. Run it with the "Run experiment" lens or \`rl-lab train FILE#${exp.name}\`.`;
}

function valueMarkdown(exp: ExperimentModel, entry: EntryModel): string | undefined {
  if (entry.key === 'env' && typeof entry.value === 'string') {
    const env = ENV_SPECS[entry.value];
    return env ? envMarkdown(env) : textEnvMarkdown(entry.value);
  }
  if (entry.key === 'algo' && typeof entry.value === 'string') return algoMarkdown(entry.value);
  if (typeof entry.value === 'string' && entry.value.startsWith('lin_')) {
    const schedule = parseScheduleValue(entry.value);
    if (!schedule) return undefined;
    const n = exp.entries.find((e) => e.key === 'n_timesteps')?.value;
    return scheduleMarkdown(entry.key, entry.value, schedule, typeof n === 'number' ? n : undefined);
  }
  return undefined;
}

function sweepMarkdown(entry: EntryModel): string {
  const s = readSweepSummary(entry);
  const head =
    '**sweep** — runs this experiment once per combination of the listed values (`method: grid`) or for `n_trials` random draws (`method: random`), each once per seed in `seeds`. The "Sweep" lens queues them all; the dashboard groups them for comparison.';
  if (!s) return head;
  const seeds = s.seeds.length ? `seeds ${s.seeds.join(', ')}` : 'one seed each';
  return `${head}\n\nThis sweep: ${s.method} over ${s.keys.length ? s.keys.map((k) => `\`${k}\``).join(', ') : 'no keys yet'}, ${seeds}: **${s.runs} run${s.runs === 1 ? '' : 's'}**.`;
}

/** A swept key (`values: { clip_range: [...] }`) or a swept schedule value inside the block. */
function sweepInner(entry: EntryModel, offset: number, algo: AlgoId | undefined, context: ParamContext): { markdown: string; range: OffsetRange } | undefined {
  const values = entry.tree?.kind === 'dict' ? entry.tree.entries.find((e) => e.key === 'values')?.value : undefined;
  if (!values || values.kind !== 'dict') return undefined;
  for (const v of values.entries) {
    const keyRange = { start: v.keyStart, end: v.keyEnd };
    const spec = paramSpec(algo, v.key);
    if (spec && within(keyRange, offset)) return { markdown: paramMarkdown(spec, context), range: keyRange };
    if (v.value.kind !== 'list') continue;
    for (const item of v.value.items) {
      if (!within(item, offset)) continue;
      return scheduleHover(v.key, item);
    }
  }
  return undefined;
}

function scheduleHover(key: string, item: PyNode): { markdown: string; range: OffsetRange } | undefined {
  if (item.kind !== 'string') return undefined;
  const schedule = parseScheduleValue(item.value);
  return schedule ? { markdown: scheduleMarkdown(key, item.value, schedule, undefined), range: { start: item.start, end: item.end } } : undefined;
}
