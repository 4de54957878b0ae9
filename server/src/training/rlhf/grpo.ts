/**
 * GRPO (Shao et al. 2024, DeepSeekMath §4): no critic. Each iteration draws
 * batch_size / num_generations prompts, samples num_generations (G) completions of each with
 * the actor, scores them, and gives every completion its reward standardized within its group
 * as the advantage of all its tokens. Then n_epochs gradient steps on the clipped ratio
 * objective with an optional k3 KL penalty to the frozen reference (losses/policyLoss.ts).
 *
 * Variants (`loss_type`): grpo averages per sequence then over sequences; dapo averages over all
 * tokens, with clip_range_high for DAPO's clip-higher and dynamic_sampling to drop groups whose
 * rewards are all equal (Yu et al. 2025); dr_grpo divides by B * L_max and scale_rewards: false
 * removes the std (Liu et al. 2025); gspo uses the sequence-level, length-normalized ratio
 * (Zheng et al. 2025). Metric names follow TRL's GRPOTrainer where it has them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from '../../schema';
import type { GrpoHyperparameters } from '../../schema/rlhf';
import { clippedPolicyLoss, groupAdvantages, type LossAggregation } from './losses';
import { tokenLogProbs } from './lm/model';
import type { IterationResult } from './lmLoop';
import { optimizerStep, rowsTensor, tokensTensor } from './lmTraining';
import { PolicyRlStage } from './policyRl';
import type { RewardKeys } from './rewardSource';

const AGGREGATION: Readonly<Record<GrpoHyperparameters['loss_type'], LossAggregation>> = {
  grpo: 'sequence_mean',
  gspo: 'sequence_mean',
  dapo: 'token_mean',
  dr_grpo: 'sum_over_max_len',
};

export class GRPO extends PolicyRlStage {
  private readonly g: GrpoHyperparameters;

  constructor(config: ResolvedConfig) {
    super(config);
    this.g = config.hyperparameters as unknown as GrpoHyperparameters;
    if (this.g.batch_size % this.g.num_generations !== 0) {
      throw new Error(`grpo: batch_size (${this.g.batch_size}) must be a multiple of num_generations (${this.g.num_generations}): each prompt gets num_generations completions`);
    }
  }

  protected rewardKeys(): RewardKeys {
    return { reward_module: this.g.reward_module };
  }

  protected prepareStage(): void {}

  protected completionsPerIteration(): number {
    return this.g.batch_size;
  }

  protected iteration(progressRemaining: number): IterationResult {
    const G = this.g.num_generations;
    const lr = this.setLearningRate(progressRemaining);
    const prompts = this.prompts.next(this.g.batch_size / G).flatMap((p) => Array<string>(G).fill(p));
    const batch = this.rollout(prompts);
    const adv = groupAdvantages(batch.scores, G, this.g.scale_rewards);
    // DAPO dynamic sampling: groups with equal rewards carry no signal; leave them out.
    let rows = batch.tokens.map((_, i) => i);
    if (this.g.dynamic_sampling) {
      rows = rows.filter((i) => {
        const g0 = Math.floor(i / G) * G;
        return batch.scores.slice(g0, g0 + G).some((s) => s !== batch.scores[g0]);
      });
    }
    const metrics: Record<string, number> = {
      ...this.rolloutMetrics(batch),
      frac_reward_zero_std: adv.fracRewardZeroStd,
      reward_std: adv.meanGroupStd,
      'charts/learning_rate': lr,
    };
    const clipHigh = this.g.clip_range_high ?? this.g.clip_range;
    const sums: Record<string, number> = {};
    let steps = 0;
    if (rows.length > 0) {
      const tokens = rows.map((i) => batch.tokens[i]);
      for (let epoch = 0; epoch < this.g.n_epochs; epoch++) {
        const out = optimizerStep(
          this.optimizer,
          this.actor.trainableVariables(),
          () => {
            const logProbs = tokenLogProbs(this.actor, tokensTensor(tokens));
            const r = clippedPolicyLoss({
              logProbs,
              oldLogProbs: rowsTensor(rows.map((i) => batch.logProbs[i])),
              refLogProbs: rowsTensor(rows.map((i) => batch.refLogProbs[i])),
              klBeta: this.g.beta,
              advantages: tf.tensor2d(rows.map((i) => adv.advantages[i]), [rows.length, 1]),
              mask: rowsTensor(rows.map((i) => batch.mask[i])),
              clipLow: this.g.clip_range,
              clipHigh,
              aggregation: AGGREGATION[this.g.loss_type],
              ratioLevel: this.g.loss_type === 'gspo' ? 'sequence' : 'token',
            });
            return {
              loss: r.loss,
              stats: { 'loss/policy': r.policyLoss, 'policy/clipfrac': r.clipFrac, 'clip_ratio/low_mean': r.clipLowFrac, 'clip_ratio/high_mean': r.clipHighFrac, 'policy/approxkl': r.approxKl, kl: r.refKl },
            };
          },
          this.h.max_grad_norm,
        );
        for (const [k, v] of Object.entries({ ...out.stats, 'loss/total': out.loss, 'policy/grad_norm': out.gradNorm })) sums[k] = (sums[k] ?? 0) + v;
        steps++;
      }
    }
    for (const [k, v] of Object.entries(sums)) metrics[k] = v / steps;
    this.globalStep += batch.completions.length;
    return this.maybeEvaluate({ metrics, samples: this.samplesOf(batch), rewards: batch.scores });
  }
}
