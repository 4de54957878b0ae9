/** The tabular algorithms (toy-text environments only): the engine's entry point. */
import type { ResolvedConfig } from '../../../schema';
import type { Algorithm } from '../algorithm';
import { DynamicProgramming } from './dynamicProgramming';
import { MonteCarloControl } from './monteCarlo';
import { tabularTask } from './task';
import { TdControl } from './tdControl';

export function createTabular(config: ResolvedConfig): Algorithm {
  const task = tabularTask(config);
  switch (config.algo) {
    case 'q_learning':
    case 'sarsa':
    case 'expected_sarsa':
      return new TdControl(config, task);
    case 'mc_control':
      return new MonteCarloControl(config, task);
    case 'value_iteration':
    case 'policy_iteration':
      return new DynamicProgramming(config, task);
    default:
      throw new Error(`'${config.algo}' is not a tabular algorithm`);
  }
}
