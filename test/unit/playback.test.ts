/**
 * Playback recording (server/src/training/evaluate.ts, the trainAndRecord hook, the run store's
 * playback.json) and the webview's pure playback pieces (geometry, the frame clock).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import { isPlaybackEpisode } from '../../server/src/protocol/types';
import type { ResolvedConfig } from '../../server/src/schema';
import type { EnvDynamics } from '../../server/src/training/envs/dynamics';
import { ENV_IDS, envSpec } from '../../server/src/training/envs/registry';
import type { EnvSpec } from '../../server/src/training/envs/spaces';
import { evaluatePolicy, recordEpisode, UNLIMITED_EPISODE_CAP } from '../../server/src/training/evaluate';
import { trainAndRecord } from '../../server/src/training/recordRun';
import { createRun, PLAYBACK_FILE, readPlayback, readRunSummary } from '../../server/src/training/runStore';
import {
  ACROBOT,
  acrobotJoints,
  cartPolePose,
  fitViewport,
  helipadFlags,
  hillAngle,
  hillHeight,
  lunarLanderMeta,
  lunarLanderPose,
  mountainCarGoal,
  mountainCarPose,
  mountainCarPush,
  pendulumTip,
  returnAt,
  torqueArc,
} from '../../webview/src/playback/geometry';
import { Player, type FrameScheduler } from '../../webview/src/playback/player';
import { parseHostMessage } from '../../webview/src/messages';
import { parseWebviewMessage } from '../../extension/src/dashboard/messages';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

/** A fixed controller per environment (not a learned policy): enough to make episodes move. */
function fixedAction(env: string): (obs: Float32Array, t: number) => number[] {
  if (env.startsWith('CartPole')) return (obs) => [obs[2] + 0.5 * obs[3] > 0 ? 1 : 0];
  if (env.startsWith('Pendulum')) return (_obs, t) => [t % 40 < 20 ? 2 : -2];
  if (env.startsWith('MountainCarContinuous')) return (obs) => [obs[1] >= 0 ? 1 : -1];
  if (env.startsWith('MountainCar')) return (obs) => [obs[1] >= 0 ? 2 : 0];
  if (env.startsWith('Acrobot')) return (obs) => [obs[4] >= 0 ? 2 : 0];
  if (env === 'LunarLanderContinuous-v3') return (_obs, t) => [t % 3 === 0 ? 0.5 : -1, 0.3];
  // Toy text (one-hot observations): CliffWalking climbs off the start row, walks right, then down to the goal.
  if (env.startsWith('CliffWalking')) return (obs, t) => [t === 0 ? 0 : obs.indexOf(1) % 12 === 11 ? 2 : 1];
  if (env === 'Taxi-v3') return () => [0]; // south until the time limit
  return (_obs, t) => [t % 4];
}

function record(env: string, seed: number, maxSteps?: number) {
  const act = fixedAction(env);
  let t = 0;
  return recordEpisode({ env, seed, ...(maxSteps !== undefined ? { maxSteps } : {}) }, (obs) => act(obs, t++));
}

describe('recordEpisode', () => {
  for (const env of ENV_IDS) {
    it(`${env}: frames = steps + 1, within the time limit, ended by termination or truncation`, () => {
      const episode = record(env, 11);
      assert.ok(isPlaybackEpisode(episode));
      assert.equal(episode.env, env);
      assert.equal(episode.frames.length, episode.rewards.length + 1);
      const limit = Math.min(envSpec(env).maxEpisodeSteps, UNLIMITED_EPISODE_CAP);
      assert.ok(episode.rewards.length >= 1 && episode.rewards.length <= limit, `${episode.rewards.length} steps`);
      assert.ok(episode.terminated || episode.truncated, 'the episode ran to its end');
      if (episode.truncated) assert.equal(episode.rewards.length, limit);
      assert.ok(episode.dt > 0 && episode.dt < 1);
      const width = episode.frames[0].length;
      assert.ok(width > 0 && episode.frames.every((f) => f.length === width && f.every(Number.isFinite)));
      // Frames move: the last differs from the first.
      assert.notDeepEqual(episode.frames[episode.frames.length - 1], episode.frames[0]);
    });
  }

  it('is deterministic for a seed and differs across seeds', () => {
    for (const env of ['CartPole-v1', 'Pendulum-v1', 'LunarLander-v3'].filter((e) => ENV_IDS.includes(e))) {
      assert.deepEqual(record(env, 5), record(env, 5), env);
      assert.notDeepEqual(record(env, 5).frames[0], record(env, 6).frames[0], env);
    }
  });

  it('never runs past the env step limit, and stops at a smaller cap', () => {
    const pendulum = record('Pendulum-v1', 1, 10_000);
    assert.equal(pendulum.rewards.length, 200);
    assert.equal(pendulum.frames.length, 201);
    assert.equal(pendulum.truncated, true);
    const short = record('Pendulum-v1', 1, 7);
    assert.equal(short.frames.length, 8);
    assert.equal(short.truncated, false, 'a cap below the time limit is not a truncation');
  });

  it('records Pendulum frames as [theta, theta_dot, clipped torque], torque 0 after the reset', () => {
    const episode = recordEpisode({ env: 'Pendulum-v1', seed: 2, maxSteps: 3 }, () => [5]);
    assert.equal(episode.frames[0][2], 0);
    assert.deepEqual(episode.frames.slice(1).map((f) => f[2]), [2, 2, 2]);
  });

  it('an env without renderState (a custom module) records its observations as frames', () => {
    // A one-dimensional walk: position += action - 0.5, ends beyond 2; observation [position, 1].
    const walk: EnvDynamics = {
      stateDim: 1,
      obsDim: 2,
      reset: (state, o) => void (state[o] = 0),
      step: (state, o, actions, a) => ((state[o] += actions[a] - 0.5), 1),
      terminated: (state, o) => state[o] > 2,
      observe: (state, o, obs, out) => {
        obs[out] = state[o];
        obs[out + 1] = 1;
      },
    };
    const spec: EnvSpec = {
      id: 'custom',
      summary: 'walk',
      observationSpace: { kind: 'box', shape: [2], low: [-10, 0], high: [10, 1] },
      actionSpace: { kind: 'discrete', n: 2 },
      rewardThreshold: null,
      maxEpisodeSteps: 50,
    };
    const episode = recordEpisode({ env: 'custom', seed: 1, source: { spec, dynamics: walk } }, () => [1]);
    assert.deepEqual(episode.frames.map((f) => f[0]), [0, 0.5, 1, 1.5, 2, 2.5]);
    assert.equal(episode.terminated, true);
    assert.equal(episode.meta, undefined);
  });

  it('LunarLander records its terrain and helipad as meta', { skip: !ENV_IDS.includes('LunarLander-v3') }, () => {
    const episode = record('LunarLander-v3', 3);
    const meta = episode.meta as Record<string, unknown>;
    assert.ok(Array.isArray(meta.terrain) && meta.terrain.length > 2);
    assert.equal((meta.helipad as number[]).length, 3);
    assert.equal(episode.frames[0].length, 13);
  });
});

describe('evaluatePolicy', () => {
  const cartpole = tinyConfig('CartPole-v1');

  it('feeds observations through the policy transform before acting', () => {
    const seen: number[][] = [];
    const episode = evaluatePolicy(cartpole, {
      transformObs: (obs) => Float32Array.from(obs, (v) => v * 10),
      actDeterministic: (obs) => {
        seen.push(Array.from(obs));
        return Float32Array.of(obs[2] > 0 ? 1 : 0);
      },
    });
    assert.equal(seen.length, episode.rewards.length);
    // Frame 0 is the reset state; CartPole's observation is its state, so the policy saw it x10.
    seen[0].forEach((v, i) => close(v, Math.fround(Math.fround(episode.frames[0][i]) * 10), 1e-5));
  });
});

describe('trainAndRecord records playback.json', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function trainTiny(env: string, prepare?: (runDir: string) => void) {
    const root = mkdtempSync(join(tmpdir(), 'rl-lab-playback-'));
    dirs.push(root);
    const config = tinyConfig(env);
    const run = createRun({ runsDir: join(root, 'runs'), workspaceRoot: root, filePath: join(root, 'x.rl.yaml'), config });
    prepare?.(run.runDir);
    const warnings: string[] = [];
    const { result } = await trainAndRecord({ runDir: run.runDir, config, backend: 'cpu', shouldStop: () => false, events: { warning: (m) => warnings.push(m) } });
    return { runDir: run.runDir, result, warnings, config };
  }

  it('a finished CartPole run has a deterministic episode of the final policy within the limit', async () => {
    const a = await trainTiny('CartPole-v1');
    assert.equal(a.result?.status, 'completed');
    assert.deepEqual(a.warnings, []);
    const episode = readPlayback(a.runDir);
    assert.ok(episode, 'playback.json was written');
    assert.equal(episode.env, 'CartPole-v1');
    assert.equal(episode.frames.length, episode.rewards.length + 1);
    assert.ok(episode.rewards.length <= 500);
    // Same config, same seed, same backend: the same trained policy, the same episode.
    const b = await trainTiny('CartPole-v1');
    assert.deepEqual(readPlayback(b.runDir), episode);
  });

  it('a Gaussian policy (Pendulum) acts with its mean, inside the torque bounds', async () => {
    const { runDir, result } = await trainTiny('Pendulum-v1');
    assert.equal(result?.status, 'completed');
    const episode = readPlayback(runDir)!;
    assert.equal(episode.frames.length, 201);
    assert.ok(episode.frames.slice(1).every((f) => Math.abs(f[2]) <= 2));
  });

  it('a playback that cannot be written leaves the run completed, with a warning', async () => {
    // A directory where playback.json should go makes the write fail for real.
    const { runDir, result, warnings } = await trainTiny('CartPole-v1', (dir) => mkdirSync(join(dir, PLAYBACK_FILE)));
    assert.equal(result?.status, 'completed');
    assert.equal(readRunSummary(runDir).status, 'completed');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /playback not recorded/);
    assert.equal(readPlayback(runDir), null);
  });

  it('readPlayback gives null for a missing or damaged file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-lab-playback-'));
    dirs.push(dir);
    assert.equal(readPlayback(dir), null);
    writeFileSync(join(dir, PLAYBACK_FILE), '{"env":"CartPole-v1","dt":0.02,"frames":[[0,0,0,0]],"rew');
    assert.equal(readPlayback(dir), null);
    writeFileSync(join(dir, PLAYBACK_FILE), JSON.stringify({ env: 'CartPole-v1', dt: 0.02, frames: [[0, 0, 0, 0]], rewards: [1] }));
    assert.equal(readPlayback(dir), null, 'rewards must be one shorter than frames');
    writeFileSync(join(dir, PLAYBACK_FILE), JSON.stringify({ env: 'CartPole-v1', dt: 0.02, frames: [[0, 0, 0, 0], [1, 0, 0, 0]], rewards: [1] }));
    assert.deepEqual(readPlayback(dir)?.frames, [[0, 0, 0, 0], [1, 0, 0, 0]]);
    assert.ok(readFileSync(join(dir, PLAYBACK_FILE), 'utf8').length > 0);
  });
});

describe('playback messages', () => {
  it('the host accepts requestPlayback with a run id only', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'requestPlayback', payload: { runId: 'r1' } }), {
      type: 'requestPlayback',
      payload: { runId: 'r1' },
    });
    assert.equal(parseWebviewMessage({ type: 'requestPlayback', payload: {} }), undefined);
  });

  it('the page accepts a playback episode or null, and rejects a malformed one', () => {
    const episode = { env: 'CartPole-v1', dt: 0.02, frames: [[0, 0, 0, 0], [0.1, 0, 0, 0]], rewards: [1] };
    assert.deepEqual(parseHostMessage({ type: 'playback', payload: { runId: 'r', episode } }), { type: 'playback', payload: { runId: 'r', episode } });
    assert.deepEqual(parseHostMessage({ type: 'playback', payload: { runId: 'r', episode: null } }), { type: 'playback', payload: { runId: 'r', episode: null } });
    for (const bad of [
      { ...episode, rewards: [] },
      { ...episode, frames: [] },
      { ...episode, dt: 0 },
      { ...episode, frames: [[0, 'x']] },
      { ...episode, meta: [1] },
    ]) {
      assert.equal(parseHostMessage({ type: 'playback', payload: { runId: 'r', episode: bad } }), undefined, JSON.stringify(bad));
    }
  });
});

describe('playback geometry', () => {
  it('fits the world into the canvas with y up and the aspect kept', () => {
    const vp = fitViewport({ left: -1, right: 1, bottom: 0, top: 1 }, 400, 400, 0);
    assert.equal(vp.scale, 200);
    assert.deepEqual(vp.toCanvas({ x: -1, y: 0 }), { x: 0, y: 300 });
    assert.deepEqual(vp.toCanvas({ x: 1, y: 1 }), { x: 400, y: 100 });
  });

  it('CartPole: the pole stands on the axle and leans right for positive theta', () => {
    const up = cartPolePose([0.5, 0, 0, 0]);
    close(up.tip.x, 0.5);
    close(up.tip.y - up.axle.y, 1);
    const leaning = cartPolePose([0, 0, 0.2, 0]);
    close(leaning.tip.x, Math.sin(0.2));
    assert.ok(leaning.tip.x > 0);
  });

  it("Acrobot: hangs down at rest, reaches y = 2 straight up, Gymnasium's axis swap", () => {
    const rest = acrobotJoints([0, 0, 0, 0]);
    close(rest[2].x, 0);
    close(rest[2].y, -2);
    const up = acrobotJoints([Math.PI, 0, 0, 0]);
    close(up[2].y, 2, 1e-12);
    assert.ok(up[2].y > ACROBOT.targetY);
    // Terminal test of acrobot.py: -cos(t1) - cos(t1 + t2) > 1 is exactly tip.y > 1.
    const s = [2.0, 0.7];
    close(acrobotJoints(s)[2].y, -Math.cos(s[0]) - Math.cos(s[0] + s[1]), 1e-12);
  });

  it('MountainCar: the car sits on y = sin(3x) * 0.45 + 0.55, tilted by the slope', () => {
    close(hillHeight(-Math.PI / 6), 0.1);
    close(hillAngle(-Math.PI / 6), 0, 1e-12);
    const pose = mountainCarPose([0.3, 0, 2]);
    close(pose.ground.y, Math.sin(0.9) * 0.45 + 0.55);
    close(pose.angle, Math.atan(1.35 * Math.cos(0.9)));
    assert.equal(mountainCarGoal('MountainCar-v0'), 0.5);
    assert.equal(mountainCarGoal('MountainCarContinuous-v0'), 0.45);
    assert.deepEqual([0, 1, 2].map((a) => mountainCarPush('MountainCar-v0', [0, 0, a])), [-1, 0, 1]);
    assert.equal(mountainCarPush('MountainCarContinuous-v0', [0, 0, 3]), 1);
  });

  it('Pendulum: upright at theta = 0, counter-clockwise for positive theta; torque arcs by sign', () => {
    const up = pendulumTip([0, 0, 0]);
    close(up.x, 0);
    close(up.y, 1);
    const left = pendulumTip([Math.PI / 2, 0, 0]);
    close(left.x, -1);
    close(left.y, 0, 1e-12);
    assert.equal(torqueArc(0), null);
    const ccw = torqueArc(2)!;
    const cw = torqueArc(-1)!;
    assert.ok(ccw.end > ccw.start && cw.end < cw.start);
    assert.ok(Math.abs(ccw.end - ccw.start) > Math.abs(cw.end - cw.start), 'the sweep grows with |u|');
  });

  it('LunarLander: hull around the body, legs at their poses, flames only when the engines fire', () => {
    const meta = lunarLanderMeta({ W: 20, H: 40 / 3, helipad: [8, 12, 10 / 3], terrain: [[0, 3], [20, 3]] });
    const frame = [10, 8, 0, 9.5, 7.4, 0.3, 10.5, 7.4, -0.3, 1, 0, 0, 0];
    const pose = lunarLanderPose(frame, meta);
    const cx = pose.hull.reduce((a, p) => a + p.x, 0) / pose.hull.length;
    close(cx, 10, 1e-9);
    assert.deepEqual(pose.contacts, [true, false]);
    assert.equal(pose.flames.length, 0);
    const legCentre = pose.legs[0].reduce((a, p) => ({ x: a.x + p.x / 4, y: a.y + p.y / 4 }), { x: 0, y: 0 });
    close(legCentre.x, 9.5, 1e-9);
    close(legCentre.y, 7.4, 1e-9);
    const firing = lunarLanderPose([...frame.slice(0, 11), 1, -1], meta);
    assert.equal(firing.flames.length, 2);
    // Upright lander: the main flame points down, the left engine's flame out to the left.
    assert.ok(Math.min(...firing.flames[0].map((p) => p.y)) < Math.min(...pose.hull.map((p) => p.y)));
    assert.ok(Math.min(...firing.flames[1].map((p) => p.x)) < Math.min(...pose.hull.map((p) => p.x)));
    const flags = helipadFlags(meta);
    assert.deepEqual(flags.map((f) => f.pole[0].x), [8, 12]);
  });

  it('returnAt sums the rewards received before a frame', () => {
    assert.equal(returnAt([1, 2, 3], 0), 0);
    assert.equal(returnAt([1, 2, 3], 2), 3);
    assert.equal(returnAt([1, 2, 3], 9), 6);
  });
});

describe('playback clock', () => {
  /** Animation frames on demand: the test says when the next one fires and at what time. */
  class ManualFrames implements FrameScheduler {
    private pending = new Map<number, (now: number) => void>();
    private next = 1;
    request(cb: (now: number) => void): number {
      this.pending.set(this.next, cb);
      return this.next++;
    }
    cancel(h: number): void {
      this.pending.delete(h);
    }
    fire(now: number): void {
      const due = [...this.pending.values()];
      this.pending.clear();
      for (const cb of due) cb(now);
    }
    get waiting(): number {
      return this.pending.size;
    }
  }

  it('plays at dt / speed, pauses, steps one frame and stops at the end', () => {
    const frames = new ManualFrames();
    let changes = 0;
    const player = new Player(11, 0.1, () => changes++, frames);
    player.play();
    frames.fire(0);
    frames.fire(250); // 0.25 s at 1x: two frames, 0.05 s carried
    assert.equal(player.index, 2);
    player.setSpeed(2);
    frames.fire(300); // 0.05 + 0.1 = 0.15 s: one more frame
    assert.equal(player.index, 3);
    player.pause();
    assert.equal(frames.waiting, 0, 'no frame is scheduled while paused');
    player.step(1);
    assert.equal(player.index, 4);
    player.step(-2);
    assert.equal(player.index, 2);
    player.step(-5);
    assert.equal(player.index, 0);
    player.play();
    frames.fire(1000);
    frames.fire(5000);
    assert.equal(player.index, 10);
    assert.equal(player.playing, false, 'playing stops at the last frame');
    player.play(); // from the end: starts again at frame 0
    assert.equal(player.index, 0);
    assert.ok(changes > 5);
    player.dispose();
  });
});

function tinyConfig(env: string): ResolvedConfig {
  const text = `tiny:\n  algo: ppo\n  env: ${env}\n  seed: 4\n  n_envs: 2\n  n_timesteps: 256\n  n_steps: 64\n  batch_size: 64\n  n_epochs: 2\n`;
  const loaded = loadExperimentConfig(text, 'tiny.rl.yaml', 'tiny');
  if ('error' in loaded) throw new Error(loaded.error.message);
  return loaded.config;
}
