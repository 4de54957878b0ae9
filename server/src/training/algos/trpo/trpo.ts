/**
 * Trust Region Policy Optimization (Schulman et al. 2015) with sb3-contrib's names and
 * defaults: the natural gradient step of NPG, then a backtracking line search that accepts a
 * candidate only when the surrogate advantage improves and mean KL <= target_kl (lineSearch.ts);
 * otherwise the policy is left unchanged for this update.
 */
import type { ResolvedConfig, TrpoHyperparameters } from '../../../schema';
import { builtinTrainingEnv, type TrainingEnv } from '../../envs/trainingEnv';
import { NPG, type StepOutcome } from '../npg/naturalGradient';
import { backtrackingLineSearch } from './lineSearch';

export class TRPO extends NPG {
  constructor(config: ResolvedConfig, env: TrainingEnv = builtinTrainingEnv(config)) {
    super(config, env, 'trpo');
  }

  protected override algoName(): string {
    return 'trpo';
  }

  protected override policyStep(evaluate: (fraction: number) => { objective: number; kl: number }, oldObjective: number): StepOutcome {
    const hp = this.hp as TrpoHyperparameters;
    return backtrackingLineSearch(evaluate, oldObjective, hp.target_kl, hp.line_search_shrinking_factor, hp.line_search_max_iter);
  }

  protected override stepMetrics(outcome: StepOutcome): Record<string, number> {
    return { 'train/is_line_search_success': outcome.accepted ? 1 : 0, 'train/line_search_tries': outcome.tries };
  }
}
