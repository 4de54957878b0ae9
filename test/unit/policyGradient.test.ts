/**
 * The pieces of the policy-gradient family: reward-to-go returns, the PG / KL loss gradients
 * against finite differences, conjugate gradient, exact Fisher-vector products against finite
 * differences of the KL gradient, TRPO's line search and PPO's adaptive KL coefficient.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/training/engine';
import { discountedReturns } from '../../server/src/training/algos/reinforce/reinforce';
import { klFromOld, type PolicyHead } from '../../server/src/training/algos/pg/head';
import { meanKlLoss, policyGradientLoss, surrogateLoss } from '../../server/src/training/algos/pg/losses';
import { conjugateGradient } from '../../server/src/training/algos/npg/conjugateGradient';
import { fisherVectorProduct } from '../../server/src/training/algos/npg/fisher';
import { backtrackingLineSearch } from '../../server/src/training/algos/trpo/lineSearch';
import { adaptKlCoef } from '../../server/src/training/algos/ppo/klPenalty';
import { ActorCritic } from '../../server/src/training/nn/actorCritic';
import { jsLossGradient, readHead } from '../../server/src/training/nn/lossHead';
import { Rng } from '../../server/src/training/rng';
import type { Space } from '../../server/src/training/envs/spaces';

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

/** Central finite differences of f over the entries of x (float64). */
function numericGradient(f: (x: Float32Array) => number, x: Float32Array, eps = 1e-3): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xp = Float32Array.from(x);
    const xm = Float32Array.from(x);
    xp[i] += eps;
    xm[i] -= eps;
    g[i] = (f(xp) - f(xm)) / (2 * eps);
  }
  return g;
}

describe('REINFORCE returns', () => {
  it('reward-to-go: G_t = r_t + gamma G_{t+1}', () => {
    close(discountedReturns([1, 2, 0], 0.9, true), [1 + 0.9 * 2, 2, 0], 1e-12);
    close(discountedReturns([1, 1, 1], 0.5, true), [1.75, 1.5, 1], 1e-12);
  });
  it('without reward-to-go every step gets G_0; a bootstrap continues a cut episode', () => {
    close(discountedReturns([1, 1, 1], 0.5, false), [1.75, 1.75, 1.75], 1e-12);
    close(discountedReturns([1, 1], 0.5, true, 4), [1 + 0.5 * (1 + 0.5 * 4), 1 + 0.5 * 4], 1e-12);
  });
});

describe('policy-gradient losses', () => {
  const rows = 3;
  const actions = { categorical: new Float32Array([0, 2, 1]), gaussian: new Float32Array([0.3, -1, 1.2, 0.1, -0.4, 0.8]) };
  const heads: PolicyHead[] = [
    { distribution: 'categorical', piDim: 3, out: new Float32Array([0.1, -0.3, 0.5, 1, 1, 0.2, 0.7, 0, -2, 0.4, 0.3, -1]), logStd: null },
    { distribution: 'gaussian', piDim: 2, out: new Float32Array([0.2, -0.5, 1, 0.6, 0.1, -0.2, -0.1, 0.9, 0.3]), logStd: new Float32Array([-0.2, 0.3]) },
  ];
  for (const head of heads) {
    const a = head.distribution === 'categorical' ? actions.categorical : actions.gaussian;
    const withOut = (out: Float32Array, logStd = head.logStd): PolicyHead => ({ ...head, out, logStd });
    const batch = { rows, actions: a, advantages: new Float32Array([1.5, -0.7, 0.2]), returns: new Float32Array([1, 2, -1]), oldLogProbs: new Float32Array([-1.2, -0.9, -1.5]) };
    const old = { pi: head.distribution === 'categorical' ? new Float32Array([0, 0, 0, 1, 0.5, 0, 0.2, 0.1, -1]) : new Float32Array([0, -0.4, 0.5, 0, 0, 0.2]), logStd: head.logStd ? new Float32Array([0, 0.1]) : null };
    const cases = {
      'A2C/REINFORCE loss': (h: PolicyHead) => policyGradientLoss(h, batch, { entCoef: 0.05, vfCoef: 0.5 }),
      'surrogate -L': (h: PolicyHead) => surrogateLoss(h, batch),
      'mean KL': (h: PolicyHead) => meanKlLoss(h, old, rows),
    };
    for (const [name, fn] of Object.entries(cases)) {
      it(`${name} (${head.distribution}): gradient matches finite differences`, () => {
        const r = fn(head);
        close(r.gradOut, numericGradient((o) => fn(withOut(o)).loss, head.out), 2e-3, 'd/dout');
        if (head.logStd) close(r.gradLogStd!, numericGradient((ls) => fn(withOut(head.out, ls)).loss, head.logStd), 2e-3, 'd/dlogStd');
      });
    }
  }
  it('KL of a policy from itself is 0, and positive otherwise', () => {
    const head = heads[0];
    const self = Float32Array.from({ length: 9 }, (_, i) => head.out[Math.floor(i / 3) * 4 + (i % 3)]);
    close(klFromOld(head, { pi: self, logStd: null }, 3), [0, 0, 0], 1e-6);
    assert.ok(klFromOld(head, { pi: new Float32Array(9), logStd: null }, 3).every((k) => k > 0));
  });
});

describe('conjugate gradient', () => {
  it('solves a small SPD system', () => {
    // A = B^T B + I (SPD), b arbitrary; exact solution checked by A x = b.
    const A = [[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]];
    const b = new Float32Array([1, -2, 0.5]);
    const mv = (v: Float32Array) => Float32Array.from(A.map((row) => row.reduce((s, a, j) => s + a * v[j], 0)));
    const { x, iterations } = conjugateGradient(mv, b, 10);
    assert.ok(iterations <= 3, `CG on a 3x3 system converges in <= 3 steps (took ${iterations})`);
    close(mv(x), b, 1e-5, 'Ax');
  });
});

describe('Fisher-vector products', () => {
  before(async () => {
    await selectBackend();
  });

  const spaces: [string, Space][] = [
    ['categorical', { kind: 'discrete', n: 3 }],
    ['gaussian', { kind: 'box', shape: [2], low: [-1, -1], high: [1, 1] }],
  ];
  for (const [name, space] of spaces) {
    it(`${name}: exact F v equals finite differences of grad mean KL (the KL Hessian) along v`, () => {
      const obsDim = 3;
      const rows = 16;
      const kwargs = { net_arch: { pi: [8], vf: [8] }, activation_fn: 'tanh' as const, ortho_init: true, log_std_init: -0.3 };
      const net = new ActorCritic(obsDim, space, kwargs, Rng.stream(7, 'init'), { merged: false });
      // Larger head weights than the 0.01 init, so the policy is not nearly uniform.
      const rng = Rng.stream(7, 'test');
      tf.tidy(() => net.params.assign(tf.tensor1d(Float32Array.from(net.params.dataSync(), (p) => p + 0.3 * rng.normal()))));
      const obs = Float32Array.from({ length: rows * obsDim }, () => rng.normal());
      const head0 = readHead(net, obs, rows, obsDim);
      const piDim = net.piDim;
      const old = { pi: Float32Array.from({ length: rows * piDim }, (_, i) => head0.out[Math.floor(i / piDim) * (piDim + 1) + (i % piDim)]), logStd: head0.logStd };
      const mask = net.actorMask();
      const v = Float32Array.from(mask, (m) => m * rng.normal());
      const fv = fisherVectorProduct({ net, obs, rows, obsDim, old, mask }, v, 0);

      const theta = Float32Array.from(net.params.dataSync());
      const gradKlAt = (t: number) => {
        tf.tidy(() => net.params.assign(tf.tensor1d(Float32Array.from(theta, (p, i) => p + t * v[i]))));
        const g = jsLossGradient(net, obs, rows, obsDim, (h) => meanKlLoss(h, old, rows));
        const data = Float32Array.from(g.dataSync());
        g.dispose();
        return data;
      };
      const eps = 1e-2;
      const gp = gradKlAt(eps);
      const gm = gradKlAt(-eps);
      tf.tidy(() => net.params.assign(tf.tensor1d(theta)));
      const fd = Float32Array.from(gp, (x, i) => (mask[i] * (x - gm[i])) / (2 * eps));
      let scale = 0;
      for (const x of fd) scale = Math.max(scale, Math.abs(x));
      assert.ok(scale > 1e-3, 'the product is not trivially zero');
      close(fv, fd, 2e-2 * scale, 'Fv');
      // F is positive semi-definite: v^T F v >= 0.
      assert.ok(v.reduce((s, x, i) => s + x * fv[i], 0) > 0);
      net.dispose();
    });
  }
});

describe('TRPO line search', () => {
  it('accepts the first candidate that improves within the KL budget', () => {
    // Full step: too much KL; 0.8: still too much; 0.64: fine and better.
    const tried: number[] = [];
    const r = backtrackingLineSearch((f) => (tried.push(f), { objective: 1 + f, kl: 0.02 * f * f * 2 }), 1, 0.02, 0.8, 10);
    assert.equal(r.accepted, true);
    close(tried, [1, 0.8, 0.64], 1e-12);
    close([r.fraction], [0.64], 1e-12);
  });
  it('rejects when no candidate improves the surrogate, after line_search_max_iter tries', () => {
    let calls = 0;
    const r = backtrackingLineSearch(() => (calls++, { objective: 0.5, kl: 0 }), 1, 0.01, 0.8, 10);
    assert.equal(r.accepted, false);
    assert.equal(calls, 10);
    assert.equal(r.fraction, 0);
  });
  it('requires a strict improvement and mean KL <= target_kl', () => {
    assert.equal(backtrackingLineSearch(() => ({ objective: 1, kl: 0 }), 1, 0.01, 0.5, 3).accepted, false);
    assert.equal(backtrackingLineSearch(() => ({ objective: 2, kl: 0.01 }), 1, 0.01, 0.5, 3).accepted, true);
  });
});

describe('PPO adaptive KL coefficient', () => {
  it('halves beta below d_targ / 1.5, doubles it above d_targ * 1.5, keeps it in between', () => {
    assert.equal(adaptKlCoef(1, 0.005, 0.01), 0.5);
    assert.equal(adaptKlCoef(1, 0.02, 0.01), 2);
    assert.equal(adaptKlCoef(1, 0.01, 0.01), 1);
    assert.equal(adaptKlCoef(1, 0.0067, 0.01), 1);
    assert.equal(adaptKlCoef(1, 0.0149, 0.01), 1);
  });
});
