/**
 * PPO for language models with the four models of RLHF (notes 001 §3, notes 002, 003;
 * deepspeed-chat; TRL PPOTrainer):
 *   actor      the policy being trained, initialised from `init_from` (the sft model);
 *   reference  a frozen copy of the initial actor, for the per-token KL penalty;
 *   critic     a copy of the reward model's LM and head when `reward_model` is set (as TRL's
 *              value model), else of the initial actor with a zero-initialised value head;
 *   reward     the trained reward model, a `reward_module`, or the text task's reward.
 *
 * One iteration (one rollout batch of batch_size completions):
 *   1. sample completions with the actor; log pi_old, log pi_ref, V_old per response token;
 *   2. score each completion; R_t = -kl_coef (log pi_old - log pi_ref), plus the clipped score on
 *      the last response token (losses/rewardShaping.ts);
 *   3. GAE over the response tokens (gamma, gae_lambda), returns = A + V_old (losses/gae.ts);
 *      advantages whitened over the batch's response tokens;
 *   4. n_epochs passes of shuffled minibatches (mini_batch_size): one Adam step on
 *      L = L_clip(actor) + vf_coef * L_value_clipped(critic) (losses/policyLoss.ts, valueLoss.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from '../../schema';
import type { PpoRlhfHyperparameters } from '../../schema/rlhf';
import { decodeFloat32, encodeTensor, isEncodedArray, type EncodedArray } from '../algos/checkpoint';
import { clippedPolicyLoss, clippedValueLoss, klShapedRewards, tokenGae, whitenMasked } from './losses';
import { tokenLogProbs, type TransformerLM } from './lm/model';
import type { IterationResult } from './lmLoop';
import { decodeLm, encodeLm, optimizerStep, permutation, rowsTensor, tensorRows, tokensTensor } from './lmTraining';
import { PolicyRlStage } from './policyRl';
import type { RewardKeys } from './rewardSource';

export class PpoRlhf extends PolicyRlStage {
  private readonly p: PpoRlhfHyperparameters;
  private critic!: TransformerLM;
  private valueW!: tf.Variable;
  private valueB!: tf.Variable;

  constructor(config: ResolvedConfig) {
    super(config);
    this.p = config.hyperparameters as unknown as PpoRlhfHyperparameters;
  }

  protected rewardKeys(): RewardKeys {
    return { reward_model: this.p.reward_model, reward_module: this.p.reward_module };
  }

  protected completionsPerIteration(): number {
    return this.p.batch_size;
  }

  protected prepareStage(): void {
    const rm = this.rewards.rewardModel;
    // TRL initialises the value model from the reward model: its head already scores completions.
    this.critic = rm ? rm.lm.clone() : this.actor.clone();
    const D = this.critic.cfg.dModel;
    const w = rm ? Float32Array.from(rm.head.w) : new Float32Array(D);
    // tf.variable takes its own reference to the initial tensor's data: tidy frees the initial ones.
    [this.valueW, this.valueB] = tf.tidy(() => [tf.variable(tf.tensor2d(w, [D, 1]), true), tf.variable(tf.tensor1d([rm ? rm.head.b : 0]), true)]);
  }

  /** V(s_t) for every scored position: the critic's hidden state at t through the value head, [B, T-1]. */
  private values(tokens: tf.Tensor2D): tf.Tensor2D {
    const [B, T] = tokens.shape;
    const D = this.critic.cfg.dModel;
    const h = tf.slice(this.critic.hidden(tokens), [0, 0, 0], [B, T - 1, D]);
    const v = tf.add(tf.matMul(tf.reshape(h, [B * (T - 1), D]) as tf.Tensor2D, this.valueW as unknown as tf.Tensor2D), this.valueB);
    return tf.reshape(v, [B, T - 1]) as tf.Tensor2D;
  }

  private valueRows(rows: readonly (readonly number[])[]): Float32Array[] {
    const out: Float32Array[] = [];
    for (let i = 0; i < rows.length; i += 64) {
      const t = tf.tidy(() => this.values(tokensTensor(rows.slice(i, i + 64))));
      out.push(...tensorRows(t));
      t.dispose();
    }
    return out;
  }

  protected iteration(progressRemaining: number): IterationResult {
    const p = this.p;
    const lr = this.setLearningRate(progressRemaining);
    const batch = this.rollout(this.prompts.next(p.batch_size));
    const oldValues = this.valueRows(batch.tokens);
    const shaped = klShapedRewards({ logProbs: batch.logProbs, refLogProbs: batch.refLogProbs, mask: batch.mask, scores: batch.scores, klCoef: p.kl_coef, clipRewardValue: p.clip_reward_value });
    const gae = tokenGae({ rewards: shaped.rewards, values: oldValues, mask: batch.mask, gamma: p.gamma, lambda: p.gae_lambda });
    const advantages = p.normalize_advantage ? whitenMasked(gae.advantages, batch.mask) : gae.advantages;

    const vars = [...this.actor.trainableVariables(), ...this.critic.trainableVariables(), this.valueW, this.valueB];
    const sums: Record<string, number> = {};
    let steps = 0;
    const B = batch.tokens.length;
    for (let epoch = 0; epoch < p.n_epochs; epoch++) {
      const order = permutation(B, () => this.shuffleRng.random());
      for (let start = 0; start < B; start += p.mini_batch_size) {
        const idx = order.slice(start, start + p.mini_batch_size);
        const pick = <T>(rows: readonly T[]): T[] => idx.map((i) => rows[i]);
        const out = optimizerStep(
          this.optimizer,
          vars,
          () => {
            const tokens = tokensTensor(pick(batch.tokens));
            const mask = rowsTensor(pick(batch.mask));
            const pol = clippedPolicyLoss({
              logProbs: tokenLogProbs(this.actor, tokens),
              oldLogProbs: rowsTensor(pick(batch.logProbs)),
              advantages: rowsTensor(pick(advantages)),
              mask,
              clipLow: p.clip_range,
              clipHigh: p.clip_range,
              aggregation: 'token_mean',
              ratioLevel: 'token',
            });
            const val = clippedValueLoss(this.values(tokens), rowsTensor(pick(oldValues)), rowsTensor(pick(gae.returns)), mask, p.clip_range_vf);
            const loss = tf.add(pol.loss, tf.mul(val.loss, p.vf_coef)) as tf.Scalar;
            return { loss, stats: { 'loss/policy': pol.policyLoss, 'loss/value': val.loss, 'policy/clipfrac': pol.clipFrac, 'val/clipfrac': val.clipFrac, 'policy/approxkl': pol.approxKl } };
          },
          this.h.max_grad_norm,
        );
        for (const [k, v] of Object.entries({ ...out.stats, 'loss/total': out.loss, 'policy/grad_norm': out.gradNorm })) sums[k] = (sums[k] ?? 0) + v;
        steps++;
      }
    }
    const metrics: Record<string, number> = { ...this.rolloutMetrics(batch), 'charts/learning_rate': lr };
    for (const [k, v] of Object.entries(sums)) metrics[k] = v / steps;
    const mean = (xs: ArrayLike<number>): number => Array.from(xs).reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    // TRL's names: the score alone, the KL part of the return, and their sum.
    metrics['objective/scores'] = mean(shaped.clippedScores);
    metrics['objective/non_score_reward'] = mean(shaped.nonScoreReward);
    metrics['objective/rlhf_reward'] = metrics['objective/scores'] + metrics['objective/non_score_reward'];
    let vSum = 0;
    let rSum = 0;
    let n = 0;
    batch.mask.forEach((m, b) => m.forEach((x, t) => x && (n++, (vSum += oldValues[b][t]), (rSum += gae.returns[b][t]))));
    metrics['val/mean'] = vSum / Math.max(1, n);
    metrics['val/returns_mean'] = rSum / Math.max(1, n);
    this.globalStep += B;
    return this.maybeEvaluate({ metrics, samples: this.samplesOf(batch), rewards: batch.scores });
  }

  protected override saveStageState(): Record<string, unknown> {
    return { critic: encodeLm(this.critic), valueW: encodeTensor(this.valueW), valueB: encodeTensor(this.valueB) };
  }

  protected override loadStageState(state: Record<string, unknown>): void {
    decodeLm(this.critic, state.critic, 'critic');
    for (const [v, saved] of [[this.valueW, state.valueW], [this.valueB, state.valueB]] as const) {
      if (!isEncodedArray(saved)) throw new Error('checkpoint has no value head');
      const t = tf.tensor(decodeFloat32(saved as EncodedArray), v.shape);
      v.assign(t);
      t.dispose();
    }
  }

  protected override disposeStage(): void {
    this.critic?.dispose();
    this.valueW?.dispose();
    this.valueB?.dispose();
  }
}
