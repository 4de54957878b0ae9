/**
 * A minimal WebAssembly binary writer: just what the dense-layer kernels (kernels.ts) need —
 * functions of i32 parameters and no results, locals, structured loops, i32 and f32 scalar
 * ops, and the 128-bit SIMD ops for f32x4. Opcodes and encodings are those of the
 * WebAssembly core specification 2.0 (binary format, section 5) and its fixed-width SIMD
 * proposal (https://github.com/WebAssembly/simd/blob/main/proposals/simd/BinarySIMD.md).
 *
 * Why hand-written bytes: the project builds with esbuild only (no Emscripten, no wat2wasm),
 * and a few hundred bytes of code do not justify a toolchain.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function f32Bytes(x: number): number[] {
  return Array.from(new Uint8Array(new Float32Array([x]).buffer));
}

/** The body of one function, written instruction by instruction. */
export class FnBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  /** `params` i32 parameters (locals 0..params-1). */
  constructor(readonly name: string, readonly params: number) {}

  /** Declares a local; returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params + this.localTypes.length - 1;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  private simd(opcode: number): this {
    return this.op(0xfd, ...uleb(opcode));
  }

  get(i: number): this { return this.op(0x20, ...uleb(i)); }
  set(i: number): this { return this.op(0x21, ...uleb(i)); }
  tee(i: number): this { return this.op(0x22, ...uleb(i)); }
  i32(n: number): this { return this.op(0x41, ...sleb(n)); }
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  mul(): this { return this.op(0x6c); }
  shl(): this { return this.op(0x74); }
  ltU(): this { return this.op(0x49); }
  ne(): this { return this.op(0x47); }
  f32Load(offset = 0): this { return this.op(0x2a, 2, ...uleb(offset)); }
  f32Store(offset = 0): this { return this.op(0x38, 2, ...uleb(offset)); }
  v128Load(offset = 0): this { return this.op(0xfd, 0x00, 4, ...uleb(offset)); }
  v128Store(offset = 0): this { return this.op(0xfd, 0x0b, 4, ...uleb(offset)); }
  /** v128.const with the same f32 in every lane. */
  f32x4Const(x: number): this { return this.op(0xfd, 0x0c, ...f32Bytes(x), ...f32Bytes(x), ...f32Bytes(x), ...f32Bytes(x)); }
  f32x4Splat(): this { return this.simd(0x13); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Mul(): this { return this.simd(0xe6); }
  f32x4Div(): this { return this.simd(0xe7); }
  f32x4Min(): this { return this.simd(0xe8); }
  f32x4Max(): this { return this.simd(0xe9); }
  f32x4Sqrt(): this { return this.simd(0xe3); }
  f32x4Abs(): this { return this.simd(0xe0); }
  f32x4Gt(): this { return this.simd(0x44); }
  i32x4Shl(): this { return this.simd(0xab); }
  i32x4ShrS(): this { return this.simd(0xac); }
  v128AndNot(): this { return this.simd(0x4f); }
  v128Bitselect(): this { return this.simd(0x52); }
  v128And(): this { return this.simd(0x4e); }
  /** Two f32 at addr into the low lanes, zeros above (v128.load64_zero). */
  v128Load64Zero(offset = 0): this { return this.op(0xfd, 0x5d, 3, ...uleb(offset)); }
  /** The low 64 bits (two f32 lanes) to addr (v128.store64_lane, lane 0). */
  v128Store64Lane0(offset = 0): this { return this.op(0xfd, 0x5b, 3, ...uleb(offset), 0); }
  f64PromoteF32(): this { return this.op(0xbb); }
  f64x2Splat(): this { return this.simd(0x14); }
  f64x2PromoteLow(): this { return this.simd(0x5f); }
  f32x4DemoteZero(): this { return this.simd(0x5e); }
  f64x2Add(): this { return this.simd(0xf0); }
  f64x2Mul(): this { return this.simd(0xf2); }
  f64x2Div(): this { return this.simd(0xf3); }
  f64x2Abs(): this { return this.simd(0xec); }
  f64x2Lt(): this { return this.simd(0x49); }
  f64x2Gt(): this { return this.simd(0x4a); }
  /** v128.const with the same f64 in both lanes. */
  f64x2Const(x: number): this {
    const b = Array.from(new Uint8Array(new Float64Array([x, x]).buffer));
    return this.op(0xfd, 0x0c, ...b);
  }

  /** loop ... end: `body` runs, then branches back while `cond` leaves a non-zero i32 (a do-while). */
  doWhile(body: () => void, cond: () => void): this {
    this.op(0x03, 0x40);
    body();
    cond();
    this.op(0x0d, 0); // br_if 0: back to the loop's start
    return this.op(0x0b);
  }

  /** local[i] += delta (i32). */
  inc(i: number, delta: number | (() => void)): this {
    this.get(i);
    if (typeof delta === 'number') this.i32(delta);
    else delta();
    return this.add().set(i);
  }

  /** The function body as the code section encodes it (locals, then instructions, then end). */
  body(): number[] {
    const groups: [number, ValType][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const bytes = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), t]), ...this.code, 0x0b];
    return [...uleb(bytes.length), ...bytes];
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

/** A module with one exported memory (`memory`, `pages` x 64 KiB, growable) and the given functions, exported by name. */
export function assemble(fns: FnBuilder[], pages: number): Uint8Array {
  const arities = [...new Set(fns.map((f) => f.params))];
  const types = arities.map((n) => [0x60, ...uleb(n), ...new Array<number>(n).fill(I32), 0]);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(fns.map((f) => uleb(arities.indexOf(f.params))))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec([[...name('memory'), 0x02, 0], ...fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])])),
    ...section(10, vec(fns.map((f) => f.body()))),
  ];
  return new Uint8Array(bytes);
}
