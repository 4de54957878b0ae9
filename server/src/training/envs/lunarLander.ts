/**
 * LunarLander-v3 (discrete) and its continuous variant, ported from Gymnasium 1.x
 * (gymnasium/envs/box2d/lunar_lander.py) onto planck, a TypeScript port of Box2D.
 *
 * Same bodies, fixtures, joints, impulses, contact rules, observation, reward shaping and
 * termination as Gymnasium; one RNG per env draws, in Gymnasium's order, the terrain, the initial
 * push, the wind phase (when enabled) and the engine dispersion of every step. Particles are pure
 * decoration in Gymnasium (no effect on the physics, not drawn without rendering) and are left out.
 * Physics runs in float64; observations are float32. planck is not bit-identical to the C++ Box2D
 * that Gymnasium uses, so episodes agree in behaviour, not to the last digit.
 */
import { Box, Edge, Polygon, RevoluteJoint, Vec2, World, type Body, type Contact } from 'planck';
import { Rng } from '../rng';
import {
  FPS,
  H,
  INITIAL_RANDOM,
  LANDER_POLY,
  LEG_AWAY,
  LEG_DOWN,
  LEG_H,
  LEG_SPRING_TORQUE,
  LEG_W,
  MAIN_ENGINE_POWER,
  MAIN_ENGINE_Y_LOCATION,
  makeTerrain,
  SCALE,
  SIDE_ENGINE_AWAY,
  SIDE_ENGINE_HEIGHT,
  SIDE_ENGINE_POWER,
  VIEWPORT_H,
  VIEWPORT_W,
  W,
  type Terrain,
} from './lunarLanderTerrain';

/** Constructor keyword arguments, named as Gymnasium's (`gym.make("LunarLander-v3", **kwargs)`). */
export interface LunarLanderOptions {
  /** Box(2) throttle actions instead of Discrete(4). */
  continuous?: boolean;
  /** Vertical gravity, strictly between -12 and 0 (default -10). */
  gravity?: number;
  enable_wind?: boolean;
  /** Largest horizontal wind force (recommended 0 to 20; default 15). */
  wind_power?: number;
  /** Largest turbulence torque (recommended 0 to 2; default 1.5). */
  turbulence_power?: number;
}

export const LUNAR_LANDER_OPTION_KEYS: readonly (keyof LunarLanderOptions)[] = [
  'continuous',
  'gravity',
  'enable_wind',
  'wind_power',
  'turbulence_power',
];

export interface LunarLanderStep {
  obs: Float32Array;
  reward: number;
  terminated: boolean;
}

/** Drawing data that does not change during an episode (PlaybackEpisode.meta). */
export interface LunarLanderMeta {
  terrain: [number, number][];
  helipad: [number, number, number];
  W: number;
  H: number;
  /** Hull outline in body coordinates and leg half-extents, world units, for drawing. */
  landerPoly: [number, number][];
  legHalfSize: [number, number];
}

const GROUND_CATEGORY = 0x0001;
const LANDER_CATEGORY = 0x0010;
const LEG_CATEGORY = 0x0020;

/** Gymnasium's wind and turbulence profile: tanh(sin(2 k t) + sin(pi k t)), k = 0.01, never periodic. */
function windProfile(t: number): number {
  return Math.tanh(Math.sin(0.02 * t) + Math.sin(Math.PI * 0.01 * t));
}

export class LunarLander {
  readonly continuous: boolean;
  readonly gravity: number;
  readonly enableWind: boolean;
  readonly windPower: number;
  readonly turbulencePower: number;

  private rng: Rng;
  private world!: World;
  private lander!: Body;
  private legs!: [Body, Body];
  private readonly legContact: [boolean, boolean] = [false, false];
  private gameOver = false;
  private prevShaping: number | null = null;
  private terrain!: Terrain;
  private windIdx = 0;
  private torqueIdx = 0;
  /** Throttles of the last step, for playback: main in [0, 1], side signed (-: left engine). */
  private mainPower = 0;
  private sidePower = 0;
  /** The last observation before float32 rounding (Gymnasium's `state` list). */
  private readonly state = new Float64Array(8);

  constructor(options: LunarLanderOptions = {}, seed = 0) {
    checkOptions(options);
    this.continuous = options.continuous ?? false;
    this.gravity = options.gravity ?? -10.0;
    this.enableWind = options.enable_wind ?? false;
    this.windPower = options.wind_power ?? 15.0;
    this.turbulencePower = options.turbulence_power ?? 1.5;
    this.rng = new Rng(seed, 'LunarLander');
  }

  /**
   * Starts an episode. A number reseeds the env (as `reset(seed=n)`), an Rng replaces its
   * generator, nothing keeps drawing from the current one. Like Gymnasium, reset ends with one
   * no-op step, whose observation it returns.
   */
  reset(seed?: number | Rng): Float32Array {
    if (typeof seed === 'number') this.rng = new Rng(seed, 'LunarLander');
    else if (seed) this.rng = seed;
    const rng = this.rng;

    // Gymnasium v3 builds a fresh world on every reset (its fix for state leaking between episodes).
    this.world = new World({ gravity: Vec2(0, this.gravity) });
    this.world.on('begin-contact', (c) => this.beginContact(c));
    this.world.on('end-contact', (c) => this.endContact(c));
    this.gameOver = false;
    this.prevShaping = null;
    this.legContact[0] = false;
    this.legContact[1] = false;

    this.terrain = makeTerrain(rng);
    const moon = this.world.createBody({ type: 'static' });
    // Box2D's fixtureDef defaults (friction 0.2, density 0) for the base line, as pybox2d.
    moon.createFixture({ shape: new Edge(Vec2(0, 0), Vec2(W, 0)), friction: 0.2, density: 0 });
    const pts = this.terrain.points;
    for (let i = 0; i < pts.length - 1; i++) {
      moon.createFixture({
        shape: new Edge(Vec2(pts[i][0], pts[i][1]), Vec2(pts[i + 1][0], pts[i + 1][1])),
        density: 0,
        friction: 0.1,
      });
    }

    const initialX = VIEWPORT_W / SCALE / 2;
    const initialY = VIEWPORT_H / SCALE;
    this.lander = this.world.createBody({ type: 'dynamic', position: Vec2(initialX, initialY), angle: 0 });
    this.lander.createFixture({
      shape: new Polygon(LANDER_POLY.map(([x, y]) => Vec2(x / SCALE, y / SCALE))),
      density: 5.0,
      friction: 0.1,
      filterCategoryBits: LANDER_CATEGORY,
      filterMaskBits: GROUND_CATEGORY, // collide only with ground
      restitution: 0.0,
    });
    this.lander.applyForceToCenter(
      Vec2(rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM), rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM)),
      true,
    );

    if (this.enableWind) {
      // np_random.integers(-9999, 9999): the upper bound is exclusive.
      this.windIdx = rng.int(19998) - 9999;
      this.torqueIdx = rng.int(19998) - 9999;
    }

    const legs: Body[] = [];
    for (const i of [-1, +1]) {
      const leg = this.world.createBody({
        type: 'dynamic',
        position: Vec2(initialX - (i * LEG_AWAY) / SCALE, initialY),
        angle: i * 0.05,
      });
      leg.createFixture({
        shape: new Box(LEG_W / SCALE, LEG_H / SCALE),
        density: 1.0,
        restitution: 0.0,
        friction: 0.2,
        filterCategoryBits: LEG_CATEGORY,
        filterMaskBits: GROUND_CATEGORY,
      });
      // pybox2d's revoluteJointDef leaves referenceAngle at 0 (planck would otherwise take the
      // bodies' current angle difference, shifting the limits by the legs' initial tilt).
      const joint = new RevoluteJoint(
        {
          bodyA: this.lander,
          bodyB: leg,
          localAnchorA: Vec2(0, 0),
          localAnchorB: Vec2((i * LEG_AWAY) / SCALE, LEG_DOWN / SCALE),
          referenceAngle: 0,
          enableMotor: true,
          enableLimit: true,
          maxMotorTorque: LEG_SPRING_TORQUE,
          motorSpeed: +0.3 * i, // "low enough not to jump back into the sky"
          // "The most esoteric numbers here, angled legs have freedom to travel within"
          lowerAngle: i === -1 ? 0.9 - 0.5 : -0.9,
          upperAngle: i === -1 ? 0.9 : -0.9 + 0.5,
        },
      );
      this.world.createJoint(joint);
      legs.push(leg);
    }
    this.legs = [legs[0], legs[1]];

    return this.step(this.continuous ? [0, 0] : 0).obs;
  }

  /** Discrete: 0 noop, 1 left engine, 2 main engine, 3 right engine. Continuous: [main, lateral]. */
  step(action: number | ArrayLike<number>): LunarLanderStep {
    const lander = this.lander;
    if (!lander) throw new Error('LunarLander: call reset() before step()');

    if (this.enableWind && !(this.legContact[0] || this.legContact[1])) {
      const windMag = windProfile(this.windIdx) * this.windPower;
      this.windIdx += 1;
      lander.applyForceToCenter(Vec2(windMag, 0.0), true);
      const torqueMag = windProfile(this.torqueIdx) * this.turbulencePower;
      this.torqueIdx += 1;
      lander.applyTorque(torqueMag, true);
    }

    let main: number; // continuous throttles after np.clip(action, -1, +1)
    let lateral: number;
    let discrete = 0;
    if (this.continuous) {
      if (typeof action === 'number' || action.length !== 2) {
        throw new Error(`LunarLander (continuous): action must be [main, lateral], got ${String(action)}`);
      }
      main = clip(action[0], -1, 1);
      lateral = clip(action[1], -1, 1);
    } else {
      discrete = typeof action === 'number' ? action : action[0];
      if (!(discrete === 0 || discrete === 1 || discrete === 2 || discrete === 3)) {
        throw new Error(`LunarLander: action must be 0, 1, 2 or 3, got ${String(action)}`);
      }
      main = lateral = 0;
    }

    const angle = lander.getAngle();
    const tip = [Math.sin(angle), Math.cos(angle)];
    const side = [-tip[1], tip[0]];
    // Two uniforms every step, fired or not, as Gymnasium draws them.
    const dispersion = [this.rng.uniform(-1.0, +1.0) / SCALE, this.rng.uniform(-1.0, +1.0) / SCALE];

    let mPower = 0.0;
    if ((this.continuous && main > 0.0) || (!this.continuous && discrete === 2)) {
      mPower = this.continuous ? (clip(main, 0.0, 1.0) + 1.0) * 0.5 : 1.0; // 0.5..1.0
      // "4 is move a bit downwards, +-2 for randomness"
      const ox = tip[0] * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * dispersion[0]) + side[0] * dispersion[1];
      const oy = -tip[1] * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * dispersion[0]) - side[1] * dispersion[1];
      const pos = lander.getPosition();
      const impulsePos = Vec2(pos.x + ox, pos.y + oy);
      lander.applyLinearImpulse(Vec2(-ox * MAIN_ENGINE_POWER * mPower, -oy * MAIN_ENGINE_POWER * mPower), impulsePos, true);
    }

    let sPower = 0.0;
    let direction = 0;
    if ((this.continuous && Math.abs(lateral) > 0.5) || (!this.continuous && (discrete === 1 || discrete === 3))) {
      if (this.continuous) {
        direction = Math.sign(lateral);
        sPower = clip(Math.abs(lateral), 0.5, 1.0);
      } else {
        direction = discrete - 2; // 1 -> left (-1), 3 -> right (+1)
        sPower = 1.0;
      }
      const ox = tip[0] * dispersion[0] + side[0] * (3 * dispersion[1] + (direction * SIDE_ENGINE_AWAY) / SCALE);
      const oy = -tip[1] * dispersion[0] - side[1] * (3 * dispersion[1] + (direction * SIDE_ENGINE_AWAY) / SCALE);
      // Gymnasium uses 17 here where SIDE_ENGINE_HEIGHT (14) was presumably meant; the thrust
      // point then moves with the lander's orientation. Kept, since that is the benchmark.
      const pos = lander.getPosition();
      const impulsePos = Vec2(pos.x + ox - (tip[0] * 17) / SCALE, pos.y + oy + (tip[1] * SIDE_ENGINE_HEIGHT) / SCALE);
      lander.applyLinearImpulse(Vec2(-ox * SIDE_ENGINE_POWER * sPower, -oy * SIDE_ENGINE_POWER * sPower), impulsePos, true);
    }
    this.mainPower = mPower;
    this.sidePower = direction * sPower;

    this.world.step(1.0 / FPS, 6 * 30, 2 * 30);

    const pos = lander.getPosition();
    const vel = lander.getLinearVelocity();
    const s = this.state;
    s[0] = (pos.x - VIEWPORT_W / SCALE / 2) / (VIEWPORT_W / SCALE / 2);
    s[1] = (pos.y - (this.terrain.helipadY + LEG_DOWN / SCALE)) / (VIEWPORT_H / SCALE / 2);
    s[2] = (vel.x * (VIEWPORT_W / SCALE / 2)) / FPS;
    s[3] = (vel.y * (VIEWPORT_H / SCALE / 2)) / FPS;
    s[4] = lander.getAngle();
    s[5] = (20.0 * lander.getAngularVelocity()) / FPS;
    s[6] = this.legContact[0] ? 1.0 : 0.0;
    s[7] = this.legContact[1] ? 1.0 : 0.0;

    // Potential-based shaping: closer, slower, level and on its legs is better; the reward is the
    // change in the potential, minus the fuel burnt.
    const shaping =
      -100 * Math.sqrt(s[0] * s[0] + s[1] * s[1]) -
      100 * Math.sqrt(s[2] * s[2] + s[3] * s[3]) -
      100 * Math.abs(s[4]) +
      10 * s[6] +
      10 * s[7];
    let reward = this.prevShaping === null ? 0 : shaping - this.prevShaping;
    this.prevShaping = shaping;
    reward -= mPower * 0.3; // "less fuel spent is better, about -30 for heuristic landing"
    reward -= sPower * 0.03;

    let terminated = false;
    if (this.gameOver || Math.abs(s[0]) >= 1.0) {
      terminated = true;
      reward = -100;
    }
    if (!lander.isAwake()) {
      terminated = true; // came to rest: Box2D put the lander to sleep
      reward = +100;
    }
    return { obs: Float32Array.from(s), reward, terminated };
  }

  /** The last observation in float64, before rounding (for the vectorized adapter). */
  rawObservation(): Float64Array {
    return this.state;
  }

  /**
   * PlaybackEpisode frame: [x, y, angle, leg1x, leg1y, leg1angle, leg2x, leg2y, leg2angle,
   * leg1contact, leg2contact, mainPower, sidePower], world units; sidePower is signed
   * (negative: left engine, Gymnasium's action 1; positive: right engine, action 3).
   */
  renderState(): number[] {
    const frame: number[] = [];
    for (const body of [this.lander, this.legs[0], this.legs[1]]) {
      const p = body.getPosition();
      frame.push(p.x, p.y, body.getAngle());
    }
    frame.push(this.legContact[0] ? 1 : 0, this.legContact[1] ? 1 : 0, this.mainPower, this.sidePower);
    return frame;
  }

  renderMeta(): LunarLanderMeta {
    const t = this.terrain;
    return {
      terrain: t.points.map(([x, y]) => [x, y]),
      helipad: [t.helipadX1, t.helipadX2, t.helipadY],
      W,
      H,
      landerPoly: LANDER_POLY.map(([x, y]) => [x / SCALE, y / SCALE]),
      legHalfSize: [LEG_W / SCALE, LEG_H / SCALE],
    };
  }

  /** Gymnasium's ContactDetector.BeginContact: the hull touching anything ends the game. */
  private beginContact(contact: Contact): void {
    const a = contact.getFixtureA().getBody();
    const b = contact.getFixtureB().getBody();
    if (a === this.lander || b === this.lander) this.gameOver = true;
    for (let i = 0; i < 2; i++) if (a === this.legs[i] || b === this.legs[i]) this.legContact[i] = true;
  }

  private endContact(contact: Contact): void {
    const a = contact.getFixtureA().getBody();
    const b = contact.getFixtureB().getBody();
    for (let i = 0; i < 2; i++) if (a === this.legs[i] || b === this.legs[i]) this.legContact[i] = false;
  }
}

function clip(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

/** Rejects options Gymnasium would reject (gravity outside (-12, 0)) and unknown or mistyped keys. */
function checkOptions(options: LunarLanderOptions): void {
  for (const [key, value] of Object.entries(options)) {
    if (!(LUNAR_LANDER_OPTION_KEYS as readonly string[]).includes(key)) {
      throw new Error(`LunarLander: unknown option '${key}' (known: ${LUNAR_LANDER_OPTION_KEYS.join(', ')})`);
    }
    const wantBool = key === 'continuous' || key === 'enable_wind';
    if (wantBool ? typeof value !== 'boolean' : typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`LunarLander: option '${key}' must be ${wantBool ? 'true or false' : 'a number'}, got ${JSON.stringify(value)}`);
    }
  }
  const g = options.gravity;
  if (g !== undefined && !(g > -12.0 && g < 0.0)) {
    throw new Error(`LunarLander: gravity must be between -12 and 0 (exclusive), got ${g}`);
  }
}
