/**
 * One canvas renderer per environment, drawing a playback frame from the geometry in
 * geometry.ts. Environments without a picture (custom ones) get their frame as bars.
 */
import type { PlaybackEpisode, TabularGrid } from '../../../server/src/protocol/types';
import { drawGridFrame } from '../tabular/draw';
import { isTabularGrid } from '../tabular/layout';
import type { PlaybackColors } from './colors';
import {
  ACROBOT,
  ACROBOT_WORLD,
  acrobotJoints,
  CARTPOLE,
  CARTPOLE_WORLD,
  cartPolePose,
  fitViewport,
  helipadFlags,
  hillHeight,
  lunarLanderMeta,
  lunarLanderPose,
  lunarLanderWorld,
  MOUNTAIN_CAR,
  MOUNTAIN_CAR_WORLD,
  mountainCarGoal,
  mountainCarPose,
  mountainCarPush,
  PENDULUM_WORLD,
  pendulumTip,
  place,
  torqueArc,
  type Vec,
  type Viewport,
  type WorldRect,
} from './geometry';

export interface Renderer {
  /** What the picture shows, for the canvas's accessible label. */
  readonly label: string;
  draw(ctx: CanvasRenderingContext2D, frame: readonly number[], size: { width: number; height: number }, colors: PlaybackColors): void;
}

/** The renderer for an episode's environment (ids compared without their version). */
export function rendererFor(episode: PlaybackEpisode): Renderer {
  const family = episode.env.replace(/-v\d+$/, '');
  switch (family) {
    case 'CartPole':
      return worldRenderer('cart and pole', CARTPOLE_WORLD, drawCartPole);
    case 'Acrobot':
      return worldRenderer('two-link acrobot', ACROBOT_WORLD, drawAcrobot);
    case 'MountainCar':
    case 'MountainCarContinuous':
      return worldRenderer('car on the hill', MOUNTAIN_CAR_WORLD, (c, f, vp, col) => drawMountainCar(c, f, vp, col, episode.env));
    case 'Pendulum':
      return worldRenderer('pendulum', PENDULUM_WORLD, drawPendulum);
    case 'LunarLander':
    case 'LunarLanderContinuous': {
      const meta = lunarLanderMeta(episode.meta);
      return worldRenderer('lander over the terrain', lunarLanderWorld(meta), (c, f, vp, col) => drawLunarLander(c, f, vp, col, meta));
    }
    case 'FrozenLake':
    case 'FrozenLake8x8':
    case 'CliffWalking':
    case 'Taxi': {
      // Toy text: frames are [state index]; the grid (tiles) comes with the episode's meta.
      const grid = episode.meta?.grid;
      return isTabularGrid(grid) ? gridRenderer(grid) : barsRenderer;
    }
    default:
      return barsRenderer;
  }
}

type WorldDraw = (ctx: CanvasRenderingContext2D, frame: readonly number[], vp: Viewport, colors: PlaybackColors) => void;

function worldRenderer(label: string, world: WorldRect, draw: WorldDraw): Renderer {
  return {
    label,
    draw(ctx, frame, size, colors) {
      clear(ctx, size, colors);
      draw(ctx, frame, fitViewport(world, size.width, size.height), colors);
    },
  };
}

function clear(ctx: CanvasRenderingContext2D, size: { width: number; height: number }, colors: PlaybackColors): void {
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, size.width, size.height);
}

// ------------------------------------------------------------------ drawing helpers

function path(ctx: CanvasRenderingContext2D, vp: Viewport, points: readonly Vec[], close: boolean): void {
  ctx.beginPath();
  points.forEach((p, i) => {
    const c = vp.toCanvas(p);
    if (i === 0) ctx.moveTo(c.x, c.y);
    else ctx.lineTo(c.x, c.y);
  });
  if (close) ctx.closePath();
}

function line(ctx: CanvasRenderingContext2D, vp: Viewport, a: Vec, b: Vec, color: string, width: number): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineCap = 'round';
  path(ctx, vp, [a, b], false);
  ctx.stroke();
}

function polygon(ctx: CanvasRenderingContext2D, vp: Viewport, points: readonly Vec[], fill: string, stroke?: string): void {
  path(ctx, vp, points, true);
  ctx.fillStyle = fill;
  ctx.fill();
  if (stroke) {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}

function disc(ctx: CanvasRenderingContext2D, vp: Viewport, centre: Vec, radius: number, fill: string): void {
  const c = vp.toCanvas(centre);
  ctx.beginPath();
  ctx.arc(c.x, c.y, Math.max(1.5, radius * vp.scale), 0, 2 * Math.PI);
  ctx.fillStyle = fill;
  ctx.fill();
}

/** A rectangle of half-sizes (hw, hh) centred at `centre`, rotated by `angle`. */
function box(centre: Vec, hw: number, hh: number, angle: number): Vec[] {
  return [
    { x: -hw, y: -hh },
    { x: hw, y: -hh },
    { x: hw, y: hh },
    { x: -hw, y: hh },
  ].map((p) => place(p, centre, angle));
}

// ------------------------------------------------------------------ environments

function drawCartPole(ctx: CanvasRenderingContext2D, frame: readonly number[], vp: Viewport, colors: PlaybackColors): void {
  const pose = cartPolePose(frame);
  const { xThreshold, cartWidth, cartHeight, poleWidth } = CARTPOLE;
  // Track, with the termination bounds marked.
  line(ctx, vp, { x: -xThreshold - 0.3, y: 0 }, { x: xThreshold + 0.3, y: 0 }, colors.muted, 2);
  for (const x of [-xThreshold, xThreshold]) line(ctx, vp, { x, y: -0.12 }, { x, y: 0.12 }, colors.contact, 2);
  polygon(ctx, vp, box(pose.cart, cartWidth / 2, cartHeight / 2, 0), colors.foreground);
  line(ctx, vp, pose.axle, pose.tip, colors.flame, Math.max(3, poleWidth * vp.scale));
  disc(ctx, vp, pose.axle, poleWidth / 2, colors.accent);
}

function drawAcrobot(ctx: CanvasRenderingContext2D, frame: readonly number[], vp: Viewport, colors: PlaybackColors): void {
  const [pivot, elbow, tip] = acrobotJoints(frame);
  // The line the tip must rise above.
  ctx.setLineDash([6, 4]);
  line(ctx, vp, { x: -2.2, y: ACROBOT.targetY }, { x: 2.2, y: ACROBOT.targetY }, colors.goal, 1.5);
  ctx.setLineDash([]);
  const width = Math.max(3, 0.1 * vp.scale);
  line(ctx, vp, pivot, elbow, colors.body, width);
  line(ctx, vp, elbow, tip, colors.body, width);
  disc(ctx, vp, pivot, 0.06, colors.foreground);
  disc(ctx, vp, elbow, 0.06, colors.goal);
  disc(ctx, vp, tip, 0.05, colors.accent);
}

function drawMountainCar(ctx: CanvasRenderingContext2D, frame: readonly number[], vp: Viewport, colors: PlaybackColors, env: string): void {
  const { minPosition, maxPosition, carWidth, carHeight } = MOUNTAIN_CAR;
  // The hill, filled down to the bottom of the view.
  const hill: Vec[] = [];
  for (let i = 0; i <= 120; i++) {
    const x = minPosition + ((maxPosition - minPosition) * i) / 120;
    hill.push({ x, y: hillHeight(x) });
  }
  polygon(ctx, vp, [...hill, { x: maxPosition, y: 0 }, { x: minPosition, y: 0 }], colors.border);
  ctx.strokeStyle = colors.ground;
  ctx.lineWidth = 2;
  path(ctx, vp, hill, false);
  ctx.stroke();
  // The goal flag.
  const goal = mountainCarGoal(env);
  const foot = { x: goal, y: hillHeight(goal) };
  const top = { x: goal, y: foot.y + 0.12 };
  line(ctx, vp, foot, top, colors.foreground, 2);
  polygon(ctx, vp, [top, { x: goal, y: top.y - 0.04 }, { x: goal + 0.07, y: top.y - 0.02 }], colors.goal);
  // The car, tilted with the slope, wheels on the hill.
  const pose = mountainCarPose(frame);
  const lift = carHeight / 2 + 0.012;
  const centre = place({ x: 0, y: lift }, pose.ground, pose.angle);
  polygon(ctx, vp, box(centre, carWidth / 2, carHeight / 2, pose.angle), colors.body, colors.foreground);
  for (const wx of [-carWidth / 3, carWidth / 3]) disc(ctx, vp, place({ x: wx, y: 0.012 }, pose.ground, pose.angle), 0.012, colors.foreground);
  // The push of the last action, as an arrow along the slope.
  const push = mountainCarPush(env, frame);
  if (Math.abs(push) > 1e-6) {
    const from = place({ x: Math.sign(push) * (carWidth / 2 + 0.01), y: lift }, pose.ground, pose.angle);
    const to = place({ x: Math.sign(push) * (carWidth / 2 + 0.01) + push * 0.09, y: lift }, pose.ground, pose.angle);
    arrow(ctx, vp, from, to, colors.flame);
  }
}

function drawPendulum(ctx: CanvasRenderingContext2D, frame: readonly number[], vp: Viewport, colors: PlaybackColors): void {
  const pivot = { x: 0, y: 0 };
  const tip = pendulumTip(frame);
  line(ctx, vp, pivot, tip, colors.flame, Math.max(4, 0.2 * vp.scale));
  disc(ctx, vp, pivot, 0.05, colors.foreground);
  const arc = torqueArc(frame[2] ?? 0);
  if (arc) {
    const c = vp.toCanvas(pivot);
    const r = arc.radius * vp.scale;
    // Canvas angles run clockwise (y down): negate the world angles.
    ctx.beginPath();
    ctx.arc(c.x, c.y, r, -arc.start, -arc.end, arc.end > arc.start);
    ctx.strokeStyle = colors.body;
    ctx.lineWidth = 3;
    ctx.stroke();
    const head = { x: arc.radius * Math.cos(arc.end), y: arc.radius * Math.sin(arc.end) };
    const dir = Math.sign(arc.end - arc.start);
    // Tangent at the end, in the direction of travel.
    const tangent = { x: -Math.sin(arc.end) * dir, y: Math.cos(arc.end) * dir };
    arrowHead(ctx, vp, head, tangent, colors.body, 0.1);
  }
}

function drawLunarLander(
  ctx: CanvasRenderingContext2D,
  frame: readonly number[],
  vp: Viewport,
  colors: PlaybackColors,
  meta: ReturnType<typeof lunarLanderMeta>,
): void {
  const terrain: Vec[] = meta.terrain.map(([x, y]) => ({ x, y }));
  polygon(ctx, vp, [...terrain, { x: meta.W, y: 0 }, { x: 0, y: 0 }], colors.border, colors.ground);
  for (const flag of helipadFlags(meta)) {
    line(ctx, vp, flag.pole[0], flag.pole[1], colors.foreground, 1.5);
    polygon(ctx, vp, flag.pennant, colors.goal);
  }
  const pose = lunarLanderPose(frame, meta);
  for (const flame of pose.flames) polygon(ctx, vp, flame, colors.flame);
  pose.legs.forEach((leg, i) => polygon(ctx, vp, leg, pose.contacts[i] ? colors.contact : colors.accent));
  polygon(ctx, vp, pose.hull, colors.body, colors.foreground);
}

/** Custom environments: each value of the frame as a bar around a zero line (scaled to the largest). */
const barsRenderer: Renderer = {
  label: 'render state values',
  draw(ctx, frame, size, colors) {
    clear(ctx, size, colors);
    const n = Math.max(1, frame.length);
    const max = Math.max(1e-9, ...frame.map((v) => Math.abs(v)));
    const mid = size.height / 2;
    const slot = size.width / n;
    ctx.strokeStyle = colors.muted;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, mid);
    ctx.lineTo(size.width, mid);
    ctx.stroke();
    ctx.fillStyle = colors.body;
    frame.forEach((v, i) => {
      const h = (v / max) * (mid - 8);
      ctx.fillRect(i * slot + slot * 0.2, Math.min(mid, mid - h), slot * 0.6, Math.abs(h));
    });
  },
};

function arrow(ctx: CanvasRenderingContext2D, vp: Viewport, from: Vec, to: Vec, color: string): void {
  line(ctx, vp, from, to, color, 3);
  const d = { x: to.x - from.x, y: to.y - from.y };
  const len = Math.hypot(d.x, d.y) || 1;
  arrowHead(ctx, vp, to, { x: d.x / len, y: d.y / len }, color, 0.03);
}

/** A filled triangle at `at`, pointing along the unit vector `dir`, `size` world units long. */
function arrowHead(ctx: CanvasRenderingContext2D, vp: Viewport, at: Vec, dir: Vec, color: string, size: number): void {
  const back = { x: at.x - dir.x * size, y: at.y - dir.y * size };
  const normal = { x: -dir.y * size * 0.6, y: dir.x * size * 0.6 };
  polygon(ctx, vp, [
    { x: at.x + dir.x * size * 0.3, y: at.y + dir.y * size * 0.3 },
    { x: back.x + normal.x, y: back.y + normal.y },
    { x: back.x - normal.x, y: back.y - normal.y },
  ], color);
}

/** A toy-text grid with the agent on its cell (webview/src/tabular/draw.ts). */
function gridRenderer(grid: TabularGrid): Renderer {
  return {
    label: 'agent on the grid',
    draw(ctx, frame, size, colors) {
      drawGridFrame(ctx, grid, frame[0] ?? 0, size, colors);
    },
  };
}
