/**
 * The speed paths of the on-policy family give the same numbers as the plain ones:
 * plain-JS rollout inference (nn/jsMlp.ts) vs TensorFlow.js, the whole-network custom gradient
 * (ActorCritic.forwardTrain) vs TensorFlow.js autodiff through the per-layer ops, the JS Adam
 * vs tf.train.adam, the WASM SplitV replacement vs plain slices, and checkpoint vectors moved
 * between the merged and separate layouts.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/training/engine';
import { ActorCritic, RolloutActor } from '../../server/src/training/nn/actorCritic';
import { FlatAdam } from '../../server/src/training/nn/flatOptimizer';
import { tanhF32 } from '../../server/src/training/nn/jsMlp';
import { Rng } from '../../server/src/training/rng';
import type { PolicyKwargs } from '../../server/src/schema';
import type { Space } from '../../server/src/training/envs/spaces';

const KWARGS: PolicyKwargs = { net_arch: { pi: [64, 64], vf: [64, 64] }, activation_fn: 'tanh', ortho_init: true, log_std_init: -0.5 };
const DISCRETE: Space = { kind: 'discrete', n: 3 };
const BOX: Space = { kind: 'box', shape: [2], low: [-1, -1], high: [1, 1] };

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

function randomObs(rows: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * dim }, () => rng.normal());
}

/** Perturbs the parameters so biases and the merged layout's blocks are not at their initial values. */
function perturb(net: ActorCritic, seed: number): void {
  const rng = new Rng(seed);
  const p = (net.params.dataSync() as Float32Array).slice();
  const plain = net.plainNetworks(p);
  for (const l of [...plain.actor, ...plain.critic]) {
    for (let i = 0; i < l.w.length; i++) l.w[i] += 0.05 * rng.normal();
    for (let i = 0; i < l.b.length; i++) l.b[i] = 0.1 * rng.normal();
  }
  const t = tf.tensor1d(net.flatFromPlain(plain));
  net.params.assign(t);
  t.dispose();
}

describe('fast paths', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    describe(`on ${backend}`, () => {
      before(async () => {
        await selectBackend(backend);
      });

      it('tanhF32 agrees with Math.tanh to float32 precision', () => {
        for (let i = -4000; i <= 4000; i++) {
          const x = i / 400;
          assert.ok(Math.abs(tanhF32(x) - Math.tanh(x)) < 3e-7, `tanh(${x})`); // ~2 float32 ulps at 1
        }
        assert.equal(tanhF32(50), 1);
        assert.equal(tanhF32(-50), -1);
      });

      for (const merged of [true, false]) {
        for (const space of [DISCRETE, BOX]) {
          const what = `${merged ? 'merged' : 'separate'} ${space.kind}`;

          it(`${what}: plain-JS rollout inference matches TensorFlow.js`, () => {
            const net = new ActorCritic(4, space, KWARGS, new Rng(1), { merged });
            perturb(net, 2);
            const js = new RolloutActor(net, Infinity);
            const viaTf = new RolloutActor(net, 0);
            for (const rows of [1, 4, 7]) {
              const obs = randomObs(rows, 4, rows);
              const piDim = net.piDim;
              const a = { pi: new Float32Array(rows * piDim), v: new Float32Array(rows) };
              const b = { pi: new Float32Array(rows * piDim), v: new Float32Array(rows) };
              js.act(obs, rows, 4, a.pi, a.v);
              viaTf.act(obs, rows, 4, b.pi, b.v);
              assert.ok(maxDiff(a.pi, b.pi) < 1e-5, `pi, ${rows} rows`);
              assert.ok(maxDiff(a.v, b.v) < 1e-5, `value, ${rows} rows`);
              assert.ok(maxDiff(js.values(obs, rows, 4), viaTf.values(obs, rows, 4)) < 1e-5, 'values()');
            }
            const [lsJs, lsTf] = [js.logStd(), viaTf.logStd()];
            if (space.kind === 'box') assert.deepEqual(Array.from(lsJs!), Array.from(lsTf!));
            else assert.equal(lsJs, null);
            js.dispose();
            viaTf.dispose();
            net.dispose();
          });

          it(`${what}: the whole-network gradient equals autodiff through the layer ops`, () => {
            const net = new ActorCritic(4, space, KWARGS, new Rng(3), { merged });
            perturb(net, 4);
            const rows = 9;
            const obs = tf.tensor2d(randomObs(rows, 4, 5), [rows, 4]);
            const weights = tf.tensor2d(randomObs(rows, net.piDim + 1, 6), [rows, net.piDim + 1]);
            const grad = (useFused: boolean) =>
              tf.tidy(() => {
                const { grads } = tf.variableGrads(() => {
                  const out = useFused ? net.forwardTrain(obs) : net.forward(obs);
                  return tf.sum(tf.mul(out, weights)) as tf.Scalar;
                }, [net.params]);
                return net.maskGradient(grads[net.params.name]);
              });
            const fused = grad(true);
            const plain = grad(false);
            const diff = maxDiff(fused.dataSync(), plain.dataSync());
            assert.ok(diff < 1e-4, `max |difference| ${diff}`);
            tf.dispose([fused, plain, obs, weights]);
            net.dispose();
          });
        }
      }

      it('a vector moved to the other layout and back is unchanged, and the networks compute the same function', () => {
        const merged = new ActorCritic(4, DISCRETE, KWARGS, new Rng(7), { merged: true });
        const separate = new ActorCritic(4, DISCRETE, KWARGS, new Rng(8), { merged: false });
        perturb(merged, 9);
        const fromMerged = separate.convertLayout(merged.params.dataSync() as Float32Array, true);
        const back = merged.convertLayout(fromMerged, false);
        assert.equal(maxDiff(back, merged.params.dataSync()), 0);
        const t = tf.tensor1d(fromMerged);
        separate.params.assign(t);
        t.dispose();
        const obs = tf.tensor2d(randomObs(5, 4, 10), [5, 4]);
        const a = tf.tidy(() => merged.forward(obs, merged.weights(), false));
        const b = tf.tidy(() => separate.forward(obs, separate.weights(), false));
        assert.ok(maxDiff(a.dataSync(), b.dataSync()) < 1e-5);
        tf.dispose([obs, a, b]);
        merged.dispose();
        separate.dispose();
      });

      it('the JS Adam steps exactly like tf.train.adam, and with its global-norm clip like it after clip_grad_norm_', () => {
        const rng = new Rng(11);
        const init = Float32Array.from({ length: 50 }, () => rng.normal());
        const a = tf.variable(tf.tensor1d(init));
        const b = tf.variable(tf.tensor1d(init));
        const js = new FlatAdam(0.01, 1e-5);
        const ref = tf.train.adam(0.01, 0.9, 0.999, 1e-5);
        for (let step = 0; step < 5; step++) {
          const g = tf.tensor1d(Float32Array.from({ length: 50 }, () => 3 * rng.normal()));
          const norm = js.stepClipped(a, g, 0.5);
          const clipped = tf.tidy(() => tf.mul(g, Math.min(0.5 / (norm + 1e-6), 1)));
          ref.applyGradients([{ name: b.name, tensor: clipped }]);
          tf.dispose([g, clipped]);
        }
        assert.ok(maxDiff(a.dataSync(), b.dataSync()) < 1e-5);
        // Without clipping the step is bit-identical to tf.train.adam's (float32 in its order).
        const c = tf.variable(tf.tensor1d(init));
        const d = tf.variable(tf.tensor1d(init));
        const js2 = new FlatAdam(0.003, 1e-5);
        const ref2 = tf.train.adam(0.003, 0.9, 0.999, 1e-5);
        for (let step = 0; step < 5; step++) {
          const g = tf.tensor1d(Float32Array.from({ length: 50 }, () => rng.normal()));
          js2.step(c, g);
          ref2.applyGradients([{ name: d.name, tensor: g }]);
          g.dispose();
        }
        assert.deepEqual(Array.from(c.dataSync()), Array.from(d.dataSync()));
        tf.dispose([c, d]);
        ref2.dispose();
        const state = js.saveState('p');
        assert.equal(state.iterations, 5);
        assert.deepEqual(state.weights.map((w) => w.name), ['p/m', 'p/v']);
        tf.dispose([a, b]);
        ref.dispose();
      });

      it('tf.split along axis 0 returns the same pieces as slices (the WASM SplitV replacement)', () => {
        const x = tf.tensor2d(randomObs(10, 3, 12), [10, 3]);
        const parts = tf.split(x, [2, 5, 3], 0);
        const slices = [tf.slice(x, [0, 0], [2, 3]), tf.slice(x, [2, 0], [5, 3]), tf.slice(x, [7, 0], [3, 3])];
        parts.forEach((p, i) => {
          assert.deepEqual(p.shape, slices[i].shape);
          assert.deepEqual(Array.from(p.dataSync()), Array.from(slices[i].dataSync()));
        });
        const cols = tf.split(x, [1, 2], 1); // another axis: the original kernel
        assert.deepEqual(cols.map((c) => c.shape), [[10, 1], [10, 2]]);
        tf.dispose([x, ...parts, ...slices, ...cols]);
      });
    });
  }
});
