/**
 * Hyperparameters that may decay over training, as in SB3 / RL Zoo:
 * a constant, or `lin_<start>` = start * progress_remaining, where progress_remaining goes
 * from 1 at the first update to 0 at n_timesteps (CleanRL's `anneal_lr`).
 */
export type Schedule = (progressRemaining: number) => number;

export function toSchedule(value: number | string): Schedule {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`schedule value must be finite, got ${value}`);
    return () => value;
  }
  const match = /^lin_(.+)$/.exec(value.trim());
  const start = match ? Number(match[1]) : Number.NaN;
  if (!match || !Number.isFinite(start)) {
    throw new Error(`'${value}' is not a schedule: expected a number or lin_<start> such as lin_0.001`);
  }
  return (progressRemaining) => start * progressRemaining;
}
