/**
 * TRPO's backtracking line search with the improvement check (Schulman et al. 2015, appendix
 * C; sb3-contrib TRPO.train): try theta_k + alpha^i * fullStep for i = 0, 1, ...; accept the
 * first candidate whose surrogate objective is above the old one AND whose mean KL from the old
 * policy is within the budget; after maxIter rejections keep the old parameters.
 */
export interface Candidate {
  /** Surrogate advantage L(theta) = mean(ratio * A) at the candidate. */
  objective: number;
  /** Mean KL[pi_old || pi_candidate]. */
  kl: number;
}

export interface LineSearchResult extends Candidate {
  accepted: boolean;
  /** Fraction of the full step taken (alpha^i); 0 when rejected. */
  fraction: number;
  /** Candidates evaluated. */
  tries: number;
}

export function backtrackingLineSearch(
  evaluate: (fraction: number) => Candidate, oldObjective: number, maxKl: number, shrink: number, maxIter: number,
): LineSearchResult {
  let fraction = 1;
  let last: Candidate = { objective: oldObjective, kl: 0 };
  for (let i = 0; i < maxIter; i++) {
    last = evaluate(fraction);
    if (last.kl <= maxKl && last.objective > oldObjective) return { ...last, accepted: true, fraction, tries: i + 1 };
    fraction *= shrink;
  }
  return { ...last, accepted: false, fraction: 0, tries: maxIter };
}
