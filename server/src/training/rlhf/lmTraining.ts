/**
 * Small pieces the language-model RL stages (ppo_rlhf, grpo, dpo) share: token rows to tensors,
 * per-token values read back as rows, the response-token mask in tokenLogProbs alignment, one
 * Adam step with global-norm clipping that also returns the loss's statistics, and LM weights
 * in checkpoints.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeFloat32, encodeArray, type EncodedArray } from '../algos/checkpoint';
import { tokenLogProbs, type TransformerLM } from './lm/model';

/** Rows (equal length) as an int32 [B, T] tensor. */
export function tokensTensor(rows: readonly (readonly number[])[]): tf.Tensor2D {
  const T = rows[0]?.length ?? 0;
  const data = new Int32Array(rows.length * T);
  rows.forEach((r, i) => data.set(r, i * T));
  return tf.tensor2d(data, [rows.length, T], 'int32');
}

/** Float rows (equal length) as a float32 [B, L] tensor. */
export function rowsTensor(rows: readonly ArrayLike<number>[]): tf.Tensor2D {
  const L = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * L);
  rows.forEach((r, i) => data.set(Array.from(r), i * L));
  return tf.tensor2d(data, [rows.length, L]);
}

/** A [B, L] tensor back into B rows (copies). */
export function tensorRows(t: tf.Tensor2D): Float32Array[] {
  const [B, L] = t.shape;
  const data = t.dataSync() as Float32Array;
  return Array.from({ length: B }, (_, b) => data.slice(b * L, (b + 1) * L));
}

/**
 * The response mask in tokenLogProbs alignment: column t scores token t+1, so it counts when
 * token t+1 was generated. [B][T] -> [B][T-1].
 */
export function actionMask(responseMask: readonly (readonly number[])[]): Float32Array[] {
  return responseMask.map((m) => Float32Array.from(m.slice(1)));
}

/** log pi(token_{t+1} | tokens_{<=t}) per row, no gradient: [B][T-1]. Evaluated in chunks of `chunk` rows. */
export function logProbRows(lm: TransformerLM, rows: readonly (readonly number[])[], chunk = 64): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const t = tf.tidy(() => tokenLogProbs(lm, tokensTensor(part)));
    out.push(...tensorRows(t));
    t.dispose();
  }
  return out;
}

/** Statistics a loss function reports beside the loss (scalars, read after the step). */
export type LossStats = Record<string, tf.Scalar>;

/**
 * One optimizer step on `vars`: gradients of `lossFn`, clipped to a global L2 norm of
 * `maxGradNorm` (torch clip_grad_norm_; null: no clipping), applied with `optimizer`. Returns the
 * loss, the gradient norm before clipping and every statistic the loss function reported, as
 * numbers. Tensors made here are all freed.
 */
export function optimizerStep(
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  lossFn: () => { loss: tf.Scalar; stats: LossStats },
  maxGradNorm: number | null,
): { loss: number; gradNorm: number; stats: Record<string, number> } {
  const kept: LossStats = {};
  const { value, grads } = tf.variableGrads(() => {
    const out = lossFn();
    for (const [k, v] of Object.entries(out.stats)) kept[k] = tf.keep(v);
    return out.loss;
  }, vars);
  const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
  const gradNorm = norm.dataSync()[0];
  const scale = maxGradNorm !== null && gradNorm > maxGradNorm ? maxGradNorm / (gradNorm + 1e-6) : 1;
  const applied: tf.NamedTensorMap = {};
  for (const [k, g] of Object.entries(grads)) applied[k] = scale === 1 ? g : tf.mul(g, scale);
  optimizer.applyGradients(applied);
  const stats: Record<string, number> = {};
  for (const [k, v] of Object.entries(kept)) stats[k] = v.dataSync()[0];
  const loss = value.dataSync()[0];
  tf.dispose([value, norm, ...Object.values(grads), ...Object.values(kept)]);
  if (scale !== 1) tf.dispose(Object.values(applied));
  return { loss, gradNorm, stats };
}

/** An LM's weights for a checkpoint. */
export function encodeLm(lm: TransformerLM): Record<string, EncodedArray> {
  return Object.fromEntries(Object.entries(lm.getWeights()).map(([k, v]) => [k, encodeArray(v)]));
}

export function decodeLm(lm: TransformerLM, saved: unknown, what: string): void {
  if (typeof saved !== 'object' || saved === null) throw new Error(`checkpoint has no ${what} weights`);
  const weights: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(saved as Record<string, EncodedArray>)) weights[k] = decodeFloat32(v);
  lm.setWeights(weights);
}

/** Mean and population std of a list (0, 0 for an empty one). */
export function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  const n = xs.length;
  if (!n) return { mean: 0, std: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / n) };
}

/** Fisher–Yates permutation of 0..n-1 with the given uniform source. */
export function permutation(n: number, random: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
