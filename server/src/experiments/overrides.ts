/** `--set key=value` overrides (CLI and StartRun): the value is read as YAML. */
import { parse } from 'yaml';
import type { PyNode } from './pyDict';
import { YAML_OPTIONS } from './yamlOptions';

export interface Override {
  key: string;
  value: unknown;
  /** Mapping or list values (policy_kwargs={net_arch: [32]}) as a tree. */
  tree: PyNode | null;
}

export function parseOverride(text: string): Override | { error: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) return { error: `override '${text}' must look like key=value` };
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  try {
    // Same reading as in the file: `1e-3` and `!!float 1e5` are numbers, `null`/`~` is null, `true` a bool.
    const value: unknown = raw.trim() === '' ? null : parse(raw, YAML_OPTIONS);
    return { key, value, tree: typeof value === 'object' && value !== null ? plainToTree(value, 0) : null };
  } catch (e) {
    return { error: `override '${text}': the value is not valid YAML (${e instanceof Error ? e.message.split('\n')[0] : String(e)})` };
  }
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
