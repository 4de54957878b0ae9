/**
 * Where ppo_rlhf and grpo get the score of a sampled completion, in order of precedence:
 *   1. `reward_model:` a trained reward_model stage (experiment of this file or run id, resolved
 *      like init_from): its scalar head on the final hidden state of the last real token,
 *      score = w . h_last + b (the Bradley–Terry-trained head, notes 001 §3.3);
 *   2. `reward_module:` the user's reward function (rewardFunctions.ts, trusted workspaces only);
 *   3. the text task's programmatic reward (tasks/).
 * Prompts come from the task's generator or, for `dataset:`, the JSONL file's `prompt`s.
 */
import type { ResolvedConfig } from '../../schema';
import { Rng } from '../rng';
import { loadPromptDataset } from './data/jsonl';
import { resolveInitFrom } from './initFrom';
import type { TransformerLM } from './lm/model';
import { loadRewardModule } from './rewardFunctions';
import { loadRewardModel } from './rewardModel';
import type { RewardHeadWeights } from './stageModel';
import type { TextTask } from './tasks';
import type { Tokenizer } from './tokenizer';

export interface SampledCompletion {
  prompt: string;
  completion: string;
  /** [bos] prompt completion [eos?] [pad...] as sampled. */
  tokens: readonly number[];
}

export interface RewardSource {
  /** What scores completions, for the log. */
  readonly description: string;
  score(batch: readonly SampledCompletion[]): number[];
  /** The trained reward model, when there is one (its weights can seed the critic). */
  readonly rewardModel?: { lm: TransformerLM; head: RewardHeadWeights };
  dispose(): void;
}

export interface RewardKeys {
  reward_model?: string | null;
  reward_module?: string | null;
}

export async function createRewardSource(config: ResolvedConfig, keys: RewardKeys, task: TextTask | undefined, tokenizer: Tokenizer, runDir: string | undefined): Promise<RewardSource> {
  if (keys.reward_model) {
    const src = resolveInitFrom(keys.reward_model, runDir);
    const rm = loadRewardModel(src.run.runDir);
    if (JSON.stringify(rm.tokenizer.spec) !== JSON.stringify(tokenizer.spec)) {
      rm.dispose();
      throw new Error(`reward_model: ${src.via} uses a different tokenizer than the policy; train both from the same sft model`);
    }
    return {
      description: `reward model from ${src.via}`,
      rewardModel: { lm: rm.lm, head: rm.headWeights() },
      score: (batch) => rm.scoreRows(batch.map((c) => c.tokens)),
      dispose: () => rm.dispose(),
    };
  }
  if (keys.reward_module) {
    const fn = await loadRewardModule(keys.reward_module);
    return { description: `reward function in ${keys.reward_module}`, score: (batch) => batch.map((c) => fn(c.prompt, c.completion)), dispose: () => undefined };
  }
  if (task) return { description: `the ${task.id} task's reward`, score: (batch) => batch.map((c) => task.reward(c.prompt, c.completion)), dispose: () => undefined };
  throw new Error(`${config.algo} on ${config.env} has no reward: set reward_model (a trained reward_model stage) or reward_module (your reward function), or use a built-in text task`);
}

/** Prompts to sample from: the task's generator (fresh each call) or the dataset's, cycled in a seeded shuffle. */
export interface PromptSource {
  next(n: number): string[];
  /** A fixed set of held-out prompts (same every call), for logged samples and evaluation. */
  heldOut(n: number): string[];
  rngState(): unknown;
  setRngState(s: unknown): void;
}

export function createPromptSource(config: ResolvedConfig, task: TextTask | undefined, dataset: string | null): PromptSource {
  const rng = Rng.stream(config.seed, 'rlhf-prompts');
  if (dataset) {
    const all = loadPromptDataset(dataset);
    if (!all.length) throw new Error(`${dataset}: no prompts`);
    let order: number[] = [];
    return {
      next(n) {
        const out: string[] = [];
        while (out.length < n) {
          if (!order.length) order = shuffled(all.length, rng);
          out.push(all[order.pop()!]);
        }
        return out;
      },
      heldOut: (n) => all.slice(0, n),
      rngState: () => ({ rng: rng.getState(), order }),
      setRngState(s) {
        const st = s as { rng: ReturnType<Rng['getState']>; order: number[] };
        rng.setState(st.rng);
        order = [...st.order];
      },
    };
  }
  if (!task) throw new Error(`${config.algo}: env ${config.env} needs a dataset file of prompts (dataset: prompts.jsonl)`);
  return {
    next: (n) => task.prompts(rng, n),
    // A separate stream, so held-out prompts do not depend on training progress.
    heldOut: (n) => task.prompts(Rng.stream(config.seed, 'rlhf-heldout-prompts'), n),
    rngState: () => ({ rng: rng.getState() }),
    setRngState(s) {
      rng.setState((s as { rng: ReturnType<Rng['getState']> }).rng);
    },
  };
}

function shuffled(n: number, rng: Rng): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
