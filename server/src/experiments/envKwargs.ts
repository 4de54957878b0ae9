/**
 * Reads `env_kwargs` (the environment's constructor options, as in RL Baselines3 Zoo and
 * `gym.make(id, **kwargs)`) from a YAML mapping or a Python-dict string such as
 * "dict(continuous=True, gravity=-5.0)", both as PyNode trees, into plain scalars. Which keys an
 * environment takes is checked by the environment itself (validate.ts asks the registry).
 */
import type { EnvKwargValue } from '../schema';
import type { KwargsIssue } from './policyKwargs';
import type { PyNode } from './pyDict';

export interface EnvKwargsResult {
  value: Record<string, EnvKwargValue>;
  issues: KwargsIssue[];
}

export function interpretEnvKwargs(node: PyNode): EnvKwargsResult {
  const value: Record<string, EnvKwargValue> = {};
  const issues: KwargsIssue[] = [];
  if (node.kind !== 'dict') {
    issues.push({ severity: 'error', message: 'env_kwargs must be a mapping or a "dict(...)" string', start: node.start, end: node.end });
    return { value, issues };
  }
  for (const entry of node.entries) {
    const v = entry.value;
    switch (v.kind) {
      case 'number':
      case 'string':
      case 'bool':
        value[entry.key] = v.value;
        break;
      case 'none':
        value[entry.key] = null;
        break;
      default:
        issues.push({
          severity: 'error',
          message: `env_kwargs '${entry.key}' must be a number, true/false, a string or null`,
          start: v.start,
          end: v.end,
        });
    }
  }
  return { value, issues };
}
