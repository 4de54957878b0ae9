/**
 * Parses an experiment file into the ExperimentFileModel: experiments, their keys and values
 * with source ranges, `<<` merges resolved. Uses the `yaml` package's Document API (it keeps
 * ranges and reports syntax errors with positions); the model survives syntax errors as far
 * as the parser recovers, so hover and completion keep working while the user types.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { detectFormat } from './format';
import { relaxQuotedIndentation } from './lenientYaml';
import { YAML_OPTIONS } from './yamlOptions';
import type { PyDictEntry, PyNode } from './pyDict';
import type { EntryModel, ExperimentFileModel, ExperimentModel, Issue, OffsetRange } from './model';

/** The nested mapping that may hold hyperparameters in RL Lab files. */
export const HYPERPARAMETERS_KEY = 'hyperparameters';

/** Top-level keys starting with '.' are templates for `<<` merges, not experiments (as in GitLab CI). */
export function isTemplateName(name: string): boolean {
  return name.startsWith('.');
}

const MAX_MERGE_DEPTH = 16;

export function parseExperimentFile(text: string, filePath: string): ExperimentFileModel {
  const lineCounter = new LineCounter();
  let doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter });
  if (doc.errors.length) {
    // PyYAML accepts under-indented lines of multi-line quoted values (real Zoo files have them).
    const relaxed = relaxQuotedIndentation(text);
    if (relaxed !== text) {
      const retry = parseDocument(relaxed, YAML_OPTIONS);
      // Same length, same offsets: lineCounter (of the original text) still applies.
      if (retry.errors.length < doc.errors.length) doc = retry;
    }
  }
  const { format, fileAlgo } = detectFormat(filePath);
  const syntaxIssues: Issue[] = [
    ...doc.errors.map((e): Issue => ({ severity: 'error', message: e.message, range: posRange(e.pos, text.length) })),
    ...doc.warnings.map((w): Issue => ({ severity: 'warning', message: w.message, range: posRange(w.pos, text.length) })),
  ];
  const experiments: ExperimentModel[] = [];
  const contents = doc.contents;
  if (contents && !isMap(contents)) {
    if (!(isScalar(contents) && contents.value === null)) {
      syntaxIssues.push({
        severity: 'error',
        message: 'an experiment file is a mapping from experiment names to their settings',
        range: nodeRange(contents, text.length),
      });
    }
  } else if (contents) {
    for (const pair of contents.items) {
      const exp = readExperiment(pair, doc, text.length);
      if (exp && !isTemplateName(exp.name)) experiments.push(exp);
    }
  }
  return { filePath, format, fileAlgo, experiments, syntaxIssues, lineCounter, text };
}

function readExperiment(pair: Pair, doc: Document, textLength: number): ExperimentModel | undefined {
  if (!isScalar(pair.key) || pair.key.value === null) return undefined;
  const name = String(pair.key.value);
  const nameRange = nodeRange(pair.key, textLength);
  const issues: Issue[] = [];
  const value = resolveNode(pair.value, doc);
  let entries: EntryModel[] = [];
  let hyperparametersRange: OffsetRange | undefined;
  let end = nameRange.end;
  if (isNode(pair.value) && pair.value.range) end = pair.value.range[1];
  if (isMap(value)) {
    const read = readEntries(value, doc, false, false, issues, 0, textLength);
    entries = read.entries;
    hyperparametersRange = read.hyperparametersRange;
  } else if (value && !(isScalar(value) && value.value === null)) {
    issues.push({
      severity: 'error',
      message: `experiment '${name}' must be a mapping of settings (algo, env, hyperparameters ...)`,
      range: nodeRange(value, textLength),
    });
  }
  return { name, nameRange, range: { start: nameRange.start, end }, entries, hyperparametersRange, issues };
}

interface ReadEntries {
  entries: EntryModel[];
  hyperparametersRange?: OffsetRange;
}

function readEntries(
  map: YAMLMap,
  doc: Document,
  nested: boolean,
  merged: boolean,
  issues: Issue[],
  depth: number,
  textLength: number,
): ReadEntries {
  const explicit: EntryModel[] = [];
  const mergedLists: EntryModel[][] = [];
  let hyperparametersRange: OffsetRange | undefined;
  for (const pair of map.items) {
    const key = pair.key;
    if (!isScalar(key) || key.value === null) {
      if (isNode(key)) issues.push({ severity: 'error', message: 'keys must be plain names', range: nodeRange(key, textLength) });
      continue;
    }
    const keyRange = nodeRange(key, textLength);
    if (isMergeKey(key.value)) {
      if (depth >= MAX_MERGE_DEPTH) {
        issues.push({ severity: 'error', message: 'merges nested too deeply', range: keyRange });
        continue;
      }
      for (const source of mergeSources(pair.value, doc)) {
        if (!isMap(source)) {
          issues.push({ severity: 'error', message: "a '<<' merge takes a mapping or an alias of one", range: keyRange });
          continue;
        }
        mergedLists.push(readEntries(source, doc, nested, true, issues, depth + 1, textLength).entries);
      }
      continue;
    }
    const name = String(key.value);
    const valueNode = resolveNode(pair.value, doc);
    if (name === HYPERPARAMETERS_KEY && !nested && (isMap(valueNode) || valueNode === null || isNullScalar(valueNode))) {
      if (isMap(valueNode)) {
        const inner = readEntries(valueNode, doc, true, merged, issues, depth, textLength);
        explicit.push(...inner.entries);
        if (!merged) hyperparametersRange = nodeRange(valueNode, textLength);
      }
      continue;
    }
    explicit.push({
      key: name,
      keyRange,
      valueRange: valueRangeOf(pair, keyRange, textLength),
      value: toPlain(valueNode, doc),
      valueNode,
      tree: isMap(valueNode) || isSeq(valueNode) ? toTree(valueNode, doc, 0, { left: MAX_TREE_NODES }) : null,
      nested,
      merged,
    });
  }
  // An explicit key wins over merged ones; earlier merge sources win over later ones (YAML merge spec).
  // (Merged entries of a nested `hyperparameters:` mapping arrive in `explicit` already marked.)
  const entries = explicit.filter((e) => !e.merged);
  for (const list of [explicit.filter((e) => e.merged), ...mergedLists]) {
    for (const entry of list) {
      if (!entries.some((e) => e.key === entry.key)) entries.push({ ...entry, merged: true });
    }
  }
  return { entries, hyperparametersRange };
}

function isMergeKey(value: unknown): boolean {
  return value === '<<' || (typeof value === 'symbol' && value.description === '<<');
}

function isNullScalar(node: Node): boolean {
  return isScalar(node) && node.value === null;
}

function mergeSources(value: unknown, doc: Document): Node[] {
  const node = resolveNode(value, doc);
  if (isSeq(node)) return node.items.map((i) => resolveNode(i, doc)).filter((n): n is Node => n !== null);
  return node ? [node] : [];
}

/**
 * Alias targets per document: `Alias.resolve` walks the whole document each time, which made
 * a file with thousands of alias uses (a "billion laughs" chain) take seconds to read.
 */
const aliasTargets = new WeakMap<Document, Map<unknown, Node | null>>();

function resolveNode(value: unknown, doc: Document): Node | null {
  if (isAlias(value)) {
    let cache = aliasTargets.get(doc);
    if (!cache) aliasTargets.set(doc, (cache = new Map()));
    if (!cache.has(value)) cache.set(value, value.resolve(doc) ?? null);
    return cache.get(value) ?? null;
  }
  return isNode(value) ? value : null;
}

function toPlain(node: Node | null, doc: Document): unknown {
  if (node === null) return null;
  try {
    return node.toJS(doc);
  } catch {
    // A malformed merge inside the value; the merge itself is reported where it is read.
    return undefined;
  }
}

/** A YAML collection as a PyNode tree with document offsets, so policy_kwargs mappings and strings are checked alike. */
/**
 * Nodes one value's tree may expand to. Aliases make YAML a graph: `&c [*c, *c, *c]` or a
 * "billion laughs" chain would otherwise expand exponentially (found by the editor fuzz test).
 */
const MAX_TREE_NODES = 20000;

function toTree(node: Node | null, doc: Document, depth: number, budget: { left: number }): PyNode {
  const start = node?.range?.[0] ?? 0;
  const end = node?.range?.[1] ?? start;
  if (node === null || depth > MAX_MERGE_DEPTH || --budget.left < 0) return { kind: 'none', start, end };
  if (isMap(node)) {
    const entries: PyDictEntry[] = [];
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      entries.push({
        key: String(pair.key.value),
        keyStart: pair.key.range?.[0] ?? start,
        keyEnd: pair.key.range?.[1] ?? start,
        value: toTree(resolveNode(pair.value, doc), doc, depth + 1, budget),
      });
    }
    return { kind: 'dict', entries, start, end };
  }
  if (isSeq(node)) return { kind: 'list', items: node.items.map((i) => toTree(resolveNode(i, doc), doc, depth + 1, budget)), start, end };
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value === 'number') return { kind: 'number', value, start, end };
  if (typeof value === 'boolean') return { kind: 'bool', value, start, end };
  if (typeof value === 'string') return { kind: 'string', value, start, end };
  return { kind: 'none', start, end };
}

function valueRangeOf(pair: Pair, keyRange: OffsetRange, textLength: number): OffsetRange {
  const v = pair.value;
  if (isNode(v) && v.range && v.range[1] > v.range[0]) return nodeRange(v, textLength);
  const at = Math.min(keyRange.end + 1, textLength);
  return { start: at, end: at };
}

function nodeRange(node: Node, textLength: number): OffsetRange {
  const r = node.range;
  if (!r) return { start: 0, end: 0 };
  return { start: Math.min(r[0], textLength), end: Math.min(r[1], textLength) };
}

function posRange(pos: [number, number], textLength: number): OffsetRange {
  const start = Math.min(pos[0], textLength);
  return { start, end: Math.max(start, Math.min(pos[1], textLength)) };
}
