/**
 * The five classic-control environments against trajectories recorded from Gymnasium itself:
 * CartPole-v1 and Pendulum-v1 from ../shared/reference (copied to test/fixtures/reference), the
 * others recorded from Gymnasium's own code by scripts/reference/record.py. `rl-lab env replay`
 * is checked against all five in test/server/envCli.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acrobot } from '../../server/src/training/envs/acrobot';
import { cartPole } from '../../server/src/training/envs/cartpole';
import { mountainCar } from '../../server/src/training/envs/mountainCar';
import { mountainCarContinuous } from '../../server/src/training/envs/mountainCarContinuous';
import { pendulum } from '../../server/src/training/envs/pendulum';
import { ENV_IDS, envSpec, makeDynamics, makeEnv, makeVecEnv } from '../../server/src/training/envs/registry';
import type { RenderStateSource } from '../../server/src/training/envs/renderState';
import { Rng } from '../../server/src/training/rng';
import {
  assertClose,
  assertOneStepStates,
  assertTrajectory,
  loadReference,
  referenceEnvIds,
  replayEpisode,
  startState,
} from '../helpers/reference';

const NEW_ENVS = ['Acrobot-v1', 'MountainCar-v0', 'MountainCarContinuous-v0'];
const CLASSIC_CONTROL = ['CartPole-v1', 'Pendulum-v1', ...NEW_ENVS];

describe('classic-control reference files', () => {
  it('every classic-control environment is registered and has Gymnasium trajectories', () => {
    const have = referenceEnvIds();
    for (const id of CLASSIC_CONTROL) {
      assert.ok(ENV_IDS.includes(id), `${id} registered`);
      assert.ok(have.includes(id), `${id} has a reference file`);
      const ref = loadReference(id);
      assert.equal(ref.max_episode_steps, envSpec(id).maxEpisodeSteps, `${id} step limit`);
    }
  });
});

for (const envId of CLASSIC_CONTROL) {
  describe(`${envId} matches Gymnasium`, () => {
    const ref = loadReference(envId);

    it('replays the reset(seed) episodes to 1e-6', () => {
      assert.ok(ref.episodes.length >= 3);
      for (const ep of ref.episodes) {
        const got = replayEpisode(envId, ep);
        assertClose(got.resetObs, ep.reset_obs, 1e-6, `${envId} seed ${ep.seed} reset obs`);
        assertTrajectory(got, ep, 1e-6, `${envId} seed ${ep.seed}`);
      }
    });

    it('replays the set_state episodes (termination, clipping, wrapping) to 1e-6', () => {
      assert.ok(ref.state_episodes.length >= 3);
      for (const ep of ref.state_episodes) {
        const got = replayEpisode(envId, ep);
        // The shared recordings keep reset(seed)'s observation here; ours, the set state's.
        if (NEW_ENVS.includes(envId)) assertClose(got.resetObs, ep.reset_obs, 1e-6, `${envId} set_state ${ep.set_state} obs`);
        assertTrajectory(got, ep, 1e-6, `${envId} set_state ${JSON.stringify(ep.set_state)}`);
      }
    });

    it('steps each recorded float64 state to the next one to 1e-12', () => {
      for (const ep of [...ref.episodes, ...ref.state_episodes]) {
        assertOneStepStates(envId, ep, 1e-12, `${envId} from ${JSON.stringify(startState(ep))}`);
      }
    });

    // Pendulum-v1 never terminates; it only truncates at its time limit.
    it('the recordings exercise termination', { skip: envId === 'Pendulum-v1' }, () => {
      const all = [...ref.episodes, ...ref.state_episodes];
      assert.ok(all.some((ep) => ep.steps.at(-1)!.terminated));
    });
  });
}

describe('what the recordings exercise', () => {
  const states = (id: string) =>
    [...loadReference(id).episodes, ...loadReference(id).state_episodes].flatMap((ep) => [
      startState(ep),
      ...ep.steps.map((s) => s.state),
    ]);

  it('Acrobot: velocities reach their bounds and angles wrap', () => {
    const all = states('Acrobot-v1');
    assert.ok(all.some((s) => Math.abs(s[2]) === 4 * Math.PI), 'dtheta1 bounded at 4 pi');
    assert.ok(all.some((s) => Math.abs(s[3]) === 9 * Math.PI), 'dtheta2 bounded at 9 pi');
    const ref = loadReference('Acrobot-v1');
    const wraps = ref.state_episodes.some((ep) =>
      ep.steps.some((s, t) => Math.abs(s.state[1] - (t ? ep.steps[t - 1].state[1] : startState(ep)[1])) > Math.PI),
    );
    assert.ok(wraps, 'theta2 wrapped across +-pi');
  });

  it('MountainCar: the left wall stops the car and the speed is clipped', () => {
    for (const id of ['MountainCar-v0', 'MountainCarContinuous-v0']) {
      const all = states(id);
      assert.ok(all.some((s) => s[0] === Math.fround(-1.2) || s[0] === -1.2), `${id} at the wall`);
      assert.ok(all.some((s) => Math.abs(s[1]) === Math.fround(0.07) || Math.abs(s[1]) === 0.07), `${id} speed clipped`);
    }
  });

  it('MountainCar-v0 truncates at 200 steps', () => {
    const ref = loadReference('MountainCar-v0');
    assert.ok(ref.episodes.some((ep) => ep.steps.length === 200 && ep.steps[199].truncated));
  });
});

describe('classic-control details', () => {
  it('resets draw Gymnasium\'s start distributions', () => {
    const rng = new Rng(5);
    const s = new Float64Array(4);
    for (let i = 0; i < 200; i++) {
      acrobot.reset(s, 0, rng);
      for (const v of s) {
        assert.ok(Math.abs(v) <= 0.1);
        assert.equal(Math.fround(v), v, 'Acrobot start state is float32 (.astype(np.float32))');
      }
      for (const env of [mountainCar, mountainCarContinuous]) {
        env.reset(s, 0, rng);
        assert.ok(s[0] >= -0.6 && s[0] < -0.4);
        assert.equal(s[1], 0);
      }
    }
  });

  it('MountainCarContinuous clips the force to [-1, 1] but charges the unclipped action', () => {
    const a = makeEnv('MountainCarContinuous-v0');
    const b = makeEnv('MountainCarContinuous-v0');
    a.setState([-0.5, 0.01]);
    b.setState([-0.5, 0.01]);
    const ra = a.step([1]);
    const rb = b.step([3]);
    assert.deepEqual(Array.from(ra.obs), Array.from(rb.obs));
    assert.ok(Math.abs(ra.reward - -0.1) < 1e-12);
    assert.ok(Math.abs(rb.reward - -0.9) < 1e-12);
  });

  it('rejects actions outside the discrete spaces', () => {
    assert.throws(() => makeEnv('Acrobot-v1').step(3), /Acrobot-v1: action 3/);
    assert.throws(() => makeEnv('MountainCar-v0').step(-1), /MountainCar-v0: action -1/);
  });

  it('render states follow the playback format', () => {
    const s = new Float64Array([0.1, 0.2, 0.3, 0.4]);
    assert.deepEqual(acrobot.renderState(s, 0, null, 0), [0.1, 0.2, 0.3, 0.4]);
    assert.deepEqual(mountainCar.renderState(s, 0, new Float32Array([2]), 0), [0.1, 0.2, 2]);
    assert.deepEqual(mountainCar.renderState(s, 0, null, 0), [0.1, 0.2, 1]);
    assert.deepEqual(mountainCarContinuous.renderState(s, 0, new Float32Array([0.5]), 0), [0.1, 0.2, 0.5]);
    assert.deepEqual(cartPole.renderState(s, 0, new Float32Array([1]), 0), [0.1, 0.2, 0.3, 0.4]);
    assert.deepEqual(pendulum.renderState(s, 0, new Float32Array([3]), 0), [0.1, 0.2, 2], 'the clipped torque');
    assert.deepEqual(pendulum.renderState(s, 0, null, 0), [0.1, 0.2, 0]);
  });

  it('every registered environment has a render state for playback', () => {
    for (const id of ENV_IDS) {
      const dynamics = makeDynamics(id) as Partial<RenderStateSource>;
      assert.equal(typeof dynamics.renderState, 'function', `${id}.renderState`);
    }
  });

  it('vectorized: Acrobot and MountainCar truncate at their limits and auto-reset', () => {
    for (const [id, limit] of [
      ['Acrobot-v1', 500],
      ['MountainCar-v0', 200],
    ] as const) {
      const env = makeVecEnv(id, 2, 3);
      env.reset();
      const actions = new Float32Array([1, 1]); // no torque / no push: never reaches the goal
      for (let t = 1; t <= limit; t++) {
        env.step(actions, 1);
        for (let i = 0; i < 2; i++) {
          assert.equal(env.terminated[i], 0, `${id} never terminates doing nothing`);
          assert.equal(env.truncated[i], t === limit ? 1 : 0, `${id} step ${t}`);
        }
      }
      assert.equal(env.finished.length, 2);
      assert.ok(env.finished.every((e) => e.length === limit && e.return === -limit));
    }
  });
});
