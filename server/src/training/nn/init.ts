/**
 * Weight initialisation in plain JS from the run's seeded Rng, so a seed fixes the initial
 * network on every backend. Matrices are row-major [inDim, outDim] (x @ W convention).
 */
import type { Rng } from '../rng';

/**
 * Orthogonal init with a gain, as torch.nn.init.orthogonal_ (Saxe et al. 2014) which SB3 and
 * CleanRL use: QR of a Gaussian matrix with the signs of R's diagonal made positive, here by
 * modified Gram–Schmidt (which yields exactly that Q).
 */
export function orthogonal(inDim: number, outDim: number, gain: number, rng: Rng): Float32Array {
  // Orthonormalise `small` vectors of length `big`; they become W's columns or rows.
  const big = Math.max(inDim, outDim);
  const small = Math.min(inDim, outDim);
  const q: Float64Array[] = [];
  for (let k = 0; k < small; k++) {
    const v = new Float64Array(big);
    for (let i = 0; i < big; i++) v[i] = rng.normal();
    for (const u of q) {
      let dot = 0;
      for (let i = 0; i < big; i++) dot += u[i] * v[i];
      for (let i = 0; i < big; i++) v[i] -= dot * u[i];
    }
    let norm = 0;
    for (let i = 0; i < big; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < big; i++) v[i] /= norm;
    q.push(v);
  }
  const w = new Float32Array(inDim * outDim);
  for (let r = 0; r < inDim; r++) {
    for (let c = 0; c < outDim; c++) {
      // inDim >= outDim: the outDim columns are orthonormal; otherwise the inDim rows are.
      w[r * outDim + c] = gain * (inDim >= outDim ? q[c][r] : q[r][c]);
    }
  }
  return w;
}

/** PyTorch's default nn.Linear init (used when ortho_init is off): U(-1/sqrt(in), 1/sqrt(in)). */
export function torchDefaultLinear(inDim: number, outDim: number, rng: Rng): { w: Float32Array; b: Float32Array } {
  const bound = 1 / Math.sqrt(inDim);
  const w = new Float32Array(inDim * outDim);
  const b = new Float32Array(outDim);
  for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
  for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-bound, bound);
  return { w, b };
}
