/** `lin_<start>`: RL Baselines3 Zoo's linear schedule, from start down to 0 over training. */
const LINEAR = /^lin_([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;

export type ParsedSchedule = { kind: 'constant'; value: number } | { kind: 'linear'; start: number };

/** A schedule value as written: a number, or a `lin_<start>` string. Undefined when it is neither. */
export function parseScheduleValue(value: unknown): ParsedSchedule | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return { kind: 'constant', value };
  if (typeof value !== 'string') return undefined;
  const m = LINEAR.exec(value.trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  return Number.isFinite(start) ? { kind: 'linear', start } : undefined;
}
