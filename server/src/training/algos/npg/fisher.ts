/**
 * Exact Fisher-vector products for the policy (the Hessian of the mean KL at the old policy,
 * which is what NPG and TRPO need), computed as F v = J^T M J v / N:
 *   J v   forward-mode derivative of the policy outputs along v (ActorCritic.piJvp),
 *   M     the Hessian of KL[p_old || p] w.r.t. the outputs at p = p_old:
 *         categorical logits  diag(p) - p p^T;   gaussian means  diag(1 / sigma^2),
 *         gaussian log std    2 per dimension (no cross terms with the means),
 *         gSDE                the same per row, on log sigma[j, d]; the Jacobian of log sigma
 *                             w.r.t. the log-std matrix is exact (nn/gsde.ts gsdeLogSigmaJvp),
 *   J^T u one backward pass (nn/lossHead.ts with u as the output gradient).
 * At the old policy the KL's gradient vanishes, so its Hessian is exactly this Gauss-Newton
 * form (Martens 2014, section 9); no double backpropagation is needed. test/unit/npg.test.ts
 * checks it against finite differences of the KL gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ActorCritic } from '../../nn/actorCritic';
import { gsdeLogSigmaJvp } from '../../nn/gsde';
import { jsLossGradient } from '../../nn/lossHead';
import type { OldPolicy } from '../pg/head';

export interface FisherContext {
  net: ActorCritic;
  /** rows x obsDim. */
  obs: Float32Array;
  rows: number;
  obsDim: number;
  /** The policy at which F is taken (the current parameters' outputs for these rows). */
  old: OldPolicy;
  /** 1 on the parameters F acts on (the actor), 0 elsewhere. */
  mask: Float32Array;
}

/** (F + damping I) v on the masked parameters; v must be zero outside the mask. */
export function fisherVectorProduct(ctx: FisherContext, v: Float32Array, damping: number): Float32Array {
  const { net, rows, old } = ctx;
  const piDim = net.piDim;
  const jv = tf.tidy(() => {
    const obsT = tf.tensor2d(ctx.obs, [rows, ctx.obsDim]);
    return net.piJvp(obsT, net.weights(), net.viewsOf(tf.tensor1d(v)));
  });
  const jvData = jv.dataSync() as Float32Array;
  jv.dispose();

  // u = M (J v) / N, in the [pi | value] layout the loss-head gradient expects.
  const width = piDim + 1;
  const u = new Float32Array(rows * width);
  const p = new Float64Array(piDim);
  for (let j = 0; j < rows; j++) {
    if (net.distribution === 'categorical') {
      let max = -Infinity;
      for (let k = 0; k < piDim; k++) max = Math.max(max, old.pi[j * piDim + k]);
      let sum = 0;
      for (let k = 0; k < piDim; k++) sum += (p[k] = Math.exp(old.pi[j * piDim + k] - max));
      let pJv = 0;
      for (let k = 0; k < piDim; k++) pJv += (p[k] /= sum) * jvData[j * piDim + k];
      for (let k = 0; k < piDim; k++) u[j * width + k] = (p[k] * (jvData[j * piDim + k] - pJv)) / rows;
    } else {
      for (let d = 0; d < piDim; d++) {
        const logSigma = old.rowLogStd ? old.rowLogStd[j * piDim + d] : old.logStd![d];
        u[j * width + d] = jvData[j * piDim + d] * Math.exp(-2 * logSigma) / rows;
      }
    }
  }
  // Gaussian log std: d^2 KL / d(log sigma)^2 = 2 at the old policy; log std is the last piece of params.
  const vLogStd = v.subarray(v.length - net.logStdSize);
  const gsde = net.gsde;
  const gradLogStd = (head: { latent?: Float32Array; logStd: Float32Array | null }): Float32Array | null => {
    if (net.distribution !== 'gaussian') return null;
    if (!gsde) return Float32Array.from(vLogStd, (x) => 2 * x);
    // gSDE: u = M J v on log sigma per row (2 / N each); the loss head applies J^T.
    const jvSigma = gsdeLogSigmaJvp(head.latent!, rows, gsde.latentDim, head.logStd!, piDim, gsde, vLogStd);
    return Float32Array.from(jvSigma, (x) => (2 * x) / rows);
  };
  const jtu = jsLossGradient(net, ctx.obs, rows, ctx.obsDim, (head) => ({ loss: 0, gradOut: u, gradLogStd: gradLogStd(head) }));
  const out = jtu.dataSync() as Float32Array;
  jtu.dispose();
  const result = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) result[i] = ctx.mask[i] * (out[i] + damping * v[i]);
  return result;
}
