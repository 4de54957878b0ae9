/**
 * Hover: on a key, its schema documentation; on a `lin_` schedule, what it does over training;
 * on an env id, its spaces and limits; on an algo value, the algorithm.
 */
import type { Hover, Position } from 'vscode-languageserver';
import { paramSpec } from '../schema';
import { experimentAlgo, parseScheduleValue, type EntryModel, type ExperimentModel, type ExperimentFileModel } from '../experiments';
import { ENV_SPECS } from '../training/envs/registry';
import { toRange, type EditorDocument } from './document';
import { locate } from './locate';
import { algoMarkdown, envMarkdown, paramMarkdown, scheduleMarkdown } from './markdown';

export function hover(doc: EditorDocument, position: Position): Hover | null {
  const offset = doc.document.offsetAt(position);
  const target = locate(doc.model, offset);
  if (!target) return null;
  const { model } = doc;
  const algo = experimentAlgo(model, target.experiment);
  let markdown: string | undefined;
  let range = target.kind === 'name' ? target.experiment.nameRange : target.kind === 'key' ? target.entry.keyRange : target.entry.valueRange;
  if (target.kind === 'name') {
    markdown = nameMarkdown(model, target.experiment);
  } else {
    const spec = paramSpec(algo, target.entry.key);
    if (target.kind === 'value') markdown = valueMarkdown(target.experiment, target.entry);
    if (!markdown && spec) {
      markdown = paramMarkdown(spec);
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
    return env ? envMarkdown(env) : undefined;
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
