import type { XAxisKind } from './track';

/** Axis titles per x axis. */
export const X_AXIS_TITLES: Record<XAxisKind, string> = {
  step: 'env steps',
  update: 'updates (logged rows)',
  wall: 'wall time',
  relative: 'time since start',
};

/** 1234567 -> "1.23M", 25000 -> "25k". */
export function compactNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${trim(v / 1e9)}G`;
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  return trim(v);
}

function trim(v: number): string {
  return String(Number.parseFloat(v.toPrecision(3)));
}

/** Seconds -> "42s", "3:05", "1:02:03". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  const sign = s < 0 ? '-' : '';
  const t = Math.abs(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  if (h > 0) return `${sign}${h}:${pad(m)}:${pad(sec)}`;
  if (m > 0) return `${sign}${m}:${pad(sec)}`;
  return `${sign}${sec}s`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A tick or read-out label for x on the given axis. */
export function formatX(axis: XAxisKind, x: number): string {
  switch (axis) {
    case 'step':
    case 'update':
      return compactNumber(x);
    case 'wall': {
      const d = new Date(x);
      return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    }
    case 'relative':
      return duration(x);
  }
}

export function formatY(y: number): string {
  if (!Number.isFinite(y)) return String(y);
  const a = Math.abs(y);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? y.toExponential(3) : String(Number.parseFloat(y.toPrecision(4)));
}
