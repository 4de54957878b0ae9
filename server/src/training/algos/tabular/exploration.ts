/**
 * Epsilon of the epsilon-greedy behaviour policy over training.
 *   linear (SB3's get_linear_fn, as DQN): from exploration_initial_eps to exploration_final_eps
 *     over the first exploration_fraction of n_timesteps, then constant;
 *   exponential (per episode, the usual tabular tutorial form):
 *     eps = max(exploration_final_eps, exploration_initial_eps * exploration_decay ^ episodes).
 */
export interface ExplorationParams {
  exploration_schedule: 'linear' | 'exponential';
  exploration_initial_eps: number;
  exploration_final_eps: number;
  exploration_fraction: number;
  exploration_decay: number;
}

export function epsilonAt(p: ExplorationParams, progressRemaining: number, episodes: number): number {
  if (p.exploration_schedule === 'exponential') {
    return Math.max(p.exploration_final_eps, p.exploration_initial_eps * p.exploration_decay ** episodes);
  }
  const progress = 1 - progressRemaining;
  if (p.exploration_fraction <= 0 || progress >= p.exploration_fraction) return p.exploration_final_eps;
  return p.exploration_initial_eps + (progress / p.exploration_fraction) * (p.exploration_final_eps - p.exploration_initial_eps);
}
