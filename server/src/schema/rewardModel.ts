import { lmParams, type LmHyperparameters } from './lm';
import type { AlgoSpec, ParamSpec } from './types';

const RM_RULE = [
  'r_theta(x, y) = w . h_T + b      h_T: final hidden state at the last real token of [bos] x y [eos]',
  'loss = - mean log sigmoid( r(x, y_chosen) - r(x, y_rejected) )       (Bradley-Terry; Ouyang et al. 2022)',
  '     + center_rewards_coefficient * mean( (r_chosen + r_rejected)^2 )   (optional; TRL RewardTrainer)',
  'rewards/accuracy = mean[ r_chosen > r_rejected ]     rewards/margin = mean( r_chosen - r_rejected )',
].join('\n');

export const REWARD_MODEL: AlgoSpec = {
  id: 'reward_model',
  name: 'Reward model (Bradley-Terry, language model)',
  summary: 'Trains a scalar reward head on a transformer language model so that preferred completions score higher than rejected ones.',
  explanation:
    'The second stage of RLHF. Each example is a prompt with a chosen and a rejected completion: the env\'s text task generates them (the chosen one has the higher task reward) or a JSONL `dataset` in TRL\'s preference format gives them. The model reads prompt and completion and a linear head turns the final hidden state at the last real token (eos) into a score; the Bradley-Terry loss pushes the chosen score above the rejected one. With `init_from` (usually the SFT run) the body starts from that model; otherwise from a fresh one of the size given here. Held-out pairs measure `eval/accuracy` after every epoch; `ppo_rlhf` uses the saved model (`model/`) as its reward.\n\n' +
    `\`\`\`text\n${RM_RULE}\n\`\`\`\n\nThe step of a run counts training pairs (n_timesteps is not used; n_epochs sets the length).`,
  actionSpaces: ['discrete'],
};

const rm = ['reward_model'] as const;

export interface RewardModelHyperparameters extends LmHyperparameters {
  center_rewards_coefficient: number | null;
}

export const REWARD_MODEL_PARAMS: readonly ParamSpec[] = [
  ...lmParams(rm, {
    batch_size: { default: 16, summary: 'Preference pairs per gradient step.' },
    n_epochs: { default: 5 },
    learning_rate: { default: 5e-4 },
    n_log_samples: {
      summary: 'Held-out pairs logged (samples.jsonl, the dashboard\'s table) at each evaluation, with the chosen completion\'s score.',
      explanation: 'Each row shows the prompt, the chosen completion and its reward-model score.',
    },
  }),
  {
    key: 'center_rewards_coefficient',
    type: 'float',
    default: null,
    nullable: true,
    min: 0,
    sensible: [0.001, 0.1],
    summary: 'Pulls the mean score towards 0 (TRL RewardConfig); null disables.',
    explanation:
      'The Bradley-Terry loss only sees score differences, so the scores can drift by any constant. This small penalty on (r_chosen + r_rejected)^2 keeps them centred near 0, which makes the reward scale predictable for PPO (Eisenstein et al. 2023).',
    formula: 'loss += center_rewards_coefficient * mean( (r_chosen + r_rejected)^2 )',
    algos: rm,
  },
];
