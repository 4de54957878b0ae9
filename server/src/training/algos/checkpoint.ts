/**
 * Checkpoints: everything an algorithm needs to continue training exactly where it stopped.
 *
 * The contract for algorithms (PPO implements it; new algorithms follow it):
 *
 *   saveCheckpoint(): Promise<AlgoCheckpoint>   a JSON-safe snapshot (tensors as EncodedArray)
 *   loadCheckpoint(c: AlgoCheckpoint): Promise<void>   called right after construction with the
 *                                                     same config, before learn()
 *
 * An AlgoCheckpoint has a common part, filled by the shared learn loop (`globalStep`,
 * `recentReturns`, `elapsedSeconds`), and `state`, which is the algorithm's own: network
 * parameters, optimizer state (Adam moments and step count), RNG streams, normalization
 * statistics, schedule progress. `policy` is the deterministic policy network in a plain
 * layer list, which the TensorFlow.js export reads without rebuilding the algorithm.
 *
 * The helpers below do the fiddly parts: float arrays as base64 (exact, a third of the size
 * of decimal JSON), a tf.Variable's values, an optimizer's weights, Rng streams.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../../schema';
import type { VecNormalizeState } from '../envs/vecNormalize';
import { isRngState, type Rng, type RngState } from '../rng';

/** Bumped when the file layout changes incompatibly; readers refuse other versions. */
export const CHECKPOINT_VERSION = 1;

/** A typed array as base64 of its little-endian bytes (every supported platform is little-endian). */
export interface EncodedArray {
  dtype: 'float32' | 'int32';
  shape: number[];
  data: string;
}

/** One dense layer of an exported policy, row-major [inDim, outDim] (x @ W + b). */
export interface PolicyLayer {
  inDim: number;
  outDim: number;
  activation: Activation | 'linear';
  kernel: EncodedArray;
  bias: EncodedArray;
}

/**
 * The deterministic policy as plain layers: observation (normalized with `normalization`
 * when present) -> logits (categorical: action = argmax) or Gaussian mean (box: clipped to
 * the action bounds).
 */
export interface PolicyNetwork {
  obsDim: number;
  distribution: 'categorical' | 'gaussian';
  /** Number of actions (categorical) or action dimensions (gaussian). */
  actionDim: number;
  /** Box bounds for the Gaussian mean. */
  actionLow?: number[];
  actionHigh?: number[];
  layers: PolicyLayer[];
  normalization?: VecNormalizeState;
}

export interface AlgoCheckpoint {
  version: typeof CHECKPOINT_VERSION;
  algo: string;
  env: string;
  /** Env steps done when the snapshot was taken (summed over envs). */
  globalStep: number;
  /** Returns of the last episodes (the mean-return window), so meanReturn continues. */
  recentReturns: number[];
  /** Training wall time so far, so charts/SPS continues across a resume. */
  elapsedSeconds: number;
  /** ISO time the snapshot was taken. */
  savedAt: string;
  /** The algorithm's own state (parameters, optimizer, RNGs, ...). */
  state: Record<string, unknown>;
  policy?: PolicyNetwork;
}

/** What the shared learn loop and the run store need from an algorithm. */
export interface Checkpointable {
  saveCheckpoint(): Promise<AlgoCheckpoint>;
  loadCheckpoint(checkpoint: AlgoCheckpoint): Promise<void>;
}

export function isAlgoCheckpoint(x: unknown): x is AlgoCheckpoint {
  const c = x as Partial<AlgoCheckpoint> | null;
  return (
    !!c &&
    c.version === CHECKPOINT_VERSION &&
    typeof c.algo === 'string' &&
    typeof c.env === 'string' &&
    typeof c.globalStep === 'number' &&
    Array.isArray(c.recentReturns) &&
    typeof c.state === 'object' &&
    c.state !== null
  );
}

// ---------------------------------------------------------------- arrays

export function encodeArray(values: Float32Array | Int32Array, shape: number[] = [values.length]): EncodedArray {
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return { dtype: values instanceof Int32Array ? 'int32' : 'float32', shape, data: bytes.toString('base64') };
}

export function decodeFloat32(e: EncodedArray): Float32Array {
  if (e.dtype !== 'float32') throw new Error(`expected a float32 array, got ${e.dtype}`);
  const bytes = Buffer.from(e.data, 'base64');
  // Copy into a fresh, aligned buffer (Buffer's pool offset need not be a multiple of 4).
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  const expected = e.shape.reduce((a, b) => a * b, 1);
  if (out.length !== expected) throw new Error(`array has ${out.length} values, its shape [${e.shape}] needs ${expected}`);
  return out;
}

export function isEncodedArray(x: unknown): x is EncodedArray {
  const e = x as Partial<EncodedArray> | null;
  return !!e && (e.dtype === 'float32' || e.dtype === 'int32') && Array.isArray(e.shape) && typeof e.data === 'string';
}

// ---------------------------------------------------------------- tensors

export function encodeTensor(t: tf.Tensor): EncodedArray {
  return encodeArray(t.dataSync() as Float32Array, [...t.shape]);
}

/** Overwrites a variable with saved values; the shapes must agree (same config, same layout). */
export function assignVariable(v: tf.Variable, saved: EncodedArray, what: string): void {
  if (saved.shape.join(',') !== v.shape.join(',')) {
    throw new Error(`checkpoint ${what} has shape [${saved.shape}], the model expects [${v.shape}] (was the config changed?)`);
  }
  const t = tf.tensor(decodeFloat32(saved), saved.shape);
  v.assign(t);
  t.dispose();
}

/** An optimizer's slots (Adam: iteration count, first and second moments), in its own order. */
export interface OptimizerState {
  iterations: number;
  weights: { name: string; value: EncodedArray }[];
}

export async function saveOptimizer(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const named = await optimizer.getWeights();
  // getWeights() leads with a fresh 'iter' scalar that the caller owns; the others are live slots.
  const [iter, ...slots] = named;
  const iterations = (await iter.tensor.data())[0];
  iter.tensor.dispose();
  return { iterations, weights: slots.map((w) => ({ name: w.name, value: encodeTensor(w.tensor) })) };
}

/** Restores slots saved by saveOptimizer into an optimizer that has not stepped yet. */
export async function loadOptimizer(optimizer: tf.Optimizer, state: OptimizerState): Promise<void> {
  const tensors = [tf.scalar(state.iterations, 'int32'), ...state.weights.map((w) => tf.tensor(decodeFloat32(w.value), w.value.shape))];
  try {
    await optimizer.setWeights(tensors.map((tensor, i) => ({ name: i === 0 ? 'iter' : state.weights[i - 1].name, tensor })));
  } finally {
    // setWeights copies each slot into a new variable; the inputs are ours to free.
    tf.dispose(tensors);
  }
}

export function isOptimizerState(x: unknown): x is OptimizerState {
  const s = x as Partial<OptimizerState> | null;
  return !!s && typeof s.iterations === 'number' && Array.isArray(s.weights) && s.weights.every((w) => isEncodedArray(w?.value));
}

// ---------------------------------------------------------------- RNG streams

export function saveRngs(rngs: Record<string, Rng>): Record<string, RngState> {
  return Object.fromEntries(Object.entries(rngs).map(([k, r]) => [k, r.getState()]));
}

export function loadRngs(rngs: Record<string, Rng>, saved: unknown): void {
  const states = (saved ?? {}) as Record<string, unknown>;
  for (const [name, rng] of Object.entries(rngs)) {
    const s = states[name];
    if (!isRngState(s)) throw new Error(`checkpoint has no state for the random stream '${name}'`);
    rng.setState(s);
  }
}
