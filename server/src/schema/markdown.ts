/** The README's hyperparameter tables, generated from the schema so docs never drift from it. */
import { ALGO_IDS, ALGOS, EXPERIMENT_PARAMS, paramsFor } from './index';
import type { ParamSpec } from './types';

export function formatDefault(spec: ParamSpec): string {
  if (spec.required) return 'required';
  if (spec.default === null) return spec.key === 'seed' ? 'random, recorded' : 'null (off)';
  if (typeof spec.default === 'object') return `\`${JSON.stringify(spec.default)}\``;
  return String(spec.default);
}

export function formatRange(spec: ParamSpec): string {
  if (spec.values) return spec.values.map((v) => `\`${v}\``).join(', ');
  if (spec.min === undefined && spec.max === undefined) return '';
  const lo = spec.min === undefined ? '' : `${spec.minExclusive ? '>' : '>='} ${spec.min}`;
  const hi = spec.max === undefined ? '' : `<= ${spec.max}`;
  return [lo, hi].filter(Boolean).join(', ');
}

function row(spec: ParamSpec): string {
  const sensible = spec.sensible ? `${spec.sensible[0]} – ${spec.sensible[1]}` : '';
  const note = spec.implemented === false ? ' *(accepted, not implemented yet)*' : '';
  return `| \`${spec.key}\` | ${spec.type} | ${formatDefault(spec)} | ${formatRange(spec)} | ${sensible} | ${spec.summary}${note} |`;
}

const HEADER = '| key | type | default | valid | sensible | what it does |\n|---|---|---|---|---|---|';

export function schemaMarkdown(): string {
  const parts = [`#### Every experiment\n\n${HEADER}\n${EXPERIMENT_PARAMS.map(row).join('\n')}`];
  for (const algo of ALGO_IDS) {
    const own = paramsFor(algo).filter((p) => !EXPERIMENT_PARAMS.includes(p));
    parts.push(`#### \`${algo}\` — ${ALGOS[algo].name}\n\n${ALGOS[algo].summary}\n\n${HEADER}\n${own.map(row).join('\n')}`);
  }
  return parts.join('\n\n');
}
