/**
 * The model a language-model stage leaves in its run folder (`<runDir>/model/`, see lm/io.ts),
 * which the next stage loads through `init_from`. The manifest's `extra` says which stage wrote
 * it and, for a reward model, holds its scalar head.
 */
import { loadLm, saveLm, LM_MANIFEST } from './lm/io';
import type { TransformerLM } from './lm/model';
import type { Tokenizer } from './tokenizer';
import { modelDirOf } from './initFrom';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A linear head on the final hidden state: score = w . h + b. */
export interface RewardHeadWeights {
  w: number[];
  b: number;
}

export interface StageModel {
  /** The algo that saved it ('sft', 'reward_model', 'ppo_rlhf', 'dpo', 'grpo'). */
  stage: string;
  lm: TransformerLM;
  tokenizer: Tokenizer;
  /** Present when a reward model saved it. */
  rewardHead?: RewardHeadWeights;
}

export function saveStageModel(runDir: string, stage: string, lm: TransformerLM, tokenizer: Tokenizer, rewardHead?: RewardHeadWeights): string {
  const dir = modelDirOf(runDir);
  saveLm(dir, lm, tokenizer, { stage, ...(rewardHead ? { rewardHead } : {}) });
  return dir;
}

/**
 * Loads the model saved in a run folder (or directly in a model folder). The caller disposes
 * `lm`. Throws naming the folder when there is none or it is damaged.
 */
export function loadStageModel(runOrModelDir: string): StageModel {
  const dir = existsSync(join(runOrModelDir, LM_MANIFEST)) ? runOrModelDir : modelDirOf(runOrModelDir);
  const { lm, tokenizer, extra } = loadLm(dir);
  const stage = typeof extra?.stage === 'string' ? extra.stage : 'unknown';
  const head = extra?.rewardHead as Partial<RewardHeadWeights> | undefined;
  if (head !== undefined) {
    const ok = Array.isArray(head.w) && head.w.length === lm.cfg.dModel && head.w.every((x) => typeof x === 'number') && typeof head.b === 'number';
    if (!ok) {
      lm.dispose();
      throw new Error(`${dir}: the reward head in ${LM_MANIFEST} does not fit the model (expected ${lm.cfg.dModel} weights and a bias)`);
    }
    return { stage, lm, tokenizer, rewardHead: { w: head.w as number[], b: head.b as number } };
  }
  return { stage, lm, tokenizer };
}
