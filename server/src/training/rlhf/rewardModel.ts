/**
 * The `reward_model` stage: a scalar head on the transformer's final hidden state at the last
 * real token (eos) of [bos] prompt completion [eos], trained on preference pairs with the
 * Bradley–Terry loss (Ouyang et al. 2022, eq. 1; TRL RewardTrainer):
 *
 *   r(x, y) = w . h_last + b
 *   loss    = - mean log sigmoid( r(x, y_chosen) - r(x, y_rejected) )
 *           = mean softplus( -(r_chosen - r_rejected) )                  (the stable form)
 *           [+ center_rewards_coefficient * mean( (r_chosen + r_rejected)^2 )]
 *
 * Metrics: rewards/accuracy (share of pairs ranked right), rewards/margin (mean r_c - r_r),
 * rewards/chosen, rewards/rejected, and the same on held-out pairs after each epoch (eval/*).
 * `RewardModel` is also what ppo_rlhf uses as its reward (loadRewardModel).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from '../../schema';
import type { RewardModelHyperparameters } from '../../schema/rewardModel';
import type { Algorithm } from '../algos/algorithm';
import type { AlgoCheckpoint, EncodedArray } from '../algos/checkpoint';
import { Rng } from '../rng';
import type { SampleRow, TrainHooks, TrainResult, TrainedPolicy } from '../types';
import { loadPreferenceDataset } from './data/jsonl';
import { encodeExample, lastTokenIndices, padRows, type EncodedExample } from './data/sequences';
import { splitHeldOut } from './data/split';
import { TransformerLM, type LmConfig } from './lm/model';
import { lmHyperparameters, startingModel, taskOf } from './lmConfig';
import { decodeWeights, encodeWeights } from './sft';
import { loadStageModel, saveStageModel, type RewardHeadWeights } from './stageModel';
import { writeLineage } from './initFrom';
import { SupervisedLoop, type LoopState } from './supervised';
import type { PreferencePair, TextTask } from './tasks';
import { createTokenizer, type Tokenizer, type TokenizerSpec } from './tokenizer';

/** -mean log sigmoid(rc - rr), as mean softplus(rr - rc) (no overflow for large margins). */
export function bradleyTerryLoss(rChosen: tf.Tensor1D, rRejected: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.softplus(tf.sub(rRejected, rChosen))) as tf.Scalar;
}

/** A language model with a scalar head: scores whole sequences. */
export class RewardModel {
  readonly w: tf.Variable;
  readonly b: tf.Variable;

  /** Takes ownership of `lm` (disposed with the reward model). */
  constructor(readonly lm: TransformerLM, readonly tokenizer: Tokenizer, head: RewardHeadWeights | undefined, seed: number) {
    const D = lm.cfg.dModel;
    let w = head?.w;
    if (!w) {
      const rng = Rng.stream(seed, 'rm-head');
      w = Array.from({ length: D }, () => 0.02 * rng.normal());
    }
    // tf.variable keeps its own reference to the data: free the initial tensors.
    const w0 = tf.tensor2d(w, [D, 1]);
    const b0 = tf.tensor1d([head?.b ?? 0]);
    this.w = tf.variable(w0, true);
    this.b = tf.variable(b0, true);
    w0.dispose();
    b0.dispose();
  }

  variables(): tf.Variable[] {
    // The LM's vocabulary head is not on the path to the score (it gets no gradient).
    return [...this.lm.bodyVariables(), this.w, this.b];
  }

  /**
   * Scores [B] of right-padded rows (int32 [B,T]), reading the hidden state at lastIdx[i].
   * Differentiable (the pick is a one-hot mask: tf.gather's gradient is missing on WASM).
   */
  scores(tokens: tf.Tensor2D, lastIdx: readonly number[]): tf.Tensor1D {
    const [B, T] = tokens.shape;
    const sel = new Float32Array(B * T);
    lastIdx.forEach((t, i) => (sel[i * T + t] = 1));
    const h = this.lm.hidden(tokens); // [B,T,D]
    const last = tf.sum(tf.mul(h, tf.tensor3d(sel, [B, T, 1])), 1) as tf.Tensor2D; // [B,D]
    return tf.reshape(tf.add(tf.matMul(last, this.w as unknown as tf.Tensor2D), this.b), [B]) as tf.Tensor1D;
  }

  /** Scores of token rows ([bos] prompt completion [eos], pads allowed at the end). */
  scoreRows(rows: readonly (readonly number[])[]): number[] {
    const out: number[] = [];
    for (let i = 0; i < rows.length; i += 64) {
      const chunk = rows.slice(i, i + 64);
      const { data, batch, length } = padRows(chunk, this.tokenizer.padId);
      const last = lastTokenIndices(chunk, this.tokenizer.padId);
      out.push(...tf.tidy(() => Array.from(this.scores(tf.tensor2d(data, [batch, length], 'int32'), last).dataSync())));
    }
    return out;
  }

  /** Scores of prompt/completion texts (tokenized here; eos appended). */
  scoreTexts(items: readonly { prompt: string; completion: string }[]): number[] {
    return this.scoreRows(items.map((it, i) => encodeExample(this.tokenizer, it.prompt, it.completion, this.lm.cfg.contextLength, `item ${i + 1}`).ids));
  }

  headWeights(): RewardHeadWeights {
    return { w: Array.from(this.w.dataSync()), b: this.b.dataSync()[0] };
  }

  dispose(): void {
    this.lm.dispose();
    this.w.dispose();
    this.b.dispose();
  }
}

/** The reward model a `reward_model` run saved (run folder or model folder). The caller disposes it. */
export function loadRewardModel(runOrModelDir: string): RewardModel {
  const m = loadStageModel(runOrModelDir);
  if (!m.rewardHead) {
    m.lm.dispose();
    throw new Error(`${runOrModelDir}: the saved model (stage '${m.stage}') has no reward head; name a reward_model run`);
  }
  return new RewardModel(m.lm, m.tokenizer, m.rewardHead, 0);
}

interface EncodedPair {
  chosen: EncodedExample;
  rejected: EncodedExample;
  pair: PreferencePair;
}

interface Prepared {
  rm: RewardModel;
  train: EncodedPair[];
  evalSet: EncodedPair[];
  loop: SupervisedLoop;
}

export class RewardModelStage implements Algorithm {
  private readonly h: RewardModelHyperparameters;
  private readonly task: TextTask | undefined;
  private prepared?: Prepared;

  constructor(private readonly config: ResolvedConfig) {
    this.h = lmHyperparameters(config) as RewardModelHyperparameters;
    this.task = taskOf(config);
    if (!this.task && !this.h.dataset) throw new Error(`env ${config.env} takes its data from \`dataset\`: set dataset to a JSONL file of prompt/chosen/rejected rows`);
  }

  private pairs(): { pairs: PreferencePair[]; where: (i: number) => string } {
    if (this.h.dataset) {
      const file = this.h.dataset;
      return { pairs: loadPreferenceDataset(file), where: (i) => `${file}: row ${i + 1}` };
    }
    const rng = Rng.stream(this.config.seed, 'lm-data');
    const task = this.task as TextTask;
    return { pairs: Array.from({ length: this.h.n_examples }, () => task.preferencePair(rng)), where: (i) => `${task.id}: pair ${i + 1}` };
  }

  private prepare(rm: RewardModel): Prepared {
    const { pairs, where } = this.pairs();
    const C = rm.lm.cfg.contextLength;
    const encoded = pairs.map((p, i) => ({
      chosen: encodeExample(rm.tokenizer, p.prompt, p.chosen, C, `${where(i)} (chosen)`),
      rejected: encodeExample(rm.tokenizer, p.prompt, p.rejected, C, `${where(i)} (rejected)`),
      pair: p,
    }));
    const { train, held } = splitHeldOut(encoded.length, this.h.eval_split, this.config.seed);
    const loop = new SupervisedLoop({ nTrain: train.length, batchSize: this.h.batch_size, nEpochs: this.h.n_epochs, learningRate: this.h.learning_rate, maxGradNorm: this.h.max_grad_norm, seed: this.config.seed });
    return { rm, train: train.map((i) => encoded[i]), evalSet: (held.length > 0 ? held : train.slice(0, 256)).map((i) => encoded[i]), loop };
  }

  private ensure(runDir: string | undefined): Prepared {
    if (!this.prepared) {
      const start = startingModel(this.config, runDir);
      // Which model the run started from ("fresh" or init_from's run), next to its model.
      writeLineage(runDir, { model: start.source });
      // Continuing a reward model keeps its head; an SFT model gets a fresh one.
      const head = start.extra?.rewardHead as RewardHeadWeights | undefined;
      const rm = new RewardModel(start.lm, start.tokenizer, head && head.w?.length === start.lm.cfg.dModel ? head : undefined, this.config.seed);
      try {
        this.prepared = this.prepare(rm);
      } catch (e) {
        rm.dispose();
        throw e;
      }
    }
    return this.prepared;
  }

  /** Scores of chosen and rejected rows of a batch of pairs (2B rows in one forward pass). */
  private pairScores(rm: RewardModel, batch: readonly EncodedPair[]): { rc: tf.Tensor1D; rr: tf.Tensor1D } {
    const rows = [...batch.map((p) => p.chosen.ids), ...batch.map((p) => p.rejected.ids)];
    const { data, batch: n, length } = padRows(rows, rm.tokenizer.padId);
    const r = rm.scores(tf.tensor2d(data, [n, length], 'int32'), lastTokenIndices(rows, rm.tokenizer.padId));
    const B = batch.length;
    return { rc: tf.slice(r, [0], [B]) as tf.Tensor1D, rr: tf.slice(r, [B], [B]) as tf.Tensor1D };
  }

  async learn(hooks: TrainHooks): Promise<TrainResult> {
    let p: Prepared;
    try {
      p = this.ensure(hooks.runDir);
    } catch (e) {
      return { status: 'failed', globalStep: 0, sps: 0, error: e instanceof Error ? e.message : String(e) };
    }
    const center = this.h.center_rewards_coefficient;
    const stage = {
      variables: () => p.rm.variables(),
      setTraining: (on: boolean) => {
        p.rm.lm.training = on;
      },
      loss: (batchIdx: number[]) => {
        const { rc, rr } = this.pairScores(p.rm, batchIdx.map((i) => p.train[i]));
        const bt = bradleyTerryLoss(rc, rr);
        const loss = (center ? tf.add(bt, tf.mul(center, tf.mean(tf.square(tf.add(rc, rr))))) : bt) as tf.Scalar;
        const diff = tf.sub(rc, rr);
        return {
          loss,
          metrics: {
            'losses/reward_loss': loss,
            'rewards/accuracy': tf.mean(tf.cast(tf.greater(diff, 0), 'float32')) as tf.Scalar,
            'rewards/margin': tf.mean(diff) as tf.Scalar,
            'rewards/chosen': tf.mean(rc) as tf.Scalar,
            'rewards/rejected': tf.mean(rr) as tf.Scalar,
          },
        };
      },
      evaluate: () => this.evaluate(p),
    };
    try {
      const result = await p.loop.run(stage, hooks, () => this.saveCheckpoint(), () => undefined);
      if (result.status !== 'failed' && hooks.runDir) {
        try {
          saveStageModel(hooks.runDir, 'reward_model', p.rm.lm, p.rm.tokenizer, p.rm.headWeights());
        } catch (e) {
          return { ...result, status: 'failed', error: `could not save the model: ${e instanceof Error ? e.message : String(e)}` };
        }
      }
      return result;
    } finally {
      this.dispose();
    }
  }

  /** Held-out pairs: eval/accuracy, eval/margin, eval/loss; logs a few scored completions. */
  private evaluate(p: Prepared): { metrics: Record<string, number>; samples: SampleRow['samples'] } {
    let right = 0;
    let margin = 0;
    let loss = 0;
    const scored: SampleRow['samples'] = [];
    for (let i = 0; i < p.evalSet.length; i += 64) {
      const batch = p.evalSet.slice(i, i + 64);
      const [rc, rr] = tf.tidy(() => {
        const s = this.pairScores(p.rm, batch);
        return [Array.from(s.rc.dataSync()), Array.from(s.rr.dataSync())];
      });
      rc.forEach((c, j) => {
        const d = c - rr[j];
        right += d > 0 ? 1 : 0;
        margin += d;
        // softplus(-d), stable for large |d|
        loss += Math.max(-d, 0) + Math.log1p(Math.exp(-Math.abs(d)));
        if (scored.length < this.h.n_log_samples) {
          const { prompt, chosen, rejected } = batch[j].pair;
          scored.push({ prompt, completion: chosen, reward: c });
          if (scored.length < this.h.n_log_samples) scored.push({ prompt, completion: rejected, reward: rr[j] });
        }
      });
    }
    const n = p.evalSet.length;
    return { metrics: { 'eval/accuracy': right / n, 'eval/margin': margin / n, 'eval/loss': loss / n }, samples: scored };
  }

  async saveCheckpoint(): Promise<AlgoCheckpoint> {
    const p = this.prepared;
    if (!p) throw new Error('reward_model: nothing to checkpoint before training starts');
    return p.loop.checkpoint(this.config, { lmConfig: p.rm.lm.cfg, tokenizer: p.rm.tokenizer.spec, weights: encodeWeights(p.rm.lm), head: p.rm.headWeights() });
  }

  async loadCheckpoint(c: AlgoCheckpoint): Promise<void> {
    const s = c.state as { lmConfig?: LmConfig; tokenizer?: TokenizerSpec; weights?: Record<string, EncodedArray>; head?: RewardHeadWeights; loop?: LoopState };
    if (!s.lmConfig || !s.tokenizer || !s.weights || !s.head || !s.loop) throw new Error('reward_model checkpoint is missing the model, its head or the loop state');
    this.dispose();
    const lm = new TransformerLM({ ...s.lmConfig, dropout: this.h.dropout }, this.config.seed);
    let rm: RewardModel | undefined;
    try {
      lm.setWeights(decodeWeights(s.weights));
      rm = new RewardModel(lm, createTokenizer(s.tokenizer), s.head, this.config.seed);
      this.prepared = this.prepare(rm);
    } catch (e) {
      if (rm) rm.dispose();
      else lm.dispose();
      throw e;
    }
    await this.prepared.loop.loadState(s.loop, c);
  }

  trainedPolicy(): TrainedPolicy | undefined {
    return undefined;
  }

  dispose(): void {
    this.prepared?.rm.dispose();
    this.prepared?.loop.dispose();
    this.prepared = undefined;
  }
}
