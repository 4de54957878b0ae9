/**
 * Which logged metrics are an RLHF run's reward and KL, for the dashboard's "reward & KL"
 * chart (two y axes: the reward rises while the KL to the reference policy is the price paid,
 * so they are read together). Names as our stages log them (server/src/training/rlhf/,
 * after TRL): ppo_rlhf and grpo `env/reward_mean` (task reward of the sampled completions) and
 * `objective/kl`, ppo_rlhf also `objective/rlhf_reward`; dpo `rewards/margins` (its KL is
 * implicit); reward_model `rewards/margin`; sft `eval/reward_mean`; TRL's GRPO `reward`, `kl`.
 * The first name present wins.
 */
export const RLHF_REWARD_METRICS = [
  'env/reward_mean',
  'objective/rlhf_reward',
  'objective/scores',
  'rewards/margins',
  'rewards/margin',
  'eval/reward_mean',
  'reward',
] as const;
export const RLHF_KL_METRICS = ['objective/kl', 'kl', 'objective/approx_kl'] as const;

/** The language-model stages, which log sampled completions (samples.jsonl) as they train. */
export const SAMPLING_ALGOS: readonly string[] = ['ppo_rlhf', 'grpo', 'dpo', 'sft', 'reward_model'];

/** The chart key (a `data-metric` value) of the reward & KL chart. */
export const REWARD_KL_CHART = 'reward & KL';

/**
 * The reward and KL metrics among `names`, or undefined when there is no RLHF reward. The KL
 * may be missing (DPO): the chart then draws the reward alone.
 */
export function rewardKlPair(names: ReadonlySet<string>): { reward: string; kl?: string } | undefined {
  const reward = RLHF_REWARD_METRICS.find((m) => names.has(m));
  if (!reward) return undefined;
  const kl = RLHF_KL_METRICS.find((m) => names.has(m));
  return kl ? { reward, kl } : { reward };
}
