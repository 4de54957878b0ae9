/**
 * Seeded pseudo-random numbers. sfc32 (Chris Doty-Humphrey's "small fast chaotic" generator,
 * PractRand-clean, 128-bit state) is a few integer ops per draw: the rollout loop draws one or
 * more numbers per env step, so Math.random-like speed matters and reproducibility is required.
 *
 * Each purpose (env resets, action sampling, network init, minibatch shuffles) gets its own stream
 * derived from the run seed and a name, so changing how often one part draws does not shift
 * the numbers another part sees.
 */
/** A serializable snapshot of an Rng (plain numbers, JSON-safe). */
export interface RngState {
  a: number;
  b: number;
  c: number;
  d: number;
  spare: number | null;
}

export function isRngState(x: unknown): x is RngState {
  const s = x as Partial<RngState> | null;
  return (
    !!s &&
    [s.a, s.b, s.c, s.d].every((v) => typeof v === 'number' && Number.isInteger(v)) &&
    (s.spare === null || typeof s.spare === 'number')
  );
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Second Box–Muller deviate, kept for the next normal() call. */
  private spare: number | null = null;

  constructor(seed: number, stream = '') {
    // splitmix32 over (seed, hash(stream)) spreads nearby seeds into unrelated states.
    let s = (seed ^ hashString(stream)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32(); // warm-up recommended for sfc32
  }

  /**
   * The generator's whole state, for checkpoints: restoring it with setState makes the
   * stream continue exactly where it was (the spare Box–Muller deviate included).
   */
  getState(): RngState {
    return { a: this.a, b: this.b, c: this.c, d: this.d, spare: this.spare };
  }

  setState(state: RngState): void {
    this.a = state.a | 0;
    this.b = state.b | 0;
    this.c = state.c | 0;
    this.d = state.d | 0;
    this.spare = state.spare;
  }

  /** A new independent generator for one purpose of the same run. */
  static stream(seed: number, purpose: string): Rng {
    return new Rng(seed, purpose);
  }

  nextUint32(): number {
    // sfc32 step.
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** Standard normal via the Box–Muller transform (both deviates are used). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.random(); // log(0) guard
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

/** FNV-1a, 32-bit: turns a stream name into seed bits. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
