/**
 * Display downsampling: a chart never draws more than a few points per pixel, whatever the
 * stored series holds (the store keeps every point; only what is drawn is reduced).
 */

/** Index of the first x >= value in ascending xs[from..to) (binary search). */
export function lowerBound(xs: ArrayLike<number>, value: number, from = 0, to = xs.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013, "Downsampling Time Series for Visual
 * Representation", sec. 4.2) over xs/ys[from..to): keeps the first and last point and, from
 * each of `threshold - 2` buckets, the point forming the largest triangle with the point kept
 * before it and the average of the next bucket. Returns indices into xs/ys. Points with a
 * non-finite y are expected to have been removed.
 */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, from: number, to: number, threshold: number): Uint32Array {
  const n = to - from;
  if (threshold >= n || threshold < 3) {
    const all = new Uint32Array(Math.max(n, 0));
    for (let i = 0; i < n; i++) all[i] = from + i;
    return all;
  }
  const out = new Uint32Array(threshold);
  const every = (n - 2) / (threshold - 2);
  let a = from;
  out[0] = a;
  for (let b = 0; b < threshold - 2; b++) {
    // The next bucket's average point.
    let avgStart = from + Math.floor((b + 1) * every) + 1;
    let avgEnd = from + Math.floor((b + 2) * every) + 1;
    if (avgEnd > to) avgEnd = to;
    if (avgStart >= avgEnd) avgStart = avgEnd - 1;
    let avgX = 0;
    let avgY = 0;
    for (let j = avgStart; j < avgEnd; j++) {
      avgX += xs[j];
      avgY += ys[j];
    }
    const len = avgEnd - avgStart;
    avgX /= len;
    avgY /= len;
    // This bucket: the point with the largest triangle area.
    const start = from + Math.floor(b * every) + 1;
    const end = from + Math.floor((b + 1) * every) + 1;
    const ax = xs[a];
    const ay = ys[a];
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((ax - avgX) * (ys[j] - ay) - (ax - xs[j]) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out[b + 1] = best;
    a = best;
  }
  out[threshold - 1] = to - 1;
  return out;
}

/**
 * Min/max envelope over xs/ys[from..to) in `buckets` equal index buckets: per bucket the
 * mean x, and the smallest and largest y (the band the raw series spans there).
 */
export function minMaxEnvelope(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  from: number,
  to: number,
  buckets: number,
): { x: number[]; min: number[]; max: number[] } {
  const n = to - from;
  const count = Math.max(0, Math.min(buckets, n));
  const x: number[] = [];
  const min: number[] = [];
  const max: number[] = [];
  for (let b = 0; b < count; b++) {
    const s = from + Math.floor((b * n) / count);
    const e = from + Math.floor(((b + 1) * n) / count);
    let lo = Infinity;
    let hi = -Infinity;
    let sx = 0;
    for (let j = s; j < e; j++) {
      const y = ys[j];
      if (y < lo) lo = y;
      if (y > hi) hi = y;
      sx += xs[j];
    }
    if (e > s) {
      x.push(sx / (e - s));
      min.push(lo);
      max.push(hi);
    }
  }
  return { x, min, max };
}
