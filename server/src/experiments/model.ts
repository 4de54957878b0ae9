/**
 * The parsed shape of an experiment file, with source offsets, shared by validation, config
 * loading and the editor features. Offsets are UTF-16 indices into the text (what the `yaml`
 * package and LSP's TextDocument both use); end offsets are exclusive.
 */
import type { LineCounter, Node } from 'yaml';
import type { PyNode } from './pyDict';

export interface OffsetRange {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning';

export interface Issue {
  severity: Severity;
  message: string;
  range: OffsetRange;
  /** The key the issue is about, when there is one (CLI errors name it). */
  key?: string;
  /** Edits that resolve it (the editor offers them as quick fixes). */
  fixes?: IssueFix[];
}

/** One quick fix: replace `range` of the document with `newText`. */
export interface IssueFix {
  title: string;
  range: OffsetRange;
  newText: string;
  /** The fix to apply when several are offered (a did-you-mean, a clamp). */
  preferred?: boolean;
}

/** `rl-lab`: `*.rl.yaml` experiment files; `zoo`: RL Baselines3 Zoo `hyperparams/<algo>.yml`. */
export type FileFormat = 'rl-lab' | 'zoo';

export interface EntryModel {
  key: string;
  keyRange: OffsetRange;
  /** The value's own range; an empty value gets the empty range just after the colon. */
  valueRange: OffsetRange;
  /** The value as plain data (aliases resolved). */
  value: unknown;
  /** The YAML node of the value (aliases resolved), for policy_kwargs mappings. */
  valueNode: Node | null;
  /** Mapping and sequence values as a tree with document offsets (policy_kwargs as a mapping). */
  tree: PyNode | null;
  /** Written under the nested `hyperparameters:` mapping. */
  nested: boolean;
  /** Taken from a `<<` merge key; the ranges then point at the merged source. */
  merged: boolean;
}

export interface ExperimentModel {
  name: string;
  nameRange: OffsetRange;
  /** From the start of the name to the end of its mapping. */
  range: OffsetRange;
  /** Effective entries after `<<` merges (an explicit key wins over a merged one). */
  entries: EntryModel[];
  /** Range of the nested `hyperparameters:` mapping, when there is one. */
  hyperparametersRange?: OffsetRange;
  /** Shape problems found while reading (value not a mapping, bad merge source ...). */
  issues: Issue[];
}

export interface ExperimentFileModel {
  filePath: string;
  format: FileFormat;
  /** Zoo files: the algorithm from the file name (`ppo` for `hyperparams/ppo.yml`). */
  fileAlgo?: string;
  experiments: ExperimentModel[];
  /** YAML syntax errors and warnings. */
  syntaxIssues: Issue[];
  lineCounter: LineCounter;
  text: string;
}
