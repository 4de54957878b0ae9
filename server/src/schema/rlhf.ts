/**
 * The reinforcement-learning stages for language models: PPO with a KL-shaped reward
 * (ppo_rlhf), Direct Preference Optimization (dpo) and Group Relative Policy Optimization
 * (grpo, with its DAPO and GSPO variants). Formulas follow the study notes (notes 001 §3-4,
 * 002, 003) and the cited papers; names follow Hugging Face TRL where SB3 has none.
 * The shared LM keys (model size, data, sampling, optimizer) come from schema/lm.ts.
 */
import { lmParams } from './lm';
import type { LmHyperparameters } from './lm';
import type { AlgoSpec, ParamSpec } from './types';

// ---------------------------------------------------------------- ppo_rlhf

export const PPO_RLHF: AlgoSpec = {
  id: 'ppo_rlhf',
  name: 'PPO for language models (RLHF with a KL penalty)',
  summary: 'Four models: actor (from the SFT model), frozen reference, critic and reward; the per-token reward is a KL penalty to the reference plus the clipped score on the last token.',
  explanation:
    'Each iteration samples batch_size completions of task prompts with the actor, scores each with the reward (a trained reward model named by `reward_model`, a `reward_module`, or the text task\'s own reward), shapes per-token rewards with the KL penalty to the frozen reference, estimates advantages with GAE over the response tokens using the critic (a copy of the initial model with a scalar value head), then runs n_epochs of minibatch updates of the clipped policy loss and the clipped value loss (notes 001 §3.4, deepspeed-chat; TRL PPOTrainer). `n_timesteps` counts sampled completions. The trained actor is saved in the run folder (`model/`), so a later stage can start from it.',
  actionSpaces: ['discrete'],
};

const ppoRlhf = ['ppo_rlhf'] as const;

export interface PpoRlhfHyperparameters extends LmHyperparameters {
  reward_model: string | null;
  reward_module: string | null;
  kl_coef: number;
  clip_reward_value: number | null;
  clip_range: number;
  clip_range_vf: number | null;
  vf_coef: number;
  gamma: number;
  gae_lambda: number;
  mini_batch_size: number;
  normalize_advantage: boolean;
}

/** Where the score of a completion comes from (ppo_rlhf, grpo). */
const REWARD_MODULE: Omit<ParamSpec, 'algos'> = {
  key: 'reward_module',
  type: 'string',
  default: null,
  nullable: true,
  summary: 'A JavaScript or TypeScript module (relative to the experiment file) exporting your reward function.',
  explanation:
    'The module exports `default` (or `reward`) `function (prompt: string, completion: string): number`; the returned number is the score of the completion instead of the text task\'s own reward. It runs in the training process, only in a trusted workspace. A throw or a non-finite result fails the run with an error naming the module and the prompt. Go to Definition on the value opens the module.',
};

export const PPO_RLHF_PARAMS: readonly ParamSpec[] = [
  ...lmParams(ppoRlhf, {
    learning_rate: { default: 3e-4, explanation: 'Step size of the one Adam optimizer over the actor and the critic (TRL updates the policy-and-value wrapper together).' },
    batch_size: {
      default: 32,
      summary: 'Completions sampled per rollout batch (one PPO iteration).',
      explanation: 'Each iteration samples this many prompts, one completion each, scores them and computes advantages; then n_epochs passes of minibatch updates follow. Larger batches give steadier updates.',
    },
    n_epochs: {
      default: 4,
      sensible: [1, 8],
      summary: 'PPO epochs: passes over each rollout batch.',
      explanation: 'One batch of experience is reused for several updates (notes 001 §3.4.1 (5), "ppo_epochs"); the ratio clip keeps the actor close to the one that sampled it. `n_timesteps` (total completions) sets the training length.',
    },
    max_grad_norm: { default: 1 },
  }),
  {
    key: 'reward_model',
    type: 'string',
    default: null,
    nullable: true,
    summary: 'The reward model to score completions: a `reward_model` experiment of this file (its latest completed run) or a run id.',
    explanation:
      'Resolved like `init_from`. Its scalar score of (prompt, completion) is the reward, clipped to ±clip_reward_value. Null: the text task\'s programmatic reward, or `reward_module`. Go to Definition on the value jumps to that experiment.',
    algos: ppoRlhf,
  },
  { ...REWARD_MODULE, algos: ppoRlhf },
  {
    key: 'kl_coef',
    type: 'float',
    default: 0.1,
    min: 0,
    sensible: [0.01, 0.3],
    summary: 'Weight of the per-token KL penalty to the frozen reference (deepspeed-chat kl_ctl 0.1).',
    explanation:
      'Every response token earns -kl_coef times the log-ratio of the actor to the reference, so the actor is paid to stay close to the SFT model; the score of the whole completion is added on its last token (notes 001 §3.4.1 (3)). Larger values keep the policy closer to the reference (lower objective/kl, slower reward gains); 0 removes the constraint and invites reward hacking.',
    formula:
      'R_t = -kl_coef * (log pi(a_t|s_t) - log pi_ref(a_t|s_t))                     t < T\nR_T = -kl_coef * (log pi(a_T|s_T) - log pi_ref(a_T|s_T)) + clip(score, -c, c)   (notes 001, deepspeed-chat compute_rewards)',
    algos: ppoRlhf,
  },
  {
    key: 'clip_reward_value',
    type: 'float',
    default: 5,
    nullable: true,
    min: 0,
    minExclusive: true,
    sensible: [1, 10],
    summary: 'The score is clipped to ±this before it is added on the last token; null leaves it unclipped.',
    explanation: 'Bounds the effect of a reward model that is confidently wrong on an unusual completion (deepspeed-chat clip_reward_value 5).',
    formula: 'score_clipped = clamp(score, -clip_reward_value, clip_reward_value)',
    algos: ppoRlhf,
  },
  {
    key: 'clip_range',
    type: 'float',
    default: 0.2,
    min: 0,
    minExclusive: true,
    max: 1,
    sensible: [0.1, 0.3],
    summary: 'PPO ratio clip epsilon for the actor, per token.',
    explanation: 'Once the ratio of a token\'s probability under the updated actor to the rollout actor leaves [1 - epsilon, 1 + epsilon] in the direction its advantage favours, that token stops pushing the actor (notes 001 §3.4.1 (5)).',
    formula: 'r_t = pi(a_t|s_t) / pi_old(a_t|s_t)\nL_policy = sum_t max(-A_t r_t, -A_t clip(r_t, 1 - eps, 1 + eps)) m_t / sum_t m_t     (deepspeed-chat actor_loss_fn)',
    algos: ppoRlhf,
  },
  {
    key: 'clip_range_vf',
    type: 'float',
    default: 0.2,
    nullable: true,
    min: 0,
    minExclusive: true,
    sensible: [0.1, 1],
    summary: 'Critic clip: the new value may move at most this far from the rollout value (deepspeed-chat cliprange_value 0.2); null: plain squared error.',
    explanation: 'The larger of the clipped and unclipped squared errors is taken, so the critic cannot jump far on one batch (notes 001 §3.4.2).',
    formula: 'V_clip = clip(V, V_old - c, V_old + c)\nL_value = 0.5 * sum_t max((V - G_t)^2, (V_clip - G_t)^2) m_t / sum_t m_t      (deepspeed-chat critic_loss_fn)',
    algos: ppoRlhf,
  },
  {
    key: 'vf_coef',
    type: 'float',
    default: 0.1,
    min: 0,
    sensible: [0.05, 1],
    summary: 'Weight of the value loss in the combined loss (TRL default 0.1).',
    explanation: 'Actor and critic are separate networks updated by one optimizer on loss = L_policy + vf_coef * L_value.',
    formula: 'loss = L_policy + vf_coef * L_value',
    algos: ppoRlhf,
  },
  {
    key: 'gamma',
    type: 'float',
    default: 1,
    min: 0,
    max: 1,
    sensible: [0.95, 1],
    summary: 'Discount over response tokens (1: no discount, as deepspeed-chat and TRL).',
    explanation: 'A completion is short and the score comes at its end, so every token is usually credited with the undiscounted future reward.',
    formula: 'delta_t = R_t + gamma * V_{t+1} - V_t',
    algos: ppoRlhf,
  },
  {
    key: 'gae_lambda',
    type: 'float',
    default: 0.95,
    min: 0,
    max: 1,
    sensible: [0.9, 1],
    summary: 'GAE lambda over response tokens.',
    explanation: 'Computed backwards from the last response token, where the episode ends (no bootstrap); returns = advantages + values are the critic\'s targets (notes 001 §3.4.1 (4)).',
    formula: 'A_t = delta_t + gamma * lambda * A_{t+1},   A_{T+1} = 0\nG_t = A_t + V_t',
    algos: ppoRlhf,
  },
  {
    key: 'mini_batch_size',
    type: 'int',
    default: 8,
    min: 1,
    max: 4096,
    sensible: [4, 64],
    summary: 'Completions per gradient step inside each PPO epoch.',
    explanation: 'The rollout batch is shuffled each epoch and cut into minibatches of this size (a last partial one is used too).',
    algos: ppoRlhf,
  },
  {
    key: 'normalize_advantage',
    type: 'bool',
    default: true,
    summary: 'Whiten the advantages over all response tokens of the batch (TRL masked_whiten).',
    explanation: 'Zero mean, unit standard deviation over the masked tokens: makes the step size independent of the reward scale.',
    formula: 'A_t <- (A_t - mean(A)) / (std(A) + 1e-8)   over response tokens',
    algos: ppoRlhf,
  },
];

// ---------------------------------------------------------------- dpo

export const DPO: AlgoSpec = {
  id: 'dpo',
  name: 'Direct Preference Optimization',
  summary: 'Fits the policy to preference pairs directly, with a frozen copy of the initial model as reference; no reward model, no sampling.',
  explanation:
    'For each (prompt, chosen, rejected) pair the implicit reward of a response is beta times the log-ratio of the policy to the reference; the loss is the Bradley-Terry negative log-likelihood that the chosen response wins (Rafailov et al. 2023; notes 001 §4, notes 002). Pairs come from the text task\'s preference generator or a `dataset` JSONL file (`prompt`/`chosen`/`rejected`). Trains n_epochs over the pairs; eval/rewards/accuracies is measured on held-out pairs. The trained policy is saved in the run folder (`model/`).',
  actionSpaces: ['discrete'],
};

const dpo = ['dpo'] as const;

export interface DpoHyperparameters extends LmHyperparameters {
  beta: number;
  label_smoothing: number;
}

export const DPO_PARAMS: readonly ParamSpec[] = [
  ...lmParams(dpo, {
    learning_rate: { default: 1e-3 },
    batch_size: { default: 32, summary: 'Preference pairs per gradient step.' },
    n_epochs: { default: 3, summary: 'Passes over the training pairs.', explanation: 'The step counter counts training pairs, so `n_timesteps` is not used: total steps = n_epochs x training pairs.' },
    n_examples: { default: 1000, summary: 'Without `dataset`: how many preference pairs the text task generates.' },
  }),
  {
    key: 'beta',
    type: 'float',
    default: 0.1,
    min: 0,
    minExclusive: true,
    sensible: [0.01, 0.5],
    summary: 'DPO temperature: how strongly the policy may move away from the reference to fit the preferences.',
    explanation:
      'beta scales the implicit reward r(x, y) = beta log(pi(y|x) / pi_ref(y|x)). It plays the role of the KL coefficient of RLHF: small beta lets the policy drift far from the reference, large beta keeps it close. TRL default 0.1.',
    formula:
      'L_DPO = -E[ log sigma( beta log(pi(y_w|x) / pi_ref(y_w|x)) - beta log(pi(y_l|x) / pi_ref(y_l|x)) ) ]     (Rafailov et al. 2023, eq. 7)\nrewards/chosen = beta (log pi(y_w|x) - log pi_ref(y_w|x)),  rewards/margins = rewards/chosen - rewards/rejected',
    algos: dpo,
  },
  {
    key: 'label_smoothing',
    type: 'float',
    default: 0,
    min: 0,
    max: 0.5,
    sensible: [0, 0.2],
    summary: 'Assumed share of flipped preference labels (conservative DPO); 0 is plain DPO.',
    explanation: 'With label noise eps the loss mixes in the flipped pair: robust to noisy preferences (Mitchell 2023, "cDPO"; TRL label_smoothing).',
    formula: 'L = -(1 - eps) log sigma(h) - eps log sigma(-h),   h = beta [ log-ratio(y_w) - log-ratio(y_l) ]',
    algos: dpo,
  },
];

// ---------------------------------------------------------------- grpo

export const GRPO: AlgoSpec = {
  id: 'grpo',
  name: 'Group Relative Policy Optimization (with DAPO and GSPO variants)',
  summary: 'Samples G completions per prompt and uses each one\'s reward standardized within its group as the advantage: no critic.',
  explanation:
    'Each iteration draws batch_size / num_generations prompts, samples num_generations completions of each, scores them, and standardizes the rewards within each group (Shao et al. 2024, DeepSeekMath). The clipped ratio objective is optimized for n_epochs, with an optional KL penalty to the frozen reference (k3 estimator, beta). `loss_type` picks the variant: grpo (sequence-level averaging), dapo (token-level averaging, use with clip_range_high for "clip-higher"; Yu et al. 2025), dr_grpo (no length normalization; Liu et al. 2025) or gspo (sequence-level, length-normalized importance ratio; Zheng et al. 2025). `n_timesteps` counts sampled completions. The trained policy is saved in the run folder (`model/`).',
  actionSpaces: ['discrete'],
};

const grpo = ['grpo'] as const;

export type GrpoLossType = 'grpo' | 'dapo' | 'dr_grpo' | 'gspo';

export interface GrpoHyperparameters extends LmHyperparameters {
  num_generations: number;
  beta: number;
  loss_type: GrpoLossType;
  clip_range: number;
  clip_range_high: number | null;
  scale_rewards: boolean;
  dynamic_sampling: boolean;
  reward_module: string | null;
}

export const GRPO_PARAMS: readonly ParamSpec[] = [
  ...lmParams(grpo, {
    learning_rate: { default: 3e-4 },
    batch_size: {
      default: 32,
      summary: 'Completions per iteration (a multiple of num_generations): batch_size / num_generations prompts.',
      explanation: 'TRL counts the batch in completions too. Every iteration samples them, scores them and takes n_epochs gradient steps on the whole batch.',
    },
    n_epochs: {
      default: 1,
      sensible: [1, 4],
      summary: 'Gradient steps per batch of completions (GRPO\'s mu; TRL num_iterations).',
      explanation: 'With 1 the ratio is exactly 1 at the step and clipping never acts; more reuse the samples, with the clip keeping the policy near the sampler. `n_timesteps` (total completions) sets the training length.',
    },
  }),
  {
    key: 'num_generations',
    type: 'int',
    default: 8,
    min: 2,
    max: 256,
    sensible: [4, 16],
    summary: 'G: completions sampled per prompt; a group\'s rewards are standardized among themselves.',
    explanation: 'The group mean replaces the critic as the baseline. Larger groups give a better baseline and fewer groups whose rewards are all equal (frac_reward_zero_std).',
    formula: 'A_i = (r_i - mean(r_1..r_G)) / (std(r_1..r_G) + 1e-4)        (Shao et al. 2024, §4.1.2; TRL GRPOTrainer)',
    algos: grpo,
  },
  {
    key: 'beta',
    type: 'float',
    default: 0.04,
    min: 0,
    sensible: [0, 0.1],
    summary: 'Weight of the KL penalty to the frozen reference (k3 estimator); 0 disables it and the reference model.',
    explanation: 'DeepSeekMath uses 0.04; DAPO and Dr. GRPO drop it (0). objective/kl is logged either way.',
    formula: 'k3 = pi_ref/pi - log(pi_ref/pi) - 1 = exp(d) - d - 1,  d = log pi_ref(o_t) - log pi(o_t)     (Schulman, "Approximating KL divergence")\nloss = L_clip + beta * mean k3',
    algos: grpo,
  },
  {
    key: 'loss_type',
    type: 'enum',
    default: 'grpo',
    values: ['grpo', 'dapo', 'dr_grpo', 'gspo'],
    summary: 'Variant: grpo (mean per sequence, then over sequences), dapo (mean over all tokens), dr_grpo (sum / (B * L_max)), gspo (sequence-level ratio).',
    explanation:
      'grpo averages each completion\'s token losses first, so a token of a long completion counts less. dapo averages over every token of the batch (token-level loss), so long completions count in proportion to their length. dr_grpo divides by a constant instead, removing the length bias entirely. gspo uses one importance ratio per completion, the geometric mean of its token ratios, clipped with a much smaller range (set clip_range ~3e-4, clip_range_high ~4e-4).',
    formula:
      'grpo:    L = (1/G) sum_i (1/|o_i|) sum_t l_{i,t}\ndapo:    L = sum_i sum_t l_{i,t} / sum_i |o_i|\ndr_grpo: L = sum_i sum_t l_{i,t} / (G * L_max)\ngspo:    s_i = exp( (1/|o_i|) sum_t log(pi(o_{i,t}) / pi_old(o_{i,t})) ),  l_i = -min(s_i A_i, clip(s_i, 1 - eps_low, 1 + eps_high) A_i)\nl_{i,t} = -min(r_{i,t} A_i, clip(r_{i,t}, 1 - eps_low, 1 + eps_high) A_i) + beta k3_{i,t}',
    algos: grpo,
  },
  {
    key: 'clip_range',
    type: 'float',
    default: 0.2,
    min: 0,
    minExclusive: true,
    max: 1,
    sensible: [0.0001, 0.3],
    summary: 'Lower clip epsilon (eps_low); also the upper one unless clip_range_high is set.',
    explanation: 'The ratio is clipped to [1 - clip_range, 1 + clip_range_high]. GSPO needs far smaller values (3e-4) because its ratio is a per-token geometric mean.',
    formula: 'clip(r, 1 - eps_low, 1 + eps_high)',
    algos: grpo,
  },
  {
    key: 'clip_range_high',
    type: 'float',
    default: null,
    nullable: true,
    min: 0,
    minExclusive: true,
    max: 1,
    sensible: [0.0001, 0.3],
    summary: 'Upper clip epsilon (eps_high); null: same as clip_range. DAPO "clip-higher" uses 0.28 with clip_range 0.2.',
    explanation: 'A larger upper bound lets the probability of unlikely but good tokens grow faster, which keeps the policy from collapsing to low entropy (Yu et al. 2025, DAPO).',
    algos: grpo,
  },
  {
    key: 'scale_rewards',
    type: 'bool',
    default: true,
    summary: 'Divide the group-centred rewards by the group std (false: Dr. GRPO, centring only).',
    explanation: 'Scaling by the std gives groups with nearly equal rewards large advantages (question-difficulty bias, Liu et al. 2025).',
    formula: 'scale: A_i = (r_i - mean_g) / (std_g + 1e-4);   no scale: A_i = r_i - mean_g',
    algos: grpo,
  },
  {
    key: 'dynamic_sampling',
    type: 'bool',
    default: false,
    summary: 'Leave out groups whose rewards are all equal (DAPO dynamic sampling).',
    explanation: 'Such groups have zero advantage everywhere, so they only dilute the token-level average; DAPO filters them out (and samples more, which RL Lab does not: the batch just gets smaller).',
    algos: grpo,
  },
  { ...REWARD_MODULE, algos: grpo },
];
