import type { AlgoId, ParamSpec } from './types';

/**
 * A key another algorithm already documents (gamma, learning_rate ...), for `algos`, with the
 * fields that differ (default, explanation). Keeps one wording for one meaning.
 */
export function reuse(from: readonly ParamSpec[], key: string, algos: readonly AlgoId[], patch: Partial<ParamSpec> = {}): ParamSpec {
  const spec = from.find((p) => p.key === key);
  if (!spec) throw new Error(`schema: no key '${key}' to reuse`);
  return { ...spec, ...patch, algos };
}
