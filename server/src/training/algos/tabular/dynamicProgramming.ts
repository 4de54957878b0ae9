/**
 * Dynamic programming on the environment's known model P (Sutton & Barto, ch. 4). No
 * environment steps are taken while planning: one "step" of these runs is one sweep over all
 * states, and n_timesteps is not used. After planning, `eval_episodes` episodes of the greedy
 * policy are played on the environment to report its return.
 *
 * value_iteration (section 4.4), in place, until the largest change is below theta:
 *   V(s) <- max_a sum_{s', r} p(s', r | s, a) [r + gamma V(s')]      (Bellman optimality backup)
 * policy_iteration (section 4.3), from the policy "always action 0":
 *   evaluation   V(s) <- sum_{s', r} p(s', r | s, pi(s)) [r + gamma V(s')]   until the change < theta
 *   improvement  pi(s) <- argmax_a sum_{s', r} p(s', r | s, a) [r + gamma V(s')], until pi is stable
 * V(s') counts as 0 after a terminal transition (FrozenLake's holes and goal, Taxi's delivery).
 */
import type { ResolvedConfig } from '../../../schema';
import type { DynamicProgrammingHyperparameters } from '../../../schema/config';
import { QTable } from './qTable';
import { evaluateTabularPolicy, type TabularTask } from './task';
import { TabularAlgorithm, type ChunkMetrics } from './tabularAlgorithm';
import { lookahead, valueTable, type ValueTable } from './valueTable';
import type { DiscreteModel } from '../../envs/toyText/model';

/** sum_{s'} p (r + gamma V(s')), V(s') = 0 after a terminal transition. */
function backup(model: DiscreteModel, v: Float64Array, s: number, a: number, gamma: number): number {
  let sum = 0;
  for (const [p, next, r, terminated] of model.P[s][a]) sum += p * (r + (terminated ? 0 : gamma * v[next]));
  return sum;
}

/** One in-place sweep of value iteration; returns the largest change. */
export function valueIterationSweep(model: DiscreteModel, v: Float64Array, gamma: number): number {
  let delta = 0;
  for (let s = 0; s < model.nS; s++) {
    let best = -Infinity;
    for (let a = 0; a < model.nA; a++) best = Math.max(best, backup(model, v, s, a, gamma));
    delta = Math.max(delta, Math.abs(best - v[s]));
    v[s] = best;
  }
  return delta;
}

/** One in-place sweep of policy evaluation for a deterministic policy; returns the largest change. */
export function policyEvaluationSweep(model: DiscreteModel, v: Float64Array, policy: Int32Array, gamma: number): number {
  let delta = 0;
  for (let s = 0; s < model.nS; s++) {
    const value = backup(model, v, s, policy[s], gamma);
    delta = Math.max(delta, Math.abs(value - v[s]));
    v[s] = value;
  }
  return delta;
}

/**
 * Greedy improvement; returns how many states changed action. The old action is kept when it
 * is among the best (within 1e-12), so ties cannot make the policy flip forever.
 */
export function improvePolicy(model: DiscreteModel, v: Float64Array, policy: Int32Array, gamma: number): number {
  let changed = 0;
  for (let s = 0; s < model.nS; s++) {
    let best = policy[s];
    let bestValue = backup(model, v, s, best, gamma);
    for (let a = 0; a < model.nA; a++) {
      const value = backup(model, v, s, a, gamma);
      if (value > bestValue + 1e-12) {
        best = a;
        bestValue = value;
      }
    }
    if (best !== policy[s]) {
      policy[s] = best;
      changed++;
    }
  }
  return changed;
}

export class DynamicProgramming extends TabularAlgorithm {
  private readonly params: DynamicProgrammingHyperparameters;
  private readonly kind: 'value_iteration' | 'policy_iteration';
  private readonly v: Float64Array;
  private readonly policy: Int32Array;
  /** Value-iteration sweeps, or policy-iteration rounds (evaluation + improvement). */
  private iterations = 0;
  private converged = false;
  private evalReturns: number[] = [];

  constructor(config: ResolvedConfig, task: TabularTask) {
    super(config, task);
    this.params = config.hyperparameters as DynamicProgrammingHyperparameters;
    this.kind = config.algo === 'policy_iteration' ? 'policy_iteration' : 'value_iteration';
    this.v = new Float64Array(task.model.nS);
    this.policy = new Int32Array(task.model.nS);
  }

  protected override done(): boolean {
    return this.converged || this.iterations >= this.params.max_iterations;
  }

  protected override totalSteps(): number {
    return this.params.max_iterations;
  }

  protected override chunk(): ChunkMetrics {
    const { model } = this.task;
    const gamma = this.params.gamma;
    this.iterations++;
    if (this.kind === 'value_iteration') {
      const delta = valueIterationSweep(model, this.v, gamma);
      this.globalStep++;
      this.converged = delta < this.params.theta;
      this.syncPolicy();
      return { 'charts/value_delta': delta, 'charts/start_value': this.startValue() };
    }
    // Policy evaluation to theta (at most max_iterations sweeps: with gamma = 1 an improper
    // policy's values never converge), then one greedy improvement.
    let delta = Infinity;
    let sweeps = 0;
    while (delta >= this.params.theta && sweeps < this.params.max_iterations) {
      delta = policyEvaluationSweep(model, this.v, this.policy, gamma);
      sweeps++;
    }
    const changed = improvePolicy(model, this.v, this.policy, gamma);
    this.globalStep += sweeps;
    this.converged = changed === 0;
    return { 'charts/value_delta': delta, 'charts/policy_changes': changed, 'charts/evaluation_sweeps': sweeps, 'charts/start_value': this.startValue() };
  }

  /** V under the initial-state distribution: the expected discounted return from a start. */
  private startValue(): number {
    const d = this.task.model.initialStateDistrib;
    let sum = 0;
    for (let s = 0; s < d.length; s++) sum += d[s] * this.v[s];
    return sum;
  }

  /** Value iteration's greedy policy w.r.t. V (first maximum, as np.argmax). */
  private syncPolicy(): void {
    const q = lookahead(this.task.model, this.v, this.params.gamma);
    for (let s = 0; s < this.task.model.nS; s++) this.policy[s] = q.argmax(s);
  }

  protected override finishTraining(): ChunkMetrics {
    const n = this.params.eval_episodes;
    if (n <= 0) return {};
    const episodes = evaluateTabularPolicy(this.task, (s) => this.policy[s], n, this.envRng);
    this.evalReturns = episodes.map((e) => e.return);
    for (const e of episodes) this.recordEpisode(e.return, e.length);
    const mean = this.evalReturns.reduce((a, b) => a + b, 0) / n;
    return { 'eval/mean_return': mean, 'eval/episodes': n };
  }

  /** The mean over all evaluation episodes (more than the usual last 20: planning has no training episodes). */
  override meanRecentReturn(): number | undefined {
    return this.evalReturns.length ? this.evalReturns.reduce((a, b) => a + b, 0) / this.evalReturns.length : super.meanRecentReturn();
  }

  override greedyAction(s: number): number {
    return this.policy[s];
  }

  override valueTable(): ValueTable {
    const q: QTable = lookahead(this.task.model, this.v, this.params.gamma);
    return valueTable(this.task.env, this.config.algo, this.globalStep, q, this.v, this.policy, this.task.grid);
  }

  protected override algoState(): Record<string, unknown> {
    return { v: Array.from(this.v), policy: Array.from(this.policy), iterations: this.iterations, converged: this.converged };
  }

  protected override loadAlgoState(state: Record<string, unknown>): void {
    const { v, policy, iterations, converged } = state;
    if (!Array.isArray(v) || v.length !== this.v.length || !Array.isArray(policy) || policy.length !== this.policy.length) {
      throw new Error('the checkpoint has no value function and policy of the right size');
    }
    this.v.set(v as number[]);
    this.policy.set(policy as number[]);
    this.iterations = typeof iterations === 'number' ? iterations : 0;
    this.converged = converged === true;
  }
}
