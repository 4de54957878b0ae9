/**
 * The user reward module of a resolved config (ppo_rlhf, grpo `reward_module`), if any. The
 * language server asks this before starting a run: user code runs only in trusted workspaces.
 * Nothing is loaded here (rewardFunctions.ts loads it, in the training process).
 */
import type { ResolvedConfig } from '../../schema';

export function rewardModuleOf(config: ResolvedConfig): string | undefined {
  const m = (config.hyperparameters as unknown as { reward_module?: unknown }).reward_module;
  return typeof m === 'string' && m.trim() ? m : undefined;
}
