/**
 * RLHF per-token rewards with a KL penalty (notes 001 §3.4.1 (3), deepspeed-chat
 * `compute_rewards`; notes 003: "each token's penalty is -0.2 * KL"):
 *
 *   R_t = -kl_coef * (log pi(a_t|s_t) - log pi_ref(a_t|s_t))                      t != T
 *   R_T = -kl_coef * (log pi(a_T|s_T) - log pi_ref(a_T|s_T)) + clip(score, -c, c)   t == T
 *
 * where T is the last response token and `score` the reward of the whole (prompt, response),
 * clipped to +-clip_reward_value (deepspeed-chat: kl_ctl 0.1, clip_reward_value 5).
 * Rows are plain arrays: these are computed once per rollout, outside any gradient.
 */

export interface ShapedRewardsInput {
  /** log pi_old of each generated token, [B][L] (L = T - 1, tokenLogProbs alignment). */
  logProbs: ArrayLike<number>[];
  /** log pi_ref of the same tokens, [B][L]. */
  refLogProbs: ArrayLike<number>[];
  /** 1 on response tokens, 0 on prompt and padding, [B][L]. */
  mask: ArrayLike<number>[];
  /** The scalar score of each sequence (reward model or reward function), [B]. */
  scores: ArrayLike<number>;
  klCoef: number;
  /** |score| is clipped to this; null leaves it unclipped. */
  clipRewardValue: number | null;
}

export interface ShapedRewards {
  /** R_t per token, 0 outside the mask, [B][L]. */
  rewards: Float32Array[];
  /** sum_t (log pi - log pi_ref) over each response: the sampled KL estimate per sequence (k1). */
  klPerSequence: Float32Array;
  /** The clipped scores actually added on the last token. */
  clippedScores: Float32Array;
  /** -kl_coef * sum_t (log pi - log pi_ref): the KL part of each sequence's return (TRL's non_score_reward). */
  nonScoreReward: Float32Array;
}

export function klShapedRewards(inp: ShapedRewardsInput): ShapedRewards {
  const B = inp.logProbs.length;
  const rewards: Float32Array[] = [];
  const klPerSequence = new Float32Array(B);
  const clippedScores = new Float32Array(B);
  const nonScoreReward = new Float32Array(B);
  const c = inp.clipRewardValue;
  for (let b = 0; b < B; b++) {
    const lp = inp.logProbs[b];
    const ref = inp.refLogProbs[b];
    const m = inp.mask[b];
    const row = new Float32Array(lp.length);
    let last = -1;
    let kl = 0;
    for (let t = 0; t < lp.length; t++) {
      if (!m[t]) continue;
      const d = lp[t] - ref[t];
      kl += d;
      row[t] = -inp.klCoef * d;
      last = t;
    }
    const score = c === null ? inp.scores[b] : Math.min(c, Math.max(-c, inp.scores[b]));
    // An empty response has no token to carry the score; it earns nothing (and has no gradient).
    if (last >= 0) row[last] += score;
    rewards.push(row);
    klPerSequence[b] = kl;
    clippedScores[b] = score;
    nonScoreReward[b] = -inp.klCoef * kl;
  }
  return { rewards, klPerSequence, clippedScores, nonScoreReward };
}
