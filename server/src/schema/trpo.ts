import { naturalGradientParams } from './npg';
import type { AlgoSpec, ParamSpec } from './types';

/** Names and defaults follow sb3-contrib's TRPO, so RL Baselines3 Zoo's trpo.yml runs as it is. */
export const TRPO: AlgoSpec = {
  id: 'trpo',
  name: 'Trust Region Policy Optimization',
  summary: 'Natural gradient step plus a backtracking line search that checks the improvement and the KL constraint.',
  explanation:
    'As the natural policy gradient (conjugate gradient on Fisher-vector products, step scaled to the KL budget target_kl), then a backtracking line search: try the step, shrink it by line_search_shrinking_factor until the surrogate advantage improves AND the exact mean KL <= target_kl, or keep the old policy after line_search_max_iter tries (Schulman et al. 2015). The critic is fitted separately with Adam.',
  actionSpaces: ['discrete', 'continuous'],
};

const trpo = ['trpo'] as const;

export const TRPO_PARAMS: readonly ParamSpec[] = [
  ...naturalGradientParams(trpo),
  {
    key: 'line_search_shrinking_factor',
    type: 'float',
    default: 0.8,
    min: 0,
    minExclusive: true,
    max: 1,
    sensible: [0.5, 0.9],
    summary: 'Backtracking factor alpha: the i-th try takes alpha^i of the full natural step.',
    explanation: 'Smaller shrinks faster (fewer evaluations, possibly a too-small step).',
    formula:
      'theta_i = theta_k + alpha^i * sqrt(2 delta / (x^T F x)) x,  i = 0, 1, ...\naccept the first i with  L(theta_i) > L(theta_k)  and  mean KL(pi_k || pi_theta_i) <= delta,\nL(theta) = mean( pi_theta(a|s) / pi_k(a|s) * A )        (Schulman et al. 2015, the TRPO constraint)',
    algos: trpo,
  },
  {
    key: 'line_search_max_iter',
    type: 'int',
    default: 10,
    min: 1,
    sensible: [5, 20],
    summary: 'Tries of the line search before the update is skipped.',
    explanation: 'When no candidate improves the surrogate within the KL budget, the policy keeps its old parameters for this update (train/is_line_search_success = 0).',
    algos: trpo,
  },
];
