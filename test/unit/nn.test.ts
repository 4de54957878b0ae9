import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/training/engine';
import { ActorCritic, RolloutActor } from '../../server/src/training/nn/actorCritic';
import { dense } from '../../server/src/training/nn/dense';
import { gaussianLogDensity, sampleCategorical, sampleGaussian } from '../../server/src/training/nn/distributions';
import { orthogonal } from '../../server/src/training/nn/init';
import { Rng } from '../../server/src/training/rng';
import type { PolicyKwargs } from '../../server/src/schema';

const KWARGS: PolicyKwargs = { net_arch: { pi: [64, 64], vf: [64, 64] }, activation_fn: 'tanh', ortho_init: true, log_std_init: -0.5 };

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

describe('networks and distributions', () => {
  before(async () => {
    await selectBackend('cpu');
  });

  it('orthogonal init: orthonormal columns (in >= out) or rows, scaled by the gain', () => {
    for (const [inDim, outDim] of [[64, 4], [4, 64], [64, 64]]) {
      const w = orthogonal(inDim, outDim, 2, new Rng(1));
      const small = Math.min(inDim, outDim);
      const big = Math.max(inDim, outDim);
      const vec = (k: number, i: number) => (inDim >= outDim ? w[i * outDim + k] : w[k * outDim + i]);
      for (let a = 0; a < small; a++) {
        for (let b = 0; b < small; b++) {
          let dot = 0;
          for (let i = 0; i < big; i++) dot += vec(a, i) * vec(b, i);
          assert.ok(Math.abs(dot - (a === b ? 4 : 0)) < 1e-4, `${inDim}x${outDim} <${a},${b}> = ${dot}`);
        }
      }
    }
  });

  it('builds SB3 MlpPolicy shapes and heads (actor 64-64, critic 64-64, log std)', () => {
    const net = new ActorCritic(3, { kind: 'box', shape: [1], low: [-2], high: [2] }, KWARGS, new Rng(0), { merged: true });
    const actor = 3 * 64 + 64 + 64 * 64 + 64 + 64 * 1 + 1;
    const critic = 3 * 64 + 64 + 64 * 64 + 64 + 64 * 1 + 1;
    assert.equal(net.numTrainableParams, actor + critic + 1);
    assert.ok(net.merged);
    const logStd = tf.tidy(() => {
      const weights = net.weights();
      assert.deepEqual(net.forward(tf.ones([5, 3]), weights).shape, [5, 2]); // [mean | value]
      return weights.logStd!;
    });
    close(logStd.dataSync(), [-0.5], 1e-7);
    logStd.dispose();
    net.dispose();
  });

  it('merged actor+critic: the off-diagonal blocks are zero and get no gradient', () => {
    const net = new ActorCritic(4, { kind: 'discrete', n: 2 }, KWARGS, new Rng(5), { merged: true });
    const zeros = () => Array.from(net.params.dataSync()).filter((v) => v === 0).length;
    const structuralZeros = net.numParams - net.numTrainableParams;
    assert.ok(structuralZeros > 0 && zeros() >= structuralZeros);
    const grad = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(net.forward(tf.ones([3, 4])))) as tf.Scalar, [net.params]);
      return net.maskGradient(grads[net.params.name]);
    });
    const g = grad.dataSync();
    const p = net.params.dataSync();
    let maskedZeros = 0;
    for (let i = 0; i < g.length; i++) if (g[i] === 0 && p[i] === 0) maskedZeros++;
    assert.ok(maskedZeros >= structuralZeros);
    grad.dispose();
    net.dispose();
  });

  it('the rollout network (merged actor+critic, or separate for unequal depths) equals forward()', () => {
    const obs = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i));
    const cases = [
      { net_arch: { pi: [64, 64], vf: [64, 64] }, merged: true },
      { net_arch: { pi: [64, 64], vf: [64, 64] }, merged: false },
      { net_arch: { pi: [16], vf: [32, 8] }, merged: true }, // unequal depths: separate anyway
    ];
    for (const { net_arch, merged } of cases) {
      const net = new ActorCritic(4, { kind: 'discrete', n: 3 }, { ...KWARGS, net_arch, ortho_init: false }, new Rng(2), { merged });
      const actor = new RolloutActor(net);
      const pi = new Float32Array(9);
      const value = new Float32Array(3);
      actor.act(obs, 3, 4, pi, value);
      const expected = tf.tidy(() => net.forward(tf.tensor2d(obs, [3, 4])));
      const e = expected.dataSync(); // rows of [logits x3 | value]
      const expectedPi = [0, 1, 2].flatMap((r) => [e[r * 4], e[r * 4 + 1], e[r * 4 + 2]]);
      close([...pi, ...value], [...expectedPi, e[3], e[7], e[11]], 1e-5, JSON.stringify(net_arch));
      assert.equal(net.merged, merged && net_arch.pi.length === net_arch.vf.length);
      close(actor.values(obs, 3, 4), value, 1e-6);
      expected.dispose();
      actor.dispose();
      net.dispose();
    }
  });

  it('merged and separate layouts compute the same function from the same seed', () => {
    const obs = tf.tensor2d(Float32Array.from({ length: 20 }, (_, i) => Math.cos(i)), [5, 4]);
    const outputs = [true, false].map((merged) => {
      const net = new ActorCritic(4, { kind: 'discrete', n: 2 }, KWARGS, new Rng(6), { merged });
      const out = tf.tidy(() => net.forward(obs));
      const data = Array.from(out.dataSync());
      out.dispose();
      net.dispose();
      return data;
    });
    close(outputs[0], outputs[1], 1e-5);
    obs.dispose();
  });

  it('the same seed builds the same network', () => {
    const a = new ActorCritic(4, { kind: 'discrete', n: 2 }, KWARGS, new Rng(9));
    const b = new ActorCritic(4, { kind: 'discrete', n: 2 }, KWARGS, new Rng(9));
    assert.deepEqual(Array.from(a.params.dataSync()), Array.from(b.params.dataSync()));
    a.dispose();
    b.dispose();
  });

  it('the hand-written dense gradient equals autodiff of tanh(x W + b)', () => {
    const rng = new Rng(4);
    const rand = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((p, q) => p * q) }, () => rng.normal()), shape);
    const x = rand([5, 3]) as tf.Tensor2D;
    const w = rand([3, 4]) as tf.Tensor2D;
    const b = rand([4]) as tf.Tensor1D;
    const up = rand([5, 4]);
    for (const act of ['tanh', 'relu', 'linear'] as const) {
      const reference = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => {
        const z = tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb);
        return tf.sum(tf.mul(act === 'tanh' ? tf.tanh(z) : act === 'relu' ? tf.relu(z) : z, up));
      };
      const mine = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(dense(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, act), up));
      const g1 = tf.grads(reference)([x, w, b]);
      const g2 = tf.grads(mine)([x, w, b]);
      g1.forEach((g, i) => close(g2[i].dataSync(), g.dataSync(), 1e-5, `${act} grad ${i}`));
      close([mine(x, w, b).dataSync()[0]], [reference(x, w, b).dataSync()[0]], 1e-5, `${act} value`);
      tf.dispose([...g1, ...g2]);
    }
  });

  it('gaussian sampling: log-density formula and sample statistics', () => {
    // log N(x; 0, 2) at x = -1: -0.5 (1/2)^2 - log 2 - 0.5 log 2pi
    close([gaussianLogDensity(-0.5, Math.log(2))], [-0.125 - Math.log(2) - 0.5 * Math.log(2 * Math.PI)], 1e-12);
    const n = 20000;
    const actions = new Float32Array(n);
    const logProbs = new Float32Array(n);
    sampleGaussian(new Float32Array(n).fill(1.5), new Float32Array([Math.log(0.5)]), n, 1, new Rng(8), actions, logProbs, 0);
    const mean = actions.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(actions.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    assert.ok(Math.abs(mean - 1.5) < 0.02 && Math.abs(std - 0.5) < 0.02, `${mean} ${std}`);
    const z = (actions[0] - 1.5) / 0.5;
    close([logProbs[0]], [gaussianLogDensity(z, Math.log(0.5))], 1e-5);
  });

  it('categorical sampling follows the probabilities and reports log-probabilities', () => {
    const logits = [Math.log(0.2), Math.log(0.8)];
    const n = 20000;
    const rows = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) rows.set(logits, i * 2);
    const actions = new Float32Array(n);
    const logProbs = new Float32Array(n);
    sampleCategorical(rows, n, 2, new Rng(3), actions, logProbs, 0);
    const ones = actions.reduce((s, a) => s + a, 0);
    assert.ok(Math.abs(ones / n - 0.8) < 0.02, `P(a=1) = ${ones / n}`);
    close([logProbs[actions.indexOf(1)], logProbs[actions.indexOf(0)]], [Math.log(0.8), Math.log(0.2)], 1e-6);
  });
});
