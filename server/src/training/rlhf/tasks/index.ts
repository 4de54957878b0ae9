/**
 * The built-in text tasks by `env` id, plus `text/dataset` (the data comes only from the
 * `dataset:` JSONL file and there is no programmatic reward). Metadata (TEXT_ENV_SPECS) is what
 * the editor shows; `createTextTask` builds a task for training.
 */
import { positiveWordsTask, POSITIVE_WORDS_SPEC } from './positiveWords';
import { sortDigitsTask, SORT_DIGITS_SPEC } from './sortDigits';
import { targetSumTask, TARGET_SUM_SPEC } from './targetSum';
import type { TextTask, TextTaskSpec } from './types';

export type { TextTask, TextTaskSpec, PreferencePair, SftExample } from './types';

/** The env id of "no task: data from the `dataset` file". */
export const TEXT_DATASET_ENV = 'text/dataset';

const FACTORIES: Readonly<Record<string, (kwargs: Readonly<Record<string, unknown>>) => TextTask>> = {
  'text/sort-digits': sortDigitsTask,
  'text/target-sum': targetSumTask,
  'text/positive-words': positiveWordsTask,
};

export const TEXT_TASK_SPECS: Readonly<Record<string, TextTaskSpec>> = {
  'text/sort-digits': SORT_DIGITS_SPEC,
  'text/target-sum': TARGET_SUM_SPEC,
  'text/positive-words': POSITIVE_WORDS_SPEC,
};

/** Every text env id an LM stage accepts (the tasks and text/dataset). */
export const TEXT_ENV_IDS: readonly string[] = [...Object.keys(TEXT_TASK_SPECS), TEXT_DATASET_ENV];

export function isTextEnv(id: unknown): boolean {
  return typeof id === 'string' && TEXT_ENV_IDS.includes(id);
}

/** Hover / completion text for a text env id (markdown), undefined for other ids. */
export function textEnvMarkdown(id: string): string | undefined {
  if (id === TEXT_DATASET_ENV) {
    return '**text/dataset** — text data from the experiment\'s `dataset:` JSONL file (TRL formats); no built-in reward.\n\nFor language-model stages: sft, reward_model, ppo_rlhf, dpo, grpo.';
  }
  const s = TEXT_TASK_SPECS[id];
  if (!s) return undefined;
  const kw = Object.entries(s.kwargs).map(([k, v]) => `\`${k}: ${v}\``).join(', ');
  return [
    `**${s.id}** — ${s.summary}`,
    '',
    `Prompt \`${JSON.stringify(s.example.prompt)}\` → completion \`${JSON.stringify(s.example.completion)}\``,
    '',
    `Reward in [${s.rewardRange[0]}, ${s.rewardRange[1]}]: ${s.reward}.`,
    '',
    `env_kwargs: ${kw}. For language-model stages: sft, reward_model, ppo_rlhf, dpo, grpo.`,
  ].join('\n');
}

/** The task of an env id; undefined for text/dataset. Throws for an unknown id or bad kwargs. */
export function createTextTask(id: string, kwargs: Readonly<Record<string, unknown>> = {}): TextTask | undefined {
  if (id === TEXT_DATASET_ENV) return undefined;
  const f = FACTORIES[id];
  if (!f) throw new Error(`unknown text task '${id}'; known: ${TEXT_ENV_IDS.join(', ')}`);
  return f(kwargs);
}
