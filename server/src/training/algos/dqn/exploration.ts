/**
 * DQN's epsilon-greedy schedule, SB3's get_linear_fn(start, end, end_fraction): epsilon moves
 * linearly from `start` to `end` over the first `endFraction` of training and stays at `end`.
 */
import type { Schedule } from '../../schedule';

export function linearSchedule(start: number, end: number, endFraction: number): Schedule {
  return (progressRemaining) => {
    const progress = 1 - progressRemaining;
    if (endFraction <= 0 || progress > endFraction) return end;
    return start + (progress * (end - start)) / endFraction;
  };
}
