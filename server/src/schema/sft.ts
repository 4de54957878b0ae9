import { lmParams, type LmHyperparameters } from './lm';
import type { AlgoSpec, ParamSpec } from './types';

const SFT_RULE = [
  'next-token cross-entropy on a dataset (supervised fine-tuning)',
  'tokens  = [bos] prompt completion [eos]',
  'loss    = - sum_t m_t log p_theta(x_{t+1} | x_{<=t}) / sum_t m_t',
  'm_t     = 1 on completion tokens (and on prompt tokens when completion_only_loss is false)',
  'charts/perplexity = exp(loss)',
].join('\n');

export const SFT: AlgoSpec = {
  id: 'sft',
  name: 'Supervised fine-tuning (language model)',
  summary: 'Trains a small transformer language model to continue prompts with the dataset\'s completions: next-token cross-entropy.',
  explanation:
    'The first stage of RLHF (Ouyang et al. 2022): the model learns to imitate demonstrations. The data is the env\'s text task (`text/sort-digits`: a list of digits and the same digits sorted, ...) or a JSONL `dataset` in TRL\'s prompt-completion or language-modelling format. After every epoch it measures the held-out loss and perplexity and, on a text task, samples completions for held-out prompts and scores them with the task\'s reward (`eval/reward_mean`, the table of samples). The trained model is saved with the run (`model/`), where `reward_model`, `ppo_rlhf`, `dpo` and `grpo` start from it with `init_from`.\n\n' +
    `\`\`\`text\n${SFT_RULE}\n\`\`\`\n\nThe step of a run counts training sequences (n_timesteps is not used; n_epochs sets the length).`,
  actionSpaces: ['discrete'],
};

const sft = ['sft'] as const;

export interface SftHyperparameters extends LmHyperparameters {
  completion_only_loss: boolean;
}

export const SFT_PARAMS: readonly ParamSpec[] = [
  ...lmParams(sft),
  {
    key: 'completion_only_loss',
    type: 'bool',
    default: true,
    summary: 'Train only on completion tokens (true) or on the prompt too (false).',
    explanation:
      'TRL SFTTrainer\'s `completion_only_loss`. With true the model is never asked to predict the prompt (which the user supplies anyway) and all of its capacity goes to the answer. Ignored for `{"text": ...}` rows, which have no prompt: every token is trained on.',
    formula: 'loss = - sum_t m_t log p(x_{t+1} | x_{<=t}) / sum_t m_t',
    algos: sft,
  },
];
