/**
 * The rollout of n_steps x n_envs transitions in typed arrays (time-major: index t * nEnvs + i),
 * and GAE computed in JS: it is a short backwards loop, cheaper than any tensor op.
 */
export class RolloutBuffer {
  readonly size: number;
  readonly obs: Float32Array;
  readonly actions: Float32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  /** Rewards; on truncation they already include gamma * V(final obs) (see PPO.collectRollouts). */
  readonly rewards: Float64Array;
  /** 1 where the episode ended at this step (terminated or truncated): no bootstrap across it. */
  readonly dones: Uint8Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
  /** The policy's outputs (logits or means, piDim per row) at collection time; empty when piDim = 0. */
  readonly pi: Float32Array;

  constructor(
    readonly nSteps: number,
    readonly nEnvs: number,
    readonly obsDim: number,
    readonly actionDim: number,
    readonly piDim = 0,
  ) {
    this.size = nSteps * nEnvs;
    this.obs = new Float32Array(this.size * obsDim);
    this.actions = new Float32Array(this.size * actionDim);
    this.logProbs = new Float32Array(this.size);
    this.values = new Float32Array(this.size);
    this.rewards = new Float64Array(this.size);
    this.dones = new Uint8Array(this.size);
    this.advantages = new Float32Array(this.size);
    this.returns = new Float32Array(this.size);
    this.pi = new Float32Array(this.size * piDim);
  }

  /** GAE(gamma, lambda) over the whole buffer; lastValues = V(obs after the last step). */
  computeReturnsAndAdvantages(lastValues: ArrayLike<number>, gamma: number, gaeLambda: number): void {
    gae(this.rewards, this.values, this.dones, lastValues, this.nSteps, this.nEnvs, gamma, gaeLambda, this.advantages, this.returns);
  }
}

/**
 * Generalized Advantage Estimation (Schulman et al. 2016), backwards in time:
 *   delta_t = r_t + gamma * V(s_{t+1}) * (1 - done_t) - V(s_t)
 *   A_t     = delta_t + gamma * lambda * (1 - done_t) * A_{t+1}
 *   R_t     = A_t + V(s_t)            (the critic's target, SB3 / CleanRL)
 * done_t marks that the episode ended at step t, so s_{t+1} belongs to the next episode.
 */
export function gae(
  rewards: ArrayLike<number>, values: ArrayLike<number>, dones: ArrayLike<number>, lastValues: ArrayLike<number>,
  nSteps: number, nEnvs: number, gamma: number, gaeLambda: number,
  advantages: Float32Array | Float64Array, returns: Float32Array | Float64Array,
): void {
  for (let i = 0; i < nEnvs; i++) {
    let lastGae = 0;
    for (let t = nSteps - 1; t >= 0; t--) {
      const k = t * nEnvs + i;
      const nextNonTerminal = 1 - dones[k];
      const nextValue = t === nSteps - 1 ? lastValues[i] : values[k + nEnvs];
      const delta = rewards[k] + gamma * nextValue * nextNonTerminal - values[k];
      lastGae = delta + gamma * gaeLambda * nextNonTerminal * lastGae;
      advantages[k] = lastGae;
      returns[k] = lastGae + values[k];
    }
  }
}

/** 1 - Var[y - y_pred] / Var[y]: 1 is a perfect critic, 0 no better than a constant (SB3). */
export function explainedVariance(yPred: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = y.length;
  let meanY = 0;
  let meanD = 0;
  for (let i = 0; i < n; i++) {
    meanY += y[i];
    meanD += y[i] - yPred[i];
  }
  meanY /= n;
  meanD /= n;
  let varY = 0;
  let varD = 0;
  for (let i = 0; i < n; i++) {
    varY += (y[i] - meanY) ** 2;
    varD += (y[i] - yPred[i] - meanD) ** 2;
  }
  return varY === 0 ? Number.NaN : 1 - varD / varY;
}

/** (A - mean) / (std + 1e-8) with the unbiased std, as torch's .std() in SB3 and CleanRL. */
export function normalize(x: Float32Array): void {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (x[i] - mean) ** 2;
  const std = Math.sqrt(sq / (n - 1));
  for (let i = 0; i < n; i++) x[i] = (x[i] - mean) / (std + 1e-8);
}
