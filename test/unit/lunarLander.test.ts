/**
 * LunarLander on planck: Gymnasium's heuristic controller must clear the reward threshold (200)
 * over 100 seeded episodes, and the pieces of the port behave as Gymnasium's do (termination
 * rules, engines, fuel cost, wind, gravity, seeding, time limit, registry and kwargs).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LunarLander, type LunarLanderOptions } from '../../server/src/training/envs/lunarLander';
import type { LunarLanderDynamics } from '../../server/src/training/envs/lunarLanderDynamics';
import { lunarLanderHeuristic } from '../../server/src/training/envs/lunarLanderHeuristic';
import { CHUNKS, H, W } from '../../server/src/training/envs/lunarLanderTerrain';
import { actionDim, envSpec, makeDynamics, makeEnv, makeVecEnv } from '../../server/src/training/envs/registry';
import { Rng } from '../../server/src/training/rng';

const MAX_STEPS = 1000;

/** One episode of the heuristic under the 1000-step limit; returns the undiscounted return. */
function heuristicEpisode(env: LunarLander, seed: number): number {
  let obs = env.reset(seed);
  let total = 0;
  for (let t = 0; t < MAX_STEPS; t++) {
    const r = env.step(lunarLanderHeuristic(env.continuous, obs));
    total += r.reward;
    obs = r.obs;
    if (r.terminated) break;
  }
  return total;
}

/** Gymnasium's shaping potential, recomputed from an observation. */
function shaping(s: ArrayLike<number>): number {
  return (
    -100 * Math.hypot(s[0], s[1]) - 100 * Math.hypot(s[2], s[3]) - 100 * Math.abs(s[4]) + 10 * s[6] + 10 * s[7]
  );
}

function runActions(options: LunarLanderOptions, seed: number, actions: (t: number) => number | number[], steps: number) {
  const env = new LunarLander(options);
  const obs = [Array.from(env.reset(seed))];
  const rewards: number[] = [];
  for (let t = 0; t < steps; t++) {
    const r = env.step(actions(t));
    obs.push(Array.from(r.obs));
    rewards.push(r.reward);
    if (r.terminated) break;
  }
  return { obs, rewards };
}

describe('LunarLander heuristic (Gymnasium heuristic(env, s), seeds 0..99)', () => {
  for (const continuous of [false, true]) {
    it(`${continuous ? 'continuous' : 'discrete'}: mean return over 100 episodes > 200`, () => {
      const env = new LunarLander({ continuous });
      let sum = 0;
      for (let seed = 0; seed < 100; seed++) sum += heuristicEpisode(env, seed);
      const mean = sum / 100;
      assert.ok(mean > 200, `mean heuristic return ${mean.toFixed(1)} <= 200`);
    });
  }
});

describe('LunarLander behaviour', () => {
  it('observations are 8 float32 values inside the v3 observation space', () => {
    const spec = envSpec('LunarLander-v3');
    const rng = new Rng(3, 'test-actions');
    const env = new LunarLander();
    for (let seed = 0; seed < 5; seed++) {
      let obs = env.reset(seed);
      // Starts at the top centre: x ~ 0, y = (H - (H/4 + LEG_DOWN/SCALE)) / (H/2) ~ 1.41 plus the push.
      assert.ok(Math.abs(obs[0]) < 0.05 && obs[1] > 1.3 && obs[1] < 1.5, `start ${obs[0]}, ${obs[1]}`);
      for (let t = 0; t < 200; t++) {
        assert.ok(obs instanceof Float32Array);
        assert.equal(obs.length, 8);
        for (let i = 0; i < 8; i++) {
          assert.ok(
            obs[i] >= spec.observationSpace.low[i] && obs[i] <= spec.observationSpace.high[i],
            `seed ${seed} step ${t} obs[${i}] = ${obs[i]}`,
          );
        }
        assert.ok(obs[6] === 0 || obs[6] === 1);
        assert.ok(obs[7] === 0 || obs[7] === 1);
        const r = env.step(rng.int(4));
        obs = r.obs;
        if (r.terminated) break;
      }
    }
  });

  it('a free fall without engines crashes: terminated with reward -100', () => {
    for (let seed = 0; seed < 5; seed++) {
      const { obs, rewards } = runActions({}, seed, () => 0, MAX_STEPS);
      assert.ok(rewards.length < 200, `seed ${seed}: still falling after ${rewards.length} steps`);
      assert.equal(rewards[rewards.length - 1], -100);
      assert.ok(obs[obs.length - 1][1] < 0.3, 'ended near the ground');
    }
  });

  it('the main engine slows the fall; lower gravity falls slower', () => {
    const steps = 30;
    const vy = (options: LunarLanderOptions, action: number): number => runActions(options, 11, () => action, steps).obs[steps][3];
    const free = vy({}, 0);
    // After 0.6 s: gravity alone adds 6 units/s downwards (0.4 in observation units), the main
    // engine (13 x 4/30 N s per step on ~4.8 kg) more than cancels it, half gravity halves it.
    assert.ok(free < -0.3, `free fall vy ${free}`);
    assert.ok(vy({}, 2) > free + 0.8, `main engine vy ${vy({}, 2)} vs free ${free}`);
    assert.ok(vy({ gravity: -5 }, 0) > free + 0.15, `gravity -5 vy ${vy({ gravity: -5 }, 0)} vs ${free}`);
    // Continuous: main <= 0 is off, main > 0 burns; side engines turn the lander opposite ways.
    const cont = (a: number[]): number[] => runActions({ continuous: true }, 11, () => a, steps).obs[steps];
    assert.deepEqual(cont([-0.5, 0]), cont([-1, 0.2]), 'main <= 0 and |lateral| <= 0.5 are both no-ops');
    assert.ok(cont([1, 0])[3] > cont([-1, 0])[3] + 0.5);
    const left = runActions({}, 11, () => 1, 10).obs[10][5];
    const right = runActions({}, 11, () => 3, 10).obs[10][5];
    assert.ok(left * right < 0 && Math.abs(left - right) > 0.5, `angular velocity left ${left} right ${right}`);
  });

  it('reward = shaping difference minus fuel: 0.3 per main-engine step, 0.03 per side-engine step', () => {
    const check = (options: LunarLanderOptions, action: number | number[], fuel: number): void => {
      const env = new LunarLander(options);
      let prev = env.reset(21);
      for (let t = 0; t < 20; t++) {
        const r = env.step(action);
        // Observations are float32; the env computes in float64: allow their rounding.
        assert.ok(Math.abs(r.reward - (shaping(r.obs) - shaping(prev) - fuel)) < 1e-3, `step ${t}: ${r.reward}`);
        prev = r.obs;
      }
    };
    check({}, 0, 0);
    check({}, 2, 0.3);
    check({}, 1, 0.03);
    check({}, 3, 0.03);
    check({ continuous: true }, [0.5, 0], 0.3 * 0.75); // throttle (0.5 + 1) / 2
    check({ continuous: true }, [1, -0.8], 0.3 + 0.03 * 0.8);
  });

  it('leaving the viewport (|x| >= 1) terminates with -100', () => {
    // A strong wind blows the lander sideways long before it reaches the ground.
    for (let seed = 0; seed < 3; seed++) {
      const { obs, rewards } = runActions({ enable_wind: true, wind_power: 1000, turbulence_power: 0 }, seed, () => 0, MAX_STEPS);
      const last = obs[obs.length - 1];
      assert.equal(rewards[rewards.length - 1], -100);
      assert.ok(Math.abs(last[0]) >= 1, `x ${last[0]}`);
      assert.ok(last[1] > 0.1 && last[6] === 0 && last[7] === 0, 'terminated in the air, not by touching down');
    }
  });

  it('wind and turbulence change the trajectory when enabled', () => {
    // Same RNG draws in both runs (enable_wind draws the wind phase at reset), only the power differs.
    const calm = runActions({ enable_wind: true, wind_power: 0, turbulence_power: 0 }, 5, () => 0, 40).obs;
    const windy = runActions({ enable_wind: true, wind_power: 15, turbulence_power: 1.5 }, 5, () => 0, 40).obs;
    const dx = Math.abs(calm[40][0] - windy[40][0]);
    const dAngle = Math.abs(calm[40][4] - windy[40][4]);
    assert.ok(dx > 1e-3 && dAngle > 1e-3, `dx ${dx} dAngle ${dAngle}`);
  });

  it('the same seed gives the same episode; another seed another terrain', () => {
    const actions = (seed: number): ((t: number) => number) => {
      const rng = new Rng(seed, 'test-actions');
      return () => rng.int(4);
    };
    const a = runActions({}, 42, actions(1), 300);
    const b = runActions({}, 42, actions(1), 300);
    assert.deepEqual(a, b);
    const env = new LunarLander();
    env.reset(42);
    const t42 = env.renderMeta().terrain;
    env.reset(43);
    assert.notDeepEqual(env.renderMeta().terrain, t42);
  });

  it('renderState and renderMeta follow the playback format', () => {
    const env = new LunarLander();
    env.reset(0);
    const frame0 = env.renderState();
    assert.equal(frame0.length, 13);
    assert.ok(Math.abs(frame0[0] - W / 2) < 0.2 && frame0[1] > H - 0.5, `lander at ${frame0[0]}, ${frame0[1]}`);
    env.step(2);
    const frame1 = env.renderState();
    assert.equal(frame1[11], 1, 'main engine power');
    assert.equal(frame1[12], 0, 'side engine power');
    env.step(1);
    assert.equal(env.renderState()[12], -1, 'left engine: negative side power');
    const meta = env.renderMeta();
    assert.equal(meta.terrain.length, CHUNKS);
    assert.equal(meta.W, W);
    assert.equal(meta.H, H);
    const [x1, x2, y] = meta.helipad;
    assert.ok(x1 < W / 2 && W / 2 < x2 && y === H / 4);
    assert.equal(meta.terrain[0][0], 0);
    assert.equal(meta.terrain[CHUNKS - 1][0], W);
  });
});

describe('LunarLander in the registry and the vectorized env', () => {
  it('registers LunarLander-v3 and LunarLanderContinuous-v3 with Gymnasium spaces and limits', () => {
    const d = envSpec('LunarLander-v3');
    assert.deepEqual(d.actionSpace, { kind: 'discrete', n: 4 });
    assert.equal(d.maxEpisodeSteps, 1000);
    assert.equal(d.rewardThreshold, 200);
    assert.deepEqual(d.observationSpace.high.slice(0, 4), [2.5, 2.5, 10, 10]);
    const c = envSpec('LunarLanderContinuous-v3');
    assert.deepEqual(c.actionSpace, { kind: 'box', shape: [2], low: [-1, -1], high: [1, 1] });
    // env_kwargs switch the variant as gym.make(id, continuous=...) does.
    assert.equal(envSpec('LunarLander-v3', { continuous: true }).actionSpace.kind, 'box');
    assert.equal(envSpec('LunarLanderContinuous-v3', { continuous: false }).actionSpace.kind, 'discrete');
    assert.equal(actionDim(envSpec('LunarLander-v3', { continuous: true })), 2);
  });

  it('rejects bad env_kwargs with a clear message', () => {
    assert.throws(() => makeDynamics('LunarLander-v3', { gravity: -15 }), /gravity must be between -12 and 0/);
    assert.throws(() => makeDynamics('LunarLander-v3', { gravty: -5 }), /unknown option 'gravty'/);
    assert.throws(() => makeDynamics('LunarLander-v3', { enable_wind: 'yes' }), /'enable_wind' must be true or false/);
    assert.throws(() => makeDynamics('CartPole-v1', { gravity: -5 }), /takes no env_kwargs/);
  });

  it('time limit: a hovering lander is truncated at step 1000, not terminated', () => {
    const env = makeVecEnv('LunarLander-v3', 1, 0);
    env.reset();
    const action = new Float32Array(1);
    for (let t = 1; t <= MAX_STEPS; t++) {
      const s = env.obs;
      // The heuristic's PD control with a hover target well above the pad: it never lands.
      const angleTarg = Math.max(-0.4, Math.min(0.4, s[0] * 0.5 + s[2]));
      const angleTodo = (angleTarg - s[4]) * 0.5 - s[5];
      const hoverTodo = (0.5 - s[1]) * 0.5 - s[3] * 0.5;
      action[0] = hoverTodo > Math.abs(angleTodo) && hoverTodo > 0.05 ? 2 : angleTodo < -0.05 ? 3 : angleTodo > 0.05 ? 1 : 0;
      env.step(action, 1);
      if (t < MAX_STEPS) assert.equal(env.finished.length, 0, `episode ended early at step ${t}`);
    }
    assert.equal(env.truncated[0], 1);
    assert.equal(env.terminated[0], 0);
    assert.deepEqual(env.finished.map((e) => e.length), [MAX_STEPS]);
  });

  it('vectorized: same seed, same first 1000 rewards; copies run independent episodes', () => {
    const rollout = (seed: number): number[] => {
      const env = makeVecEnv('LunarLanderContinuous-v3', 3, seed);
      env.reset();
      const rng = new Rng(seed, 'test-actions');
      const actions = new Float32Array(3 * 2);
      const rewards: number[] = [];
      while (rewards.length < 1000) {
        for (let k = 0; k < actions.length; k++) actions[k] = rng.uniform(-1, 1);
        env.step(actions, 2);
        rewards.push(...env.rewards);
      }
      return rewards.slice(0, 1000);
    };
    const a = rollout(7);
    assert.deepEqual(a, rollout(7));
    assert.notDeepEqual(a, rollout(8));
    assert.ok(a.some((r) => r === -100), 'random actions crash some episodes (auto-reset continues)');
  });

  it('the dynamics adapter gives each copy its own world and playback frames', () => {
    const dyn = makeDynamics('LunarLander-v3') as LunarLanderDynamics;
    const state = new Float64Array(2 * dyn.stateDim);
    const rng = new Rng(0, 'test');
    dyn.reset(state, 0, rng);
    dyn.reset(state, dyn.stateDim, rng);
    assert.notEqual(dyn.envAt(0), dyn.envAt(dyn.stateDim));
    assert.notDeepEqual(dyn.renderMeta(state, 0).terrain, dyn.renderMeta(state, dyn.stateDim).terrain);
    dyn.step(state, 0, new Float32Array([2]), 0);
    const frame = dyn.renderState(state, 0, new Float32Array([2]), 0);
    assert.equal(frame.length, 13);
    assert.equal(frame[11], 1);
    assert.equal(dyn.renderState(state, dyn.stateDim, null, 0)[11], 0, 'the other copy did not fire');
  });

  it('makeEnv gives a single LunarLander env with Gymnasium step semantics', () => {
    const env = makeEnv('LunarLander-v3', { gravity: -3 });
    const obs = env.reset(new Rng(0, 'test'));
    assert.equal(obs.length, 8);
    const r = env.step(2);
    assert.equal(r.truncated, false);
    assert.equal(typeof r.reward, 'number');
    // Its state is a Box2D world: setting the observation-sized slice must not pass silently.
    env.setState(env.getState().map((v, i) => (i === 0 ? v + 0.1 : v)));
    assert.throws(() => env.step(0), /cannot be set/);
  });
});
