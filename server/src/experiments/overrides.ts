/**
 * `--set key=value` overrides (CLI and StartRun). The value is read as YAML, as in the file,
 * except for the keys whose file values may be Python-dict strings (readOverride).
 */
import { parse } from 'yaml';
import type { ParamSpec, ParamType } from '../schema';
import { checkValue } from './checkValue';
import { parsePyLiteral, PyParseError, type PyNode } from './pyDict';
import { YAML_OPTIONS } from './yamlOptions';

export interface Override {
  key: string;
  /** The text after `=`, as given. */
  raw: string;
  /** The YAML reading; undefined when the text is not valid YAML (see `yamlError`). */
  value: unknown;
  /** Mapping or list values (policy_kwargs={net_arch: [32]}) as a tree. */
  tree: PyNode | null;
  /** Why YAML could not read the value; readOverride decides whether that matters for the key. */
  yamlError?: string;
}

/** Splits `key=value` and reads the value as YAML; an error only when there is no `key=`. */
export function parseOverride(text: string): Override | { error: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) return { error: `override '${text}' must look like key=value` };
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  try {
    // Same reading as in the file: `1e-3` and `!!float 1e5` are numbers, `null`/`~` is null, `true` a bool.
    const value: unknown = raw.trim() === '' ? null : parse(raw, YAML_OPTIONS);
    return { key, raw, value, tree: typeof value === 'object' && value !== null ? plainToTree(value, 0) : null };
  } catch (e) {
    return { key, raw, value: undefined, tree: null, yamlError: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

/** Types whose file values may be Python-dict strings, read by pyDict: "{'norm_obs': True}", "dict(net_arch=[64])". */
const PY_DICT_TYPES: ReadonlySet<ParamType> = new Set<ParamType>(['policy_kwargs', 'env_kwargs', 'normalize']);

/**
 * The override's value as the file would give it for `spec`'s type. On the command line nobody
 * quotes `{'norm_obs': True, 'clip_obs': 10.}` or `{'net_arch': (64, 64)}` a second time, but a
 * file writes exactly that text as a quoted string, which is read as a Python literal (tuples,
 * None, True/False as Python spells them). So for the Python-dict types a `{...}` / `dict(...)`
 * text that parses as a Python literal is handed on as that string, and checkValue and resolve
 * read it with the same parser as the file. The YAML reading stays when only it is valid:
 * `{norm_obs: true}` (a YAML flow mapping, as unquoted in a file), or `true`.
 */
export function readOverride(o: Override, spec: ParamSpec): { value: unknown; tree: PyNode | null } | { error: string } {
  const text = o.raw.trim();
  if (PY_DICT_TYPES.has(spec.type) && /^(\{|dict\s*\()/.test(text)) {
    const asFile = { value: text, tree: null };
    let parses = true;
    try {
      parsePyLiteral(text);
    } catch (e) {
      if (!(e instanceof PyParseError)) throw e;
      parses = false;
    }
    // YAML cannot read it: the Python reading, or the Python parser's message (as for the file).
    if (o.yamlError !== undefined) return asFile;
    // Both can: Python's, unless only YAML's passes (`{'norm_obs': true}` has YAML's booleans).
    if (parses && (!hasError(checkValue(spec, text, null)) || hasError(checkValue(spec, o.value, o.tree)))) return asFile;
  }
  if (o.yamlError !== undefined) return { error: `override '${o.key}=${o.raw}': the value is not valid YAML (${o.yamlError})` };
  return { value: o.value, tree: o.tree };
}

function hasError(issues: readonly { severity: 'error' | 'warning' }[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

function plainToTree(value: unknown, depth: number): PyNode {
  const at = { start: 0, end: 0 };
  if (depth > 32) return { kind: 'none', ...at };
  if (Array.isArray(value)) return { kind: 'list', items: value.map((v) => plainToTree(v, depth + 1)), ...at };
  if (typeof value === 'number') return { kind: 'number', value, ...at };
  if (typeof value === 'boolean') return { kind: 'bool', value, ...at };
  if (typeof value === 'string') return { kind: 'string', value, ...at };
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, v]) => ({ key, keyStart: 0, keyEnd: 0, value: plainToTree(v, depth + 1) }));
    return { kind: 'dict', entries, ...at };
  }
  return { kind: 'none', ...at };
}
