/**
 * GRPO's group-relative advantages (Shao et al. 2024, DeepSeekMath §4.1.2, "outcome
 * supervision"): G completions of the same prompt form a group and each completion's
 * advantage is its reward standardized within the group,
 *   A_i = (r_i - mean(r_1..r_G)) / (std(r_1..r_G) + eps)
 * (std: the unbiased sample std, eps 1e-4, as TRL's GRPOTrainer). With `scale: false`
 * (Dr. GRPO, Liu et al. 2025) only the mean is subtracted. A group whose rewards are all equal
 * gives every completion A = 0: no learning signal. frac_reward_zero_std counts such groups
 * (DAPO's dynamic sampling exists to avoid them).
 */

export interface GroupAdvantages {
  /** One per completion, in the input order (groups are consecutive runs of G). */
  advantages: Float32Array;
  /** Fraction of groups whose rewards have zero spread. */
  fracRewardZeroStd: number;
  /** Mean within-group std of the rewards. */
  meanGroupStd: number;
}

export function groupAdvantages(rewards: ArrayLike<number>, groupSize: number, scale = true, eps = 1e-4): GroupAdvantages {
  if (groupSize < 1 || rewards.length % groupSize !== 0) {
    throw new Error(`${rewards.length} rewards do not split into groups of ${groupSize}`);
  }
  const advantages = new Float32Array(rewards.length);
  const groups = rewards.length / groupSize;
  let zeroStd = 0;
  let stdSum = 0;
  for (let g = 0; g < groups; g++) {
    const start = g * groupSize;
    let mean = 0;
    for (let i = 0; i < groupSize; i++) mean += rewards[start + i];
    mean /= groupSize;
    let v = 0;
    for (let i = 0; i < groupSize; i++) v += (rewards[start + i] - mean) ** 2;
    const std = groupSize > 1 ? Math.sqrt(v / (groupSize - 1)) : 0;
    // Exact ties only: rewards are often discrete (0/1), so this is common, not a rounding matter.
    if (std < 1e-12) zeroStd++;
    stdSum += std;
    for (let i = 0; i < groupSize; i++) {
      const centered = rewards[start + i] - mean;
      advantages[start + i] = scale ? centered / (std + eps) : centered;
    }
  }
  return { advantages, fracRewardZeroStd: groups ? zeroStd / groups : 0, meanGroupStd: groups ? stdSum / groups : 0 };
}
