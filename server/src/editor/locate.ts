/** What lies under an offset of a parsed experiment file: an experiment name, a key or a value. */
import type { EntryModel, ExperimentFileModel, ExperimentModel, OffsetRange } from '../experiments';

export type Target =
  | { kind: 'name'; experiment: ExperimentModel }
  | { kind: 'key'; experiment: ExperimentModel; entry: EntryModel }
  | { kind: 'value'; experiment: ExperimentModel; entry: EntryModel };

/** Inclusive at the end, so a cursor just after a word still points at it. */
export function within(range: OffsetRange, offset: number): boolean {
  return offset >= range.start && offset <= range.end;
}

export function locate(model: ExperimentFileModel, offset: number): Target | undefined {
  for (const experiment of model.experiments) {
    if (within(experiment.nameRange, offset)) return { kind: 'name', experiment };
  }
  // Entries written in an experiment come first; merged entries point into their source mapping.
  const ordered = model.experiments.flatMap((experiment) => experiment.entries.map((entry) => ({ experiment, entry })));
  ordered.sort((a, b) => Number(a.entry.merged) - Number(b.entry.merged));
  for (const { experiment, entry } of ordered) {
    if (within(entry.keyRange, offset)) return { kind: 'key', experiment, entry };
    if (entry.valueRange.end > entry.valueRange.start && within(entry.valueRange, offset)) return { kind: 'value', experiment, entry };
  }
  return undefined;
}

/** The experiment whose text contains the offset (or, while typing below it, the last one above). */
export function experimentAt(model: ExperimentFileModel, offset: number): ExperimentModel | undefined {
  let found: ExperimentModel | undefined;
  for (const e of model.experiments) if (e.nameRange.start <= offset) found = e;
  return found;
}
