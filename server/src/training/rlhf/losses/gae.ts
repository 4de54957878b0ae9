/**
 * GAE over response tokens (notes 001 §3.4.1 (4), trlx/deepspeed-chat
 * `get_advantages_and_returns`; notes 004: GAE = sum_b (gamma*lambda)^b delta_{t+b}):
 *
 *   delta_t = R_t + gamma * V_{t+1} - V_t
 *   A_t     = delta_t + gamma * lambda * A_{t+1},     A_{T+1} = 0, V_{T+1} = 0
 *   returns_t = A_t + V_t                             (the critic's target)
 *
 * computed backwards over the masked (response) positions of each row only: the step after a
 * response token is the next response token, and after the last one the episode ends (the
 * score was already paid on it), so nothing is bootstrapped. Positions outside the mask get 0.
 */

export interface GaeInput {
  rewards: ArrayLike<number>[];
  /** V_old(s_t) per token, [B][L]. */
  values: ArrayLike<number>[];
  mask: ArrayLike<number>[];
  gamma: number;
  lambda: number;
}

export function tokenGae(inp: GaeInput): { advantages: Float32Array[]; returns: Float32Array[] } {
  const advantages: Float32Array[] = [];
  const returns: Float32Array[] = [];
  for (let b = 0; b < inp.rewards.length; b++) {
    const r = inp.rewards[b];
    const v = inp.values[b];
    const m = inp.mask[b];
    const adv = new Float32Array(r.length);
    const ret = new Float32Array(r.length);
    let nextValue = 0;
    let nextAdv = 0;
    for (let t = r.length - 1; t >= 0; t--) {
      if (!m[t]) continue;
      const delta = r[t] + inp.gamma * nextValue - v[t];
      const a = delta + inp.gamma * inp.lambda * nextAdv;
      adv[t] = a;
      ret[t] = a + v[t];
      nextValue = v[t];
      nextAdv = a;
    }
    advantages.push(adv);
    returns.push(ret);
  }
  return { advantages, returns };
}

/**
 * Whitens advantages over the masked tokens of the whole batch (zero mean, unit std), as TRL's
 * PPO `masked_whiten` does; positions outside the mask stay 0.
 */
export function whitenMasked(rows: Float32Array[], mask: ArrayLike<number>[], eps = 1e-8): Float32Array[] {
  let n = 0;
  let s = 0;
  for (let b = 0; b < rows.length; b++) for (let t = 0; t < rows[b].length; t++) if (mask[b][t]) (n++, (s += rows[b][t]));
  if (n < 2) return rows.map((r) => new Float32Array(r));
  const mean = s / n;
  let v = 0;
  for (let b = 0; b < rows.length; b++) for (let t = 0; t < rows[b].length; t++) if (mask[b][t]) v += (rows[b][t] - mean) ** 2;
  const std = Math.sqrt(v / (n - 1));
  return rows.map((r, b) => r.map((x, t) => (mask[b][t] ? (x - mean) / (std + eps) : 0)));
}
