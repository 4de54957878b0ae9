/**
 * Gymnasium's toy-text environments (server/src/training/envs/toyText/): the transition tables
 * P[s][a] against gymnasium/envs/toy_text/{frozen_lake,cliffwalking,taxi}.py, their specs
 * (gymnasium/envs/__init__.py), and stepping them through the vectorized env.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envSpec, makeDynamics, makeEnv, makeVecEnv } from '../../server/src/training/envs/registry';
import { CLIFF_GOAL, CLIFF_START, cliffWalkingModel } from '../../server/src/training/envs/toyText/cliffWalking';
import { frozenLakeModel } from '../../server/src/training/envs/toyText/frozenLake';
import { categoricalSample, type DiscreteModel } from '../../server/src/training/envs/toyText/model';
import { TOY_TEXT_IDS, toyTextModel } from '../../server/src/training/envs/toyText/specs';
import { taxiDecode, taxiEncode, taxiModel } from '../../server/src/training/envs/toyText/taxi';
import { Rng } from '../../server/src/training/rng';

const THIRD = 1 / 3;
const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

function assertWellFormed(name: string, m: DiscreteModel): void {
  assert.equal(m.P.length, m.nS, `${name}: one row per state`);
  for (let s = 0; s < m.nS; s++) {
    assert.equal(m.P[s].length, m.nA, `${name}: P[${s}] has every action`);
    for (let a = 0; a < m.nA; a++) {
      const outcomes = m.P[s][a];
      assert.ok(outcomes.length >= 1);
      close(outcomes.reduce((sum, [p]) => sum + p, 0), 1, 1e-12);
      for (const [p, next, r, done] of outcomes) {
        assert.ok(p > 0 && p <= 1 && Number.isInteger(next) && next >= 0 && next < m.nS && Number.isFinite(r) && typeof done === 'boolean', `${name} P[${s}][${a}]`);
      }
    }
  }
  close(m.initialStateDistrib.reduce((a, b) => a + b, 0), 1);
}

describe('toy-text transition tables', () => {
  it('every registered toy-text env (and variant) has a well-formed P: probabilities sum to 1, states in range', () => {
    for (const id of TOY_TEXT_IDS) assertWellFormed(id, toyTextModel(id));
    assertWellFormed('FrozenLake-v1 not slippery', toyTextModel('FrozenLake-v1', { is_slippery: false }));
    assertWellFormed('CliffWalking-v1 slippery', toyTextModel('CliffWalking-v1', { is_slippery: true }));
    assertWellFormed('FrozenLake custom', toyTextModel('FrozenLake-v1', { desc: 'SFF/FHF/FFG' }));
  });

  it('FrozenLake 4x4 slippery: 16 states, 4 actions, Gymnasium\'s outcomes in its order', () => {
    const m = frozenLakeModel();
    assert.equal(m.nS, 16);
    assert.equal(m.nA, 4);
    // State 0, RIGHT (2): [(a-1)%4 = DOWN, RIGHT, (a+1)%4 = UP], 1/3 each; UP bumps the edge.
    const p = m.P[0][2];
    assert.deepEqual(p.map(([, s, r, d]) => [s, r, d]), [[4, 0, false], [1, 0, false], [0, 0, false]]);
    p.forEach(([prob]) => close(prob, THIRD, 1e-15));
    // LEFT from 0: DOWN (4), LEFT (stays 0), UP (stays 0), as Gymnasium lists them: [UP, LEFT, DOWN].
    assert.deepEqual(m.P[0][0].map(([, s]) => s), [0, 0, 4]);
    // Into the goal from 14 moving RIGHT: reward 1, terminated.
    assert.deepEqual(m.P[14][2][1].slice(1), [15, 1, true]);
    // Into a hole (5) from 1 moving DOWN: reward 0, terminated.
    assert.deepEqual(m.P[1][1][1].slice(1), [5, 0, true]);
    // Holes and the goal are absorbing: (1.0, s, 0, True) for every action.
    for (const s of [5, 7, 11, 12, 15]) for (let a = 0; a < 4; a++) assert.deepEqual(m.P[s][a], [[1, s, 0, true]]);
    assert.deepEqual(m.initialStateDistrib, [1, ...new Array(15).fill(0)]);
  });

  it('FrozenLake options: is_slippery false, success_rate, map_name 8x8, a custom desc, bad options', () => {
    assert.deepEqual(frozenLakeModel({ is_slippery: false }).P[0][2], [[1, 1, 0, false]]);
    const sr = toyTextModel('FrozenLake-v1', { success_rate: 0.8 }).P[0][2].map(([p]) => p);
    [0.1, 0.8, 0.1].forEach((x, i) => close(sr[i], x));
    const big = toyTextModel('FrozenLake-v1', { map_name: '8x8' });
    assert.equal(big.nS, 64);
    assert.deepEqual(big.P[63][0], [[1, 63, 0, true]]);
    // The step limit belongs to the id (Gymnasium's TimeLimit): 100 for FrozenLake-v1 whatever the map.
    assert.equal(envSpec('FrozenLake-v1', { map_name: '8x8' }).maxEpisodeSteps, 100);
    assert.equal(envSpec('FrozenLake8x8-v1').maxEpisodeSteps, 200);
    assert.equal(envSpec('FrozenLake8x8-v1').rewardThreshold, 0.85);
    assert.equal(envSpec('FrozenLake-v1').rewardThreshold, 0.7);
    // desc: rows as one string; a 2x3 map.
    const custom = envSpec('FrozenLake-v1', { desc: 'SFH/FFG' });
    assert.deepEqual(custom.discreteObservation, { kind: 'discrete', n: 6 });
    assert.deepEqual(custom.observationSpace.shape, [6]);
    const c = toyTextModel('FrozenLake-v1', { desc: 'SFH/FFG', is_slippery: false });
    assert.deepEqual(c.P[1][2], [[1, 2, 0, true]]); // into the hole
    assert.deepEqual(c.P[4][2], [[1, 5, 1, true]]); // into the goal
    assert.throws(() => makeDynamics('FrozenLake-v1', { slippery: true }), /unknown 'slippery'/);
    assert.throws(() => makeDynamics('FrozenLake-v1', { desc: 'SFF/FG' }), /same length/);
    assert.throws(() => makeDynamics('FrozenLake-v1', { desc: 'FFF/FFG' }), /start tile S/);
    assert.throws(() => makeDynamics('FrozenLake-v1', { map_name: '5x5' }), /map_name must be one of 4x4, 8x8/);
  });

  it('CliffWalking: 48 states, start 36, -1 per step, the cliff costs -100 and returns to the start, the goal terminates', () => {
    const m = cliffWalkingModel();
    assert.equal(m.nS, 48);
    assert.equal(m.nA, 4);
    assert.equal(m.initialStateDistrib[CLIFF_START], 1);
    assert.deepEqual(m.P[36][0], [[1, 24, -1, false]]); // up
    assert.deepEqual(m.P[36][1], [[1, 36, -100, false]]); // right, into the cliff at 37
    assert.deepEqual(m.P[24][2], [[1, 36, -1, false]]); // down from [2, 0] onto the start [3, 0]: no cliff there
    assert.deepEqual(m.P[25][2], [[1, 36, -100, false]]); // down from [2, 1] into the cliff
    assert.deepEqual(m.P[35][2], [[1, CLIFF_GOAL, -1, true]]); // down from [2, 11] to the goal
    assert.deepEqual(m.P[0][3], [[1, 0, -1, false]]); // left at the edge stays
    // v1's slippery cliff: [(move-1)%4, move, (move+1)%4] = right, down, left for down (2), 1/3 each.
    const slip = toyTextModel('CliffWalking-v1', { is_slippery: true }).P[25][2];
    assert.deepEqual(slip.map(([, s, r, d]) => [s, r, d]), [[26, -1, false], [36, -100, false], [24, -1, false]]);
    slip.forEach(([p]) => close(p, THIRD, 1e-15));
    assert.throws(() => makeDynamics('CliffWalking-v0', { is_slippery: true }), /takes no env_kwargs/);
    assert.equal(envSpec('CliffWalking-v0').maxEpisodeSteps, Number.POSITIVE_INFINITY); // no limit registered
    assert.equal(envSpec('CliffWalking-v0').rewardThreshold, null);
  });

  it('Taxi: 500 states, encode/decode round trip, Gymnasium\'s example state 328', () => {
    for (let s = 0; s < 500; s++) {
      const { taxiRow, taxiCol, passLoc, destIdx } = taxiDecode(s);
      assert.equal(taxiEncode(taxiRow, taxiCol, passLoc, destIdx), s);
    }
    assert.equal(taxiEncode(3, 1, 2, 0), 328);
    assert.deepEqual(taxiDecode(328), { taxiRow: 3, taxiCol: 1, passLoc: 2, destIdx: 0 });
    const m = taxiModel();
    assert.equal(m.nS, 500);
    assert.equal(m.nA, 6);
    // Starts: passenger at a stand other than the destination, taxi anywhere: 25 * 4 * 3 states.
    const starts = m.initialStateDistrib.filter((p) => p > 0);
    assert.equal(starts.length, 300);
    starts.forEach((p) => close(p, 1 / 300));
    assert.equal(envSpec('Taxi-v3').maxEpisodeSteps, 200);
    assert.equal(envSpec('Taxi-v3').rewardThreshold, 8);
  });

  it('Taxi rewards: pickup -1, delivery +20 (terminal), illegal pickup/dropoff -10, walls', () => {
    const m = taxiModel();
    const only = (s: number, a: number) => {
      assert.equal(m.P[s][a].length, 1);
      return m.P[s][a][0].slice(1);
    };
    // Taxi at R (0,0) with the passenger waiting at R, going to G: pickup puts them in the taxi.
    assert.deepEqual(only(taxiEncode(0, 0, 0, 1), 4), [taxiEncode(0, 0, 4, 1), -1, false]);
    // At G with the passenger aboard, destination G: dropoff delivers.
    assert.deepEqual(only(taxiEncode(0, 4, 4, 1), 5), [taxiEncode(0, 4, 1, 1), 20, true]);
    // Pickup where nobody waits, dropoff with nobody aboard: -10, state unchanged.
    assert.deepEqual(only(taxiEncode(1, 1, 0, 1), 4), [taxiEncode(1, 1, 0, 1), -10, false]);
    assert.deepEqual(only(taxiEncode(0, 0, 0, 1), 5), [taxiEncode(0, 0, 0, 1), -10, false]);
    // Dropoff at another stand (Y) with the passenger aboard: they wait there, -1.
    assert.deepEqual(only(taxiEncode(4, 0, 4, 1), 5), [taxiEncode(4, 0, 2, 1), -1, false]);
    // Dropoff off any stand with the passenger aboard: -10.
    assert.deepEqual(only(taxiEncode(2, 2, 4, 1), 5), [taxiEncode(2, 2, 4, 1), -10, false]);
    // The wall right of (0, 1) ("|R: | : :G|"): east is a no-op costing -1; south moves.
    assert.deepEqual(only(taxiEncode(0, 1, 0, 1), 2), [taxiEncode(0, 1, 0, 1), -1, false]);
    assert.deepEqual(only(taxiEncode(0, 0, 0, 1), 2), [taxiEncode(0, 1, 0, 1), -1, false]);
    assert.deepEqual(only(taxiEncode(0, 1, 0, 1), 0), [taxiEncode(1, 1, 0, 1), -1, false]);
  });
});

describe('toy-text environments as engine environments', () => {
  it('observe the one-hot state, report Gymnasium\'s Discrete(n) beside it', () => {
    for (const id of TOY_TEXT_IDS) {
      const spec = envSpec(id);
      const n = toyTextModel(id).nS;
      assert.deepEqual(spec.discreteObservation, { kind: 'discrete', n }, id);
      assert.deepEqual(spec.observationSpace.shape, [n], id);
      assert.equal(spec.actionSpace.kind, 'discrete');
    }
    const env = makeEnv('CliffWalking-v0');
    const obs = env.reset(new Rng(1));
    assert.equal(obs.length, 48);
    assert.equal(obs.indexOf(1), CLIFF_START);
    assert.equal(obs.reduce((a, b) => a + b, 0), 1);
    const r = env.step(1); // into the cliff
    assert.equal(r.reward, -100);
    assert.equal(r.terminated, false);
    assert.equal(r.obs.indexOf(1), CLIFF_START);
  });

  it('the vectorized env steps, autoresets and truncates FrozenLake at 100 steps; same seed, same rewards', () => {
    const run = (seed: number) => {
      // No holes: pushing left/up keeps the walker near the start, so episodes hit the limit.
      const env = makeVecEnv('FrozenLake-v1', 4, seed, { desc: 'SFFF/FFFF/FFFF/FFFG' });
      env.reset();
      const actions = new Float32Array(4);
      const rewards: number[] = [];
      let truncations = 0;
      let episodes = 0;
      for (let t = 0; t < 2000; t++) {
        actions.fill(t % 2 === 0 ? 0 : 3);
        env.step(actions, 1);
        rewards.push(...env.rewards);
        truncations += env.truncated.reduce((a, b) => a + b, 0);
        episodes += env.finished.length;
        for (const e of env.finished) assert.ok(e.length <= 100);
      }
      return { rewards, truncations, episodes };
    };
    const a = run(7);
    assert.ok(a.episodes > 0 && a.truncations > 0, `${a.episodes} episodes, ${a.truncations} truncated`);
    assert.deepEqual(run(7), a);
    assert.notDeepEqual(run(8), a, 'another seed, other slips');
  });

  it('slippery transitions happen with Gymnasium\'s frequencies (1/3 each)', () => {
    const env = makeEnv('FrozenLake-v1');
    const counts = new Map<number, number>();
    const rng = new Rng(3);
    for (let i = 0; i < 30000; i++) {
      env.reset(rng);
      env.setState([6]);
      const next = env.step(2).obs.indexOf(1); // from (1, 2) right: down 10, right 7, up 2
      counts.set(next, (counts.get(next) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort((x, y) => x - y), [2, 7, 10]);
    for (const c of counts.values()) assert.ok(Math.abs(c / 30000 - THIRD) < 0.015, `${c}`);
  });

  it('categoricalSample follows Gymnasium\'s (cumsum > u).argmax()', () => {
    const rng = new Rng(5);
    const hits = [0, 0, 0];
    for (let i = 0; i < 20000; i++) hits[categoricalSample([0.2, 0, 0.8], rng)]++;
    assert.equal(hits[1], 0);
    assert.ok(Math.abs(hits[0] / 20000 - 0.2) < 0.02);
  });
});
