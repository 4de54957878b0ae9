/**
 * WebAssembly SIMD kernels for the forward and backward pass of small dense networks, on
 * row-major f32 matrices in the module's own memory (byte offsets as pointers):
 *
 *   gemmNN(a, b, c, bias, M, K, N)   C[M x N] = A[M x K] B[K x N] + 1 bias^T
 *   gemmTN(a, b, c, bias, M, K, N)   C[M x N] = A^T B + 1 bias^T, A stored [K x M]   (dW = X^T dZ)
 *   tanh(p, n)                        p <- tanh(p) = 2 sigmoid(2 p) - 1, XNNPACK's sigmoid
 *   tanhGrad(dh, h, dz, n)            dz <- dh * (1 - h^2)                              (d tanh)
 *   colSum(p, rows, N, out)           out[j] = sum_r p[r, j]                            (db = 1^T dZ)
 *   adam(p, g, m, v, n, scalars)      one Adam step in float32 (FlatAdam's arithmetic)
 *   denseF64*(x, w, b, y, rows, K, N) y = act(x W + b) in float64, as nn/jsMlp.ts (inference)
 *
 * Every dimension must be a multiple of 4 (callers pad with zeros); N a multiple of 8 selects
 * the wider 4 x 8 register block. Each gemm computes 4 output rows x 4 (or 8) columns in
 * SIMD registers, loading every element of B once per 4 rows: the textbook register-blocked
 * loop (Goto & van de Geijn 2008, without packing — the matrices here fit in L1/L2). Each
 * output starts at its bias and adds the products in k order, multiply then add (no fused
 * multiply-add in WebAssembly SIMD), as XNNPACK's GEMM micro-kernels do: the results are
 * bit-identical to tfjs-backend-wasm's MatMul (the unit test checks whole gradients).
 *
 * Why our own kernels and not TensorFlow.js's: a PPO minibatch of CleanRL's 64-64 networks is
 * ~3.4M multiply-adds split over ~45 kernels; tfjs-backend-wasm spends more in dispatch than
 * in arithmetic, and its XNNPACK matMul re-packs the right-hand matrix on every call with new
 * weights (measured: ~9 ns per element, ~35 us for a 64 x 64 matrix, as long as the product
 * itself). These kernels read the matrices in place and are called straight from JS.
 */
import type { LayerActivation } from '../dense';
import { assemble, FnBuilder, I32, V128 } from './assembler';

/** nn/jsMlp.ts tanhF32's constants (Eigen's generic_fast_tanh_float), as doubles: numerator x^12 .. x^0, denominator x^6 .. x^0. */
const TANH_CLAMP = 7.90531110763549805;
const TANH_P = [-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3];
const TANH_Q = [1.19825839466702e-6, 1.18534705686654e-4, 2.268434632439e-3, 4.89352518554385e-3];

/** A float32 given as C99 hex-float digits (XNNPACK writes its constants this way). */
function hexFloat(sign: 1 | -1, mantissa: string, exponent: number): number {
  return Math.fround(sign * (1 + parseInt(mantissa, 16) / 16 ** mantissa.length) * 2 ** exponent);
}

/**
 * XNNPACK's f32 sigmoid for WebAssembly SIMD (f32-vsigmoid, wasmsimd-rr2-p5-div): with
 * z = |x|, e^-z from a degree-5 polynomial after a two-constant range reduction, then
 * e^-z / (1 + e^-z), reflected for x > 0. It is the kernel tfjs-backend-wasm's Sigmoid runs
 * (the unit test checks it bit for bit), so tanh(x) = 2 sigmoid(2x) - 1 below is bit-identical
 * to the TensorFlow.js path's tanh (nn/dense.ts fastTanh) and the gradients equal it exactly.
 */
const SIGMOID = {
  magicBias: hexFloat(1, '8000FE', 23),
  minusLog2e: hexFloat(-1, '715476', 0),
  ln2Hi: hexFloat(1, '62E400', -1),
  ln2Lo: hexFloat(1, '7F7D1C', -20),
  c: [hexFloat(-1, '0F9F9C', -7), hexFloat(1, '573A1A', -5), hexFloat(-1, '555A80', -3), hexFloat(1, 'FFFDC6', -2), hexFloat(-1, 'FFFFF6', -1)], // c5 .. c1
  denormCutoff: hexFloat(1, '5D589E', 6),
};

/**
 * C = op(A) B + bias with a 4 x `cols` register block. transA: A is stored [K x M] and read
 * down its columns (the four row values of C's block are then adjacent in memory).
 */
function gemm(name: string, transA: boolean, cols: 4 | 8): FnBuilder {
  const f = new FnBuilder(name, 7);
  const [a, b, c, bias, M, K, N] = [0, 1, 2, 3, 4, 5, 6];
  const strideA = f.local(I32); // bytes per stored row of A
  const strideB = f.local(I32); // bytes per row of B and C
  const rowA = f.local(I32); // nn: start of A's row i; tn: column i of A (row 0)
  const rowC = f.local(I32);
  const endA = f.local(I32);
  const j = f.local(I32); // byte offset of the column block
  const pa = f.local(I32);
  const pb = f.local(I32);
  const kEnd = f.local(I32);
  const pc = f.local(I32);
  const vecs = cols / 4;
  const acc = Array.from({ length: 4 * vecs }, () => f.local(V128)); // acc[r * vecs + v]
  const bk = Array.from({ length: vecs }, () => f.local(V128));
  const av = f.local(V128);

  f.get(transA ? M : K).i32(2).shl().set(strideA);
  f.get(N).i32(2).shl().set(strideB);
  f.get(a).set(rowA);
  f.get(c).set(rowC);
  // nn: A's rows are strideA apart, so the row block ends M rows on; tn: it ends M floats on.
  if (transA) f.get(a).get(M).i32(2).shl().add().set(endA);
  else f.get(a).get(M).get(strideA).mul().add().set(endA);
  f.doWhile(() => {
    f.i32(0).set(j);
    f.doWhile(() => {
      for (let v = 0; v < vecs; v++) {
        f.get(bias).get(j).add().v128Load(16 * v).set(acc[v]);
        for (let r = 1; r < 4; r++) f.get(acc[v]).set(acc[r * vecs + v]);
      }
      f.get(rowA).set(pa);
      f.get(b).get(j).add().set(pb);
      // nn: K floats along A's row; tn: K rows down A's columns.
      if (transA) f.get(rowA).get(K).get(strideA).mul().add().set(kEnd);
      else f.get(rowA).get(strideA).add().set(kEnd);
      f.doWhile(() => {
        for (let v = 0; v < vecs; v++) f.get(pb).v128Load(16 * v).set(bk[v]);
        for (let r = 0; r < 4; r++) {
          // A[i + r, k]: nn at pa + r * strideA; tn at pa + 4 r.
          if (transA) f.get(pa).f32Load(4 * r);
          else if (r === 0) f.get(pa).f32Load();
          else f.get(pa).get(strideA).i32(r).mul().add().f32Load();
          f.f32x4Splat().set(av);
          for (let v = 0; v < vecs; v++) {
            const x = acc[r * vecs + v];
            f.get(x).get(av).get(bk[v]).f32x4Mul().f32x4Add().set(x);
          }
        }
        f.inc(pa, transA ? () => f.get(strideA) : 4);
        f.inc(pb, () => f.get(strideB));
      }, () => f.get(pa).get(kEnd).ltU());
      f.get(rowC).get(j).add().set(pc);
      for (let r = 0; r < 4; r++) {
        for (let v = 0; v < vecs; v++) {
          f.get(pc);
          if (r > 0) f.get(strideB).i32(r).mul().add();
          f.get(acc[r * vecs + v]).v128Store(16 * v);
        }
      }
      f.inc(j, 16 * vecs);
    }, () => f.get(j).get(strideB).ltU());
    f.inc(rowA, transA ? () => f.i32(16) : () => f.get(strideA).i32(4).mul());
    f.inc(rowC, () => f.get(strideB).i32(4).mul());
  }, () => f.get(rowA).get(endA).ltU());
  return f;
}

/** p <- 2 sigmoid(2 p) - 1 on n floats (TensorFlow.js's tanh on WASM, see SIGMOID). */
function tanh(): FnBuilder {
  const f = new FnBuilder('tanh', 2);
  const [p, n] = [0, 1];
  const end = f.local(I32);
  const x = f.local(V128);
  const z = f.local(V128);
  const vn = f.local(V128);
  const vs = f.local(V128);
  const t = f.local(V128);
  const poly = f.local(V128);
  const e = f.local(V128);
  const sig = f.local(V128);
  f.get(p).get(n).i32(2).shl().add().set(end);
  f.doWhile(() => {
    f.get(p).v128Load().f32x4Const(2).f32x4Mul().tee(x).f32x4Abs().set(z);
    // n = magic + z (-log2 e); s = 2^n from n's low bits; n -= magic
    f.f32x4Const(SIGMOID.magicBias).get(z).f32x4Const(SIGMOID.minusLog2e).f32x4Mul().f32x4Add().set(vn);
    f.get(vn).i32(23).i32x4Shl().set(vs);
    f.get(vn).f32x4Const(SIGMOID.magicBias).f32x4Sub().set(vn);
    // t = z + n ln2_hi + n ln2_lo
    f.get(z).get(vn).f32x4Const(SIGMOID.ln2Hi).f32x4Mul().f32x4Add().set(t);
    f.get(t).get(vn).f32x4Const(SIGMOID.ln2Lo).f32x4Mul().f32x4Add().set(t);
    // p = c1 + t (c2 + t (c3 + t (c4 + t c5)))
    const [c5, ...rest] = SIGMOID.c;
    f.f32x4Const(rest[0]).get(t).f32x4Const(c5).f32x4Mul().f32x4Add().set(poly);
    for (const c of rest.slice(1)) f.f32x4Const(c).get(t).get(poly).f32x4Mul().f32x4Add().set(poly);
    // e = s + (t s) p = e^-z;  f = e / (e + 1), 0 past the cutoff
    f.get(t).get(vs).f32x4Mul().set(t);
    f.get(vs).get(t).get(poly).f32x4Mul().f32x4Add().set(e);
    f.get(e).get(e).f32x4Const(1).f32x4Add().f32x4Div();
    f.get(z).f32x4Const(SIGMOID.denormCutoff).f32x4Gt().v128AndNot().set(sig);
    // sigmoid(x) = f for x < 0, 1 - f otherwise
    f.get(sig).f32x4Const(1).get(sig).f32x4Sub().get(x).i32(31).i32x4ShrS().v128Bitselect().set(sig);
    // tanh = 2 sigmoid(2 p) - 1
    f.get(p).get(sig).f32x4Const(2).f32x4Mul().f32x4Const(1).f32x4Sub().v128Store();
    f.inc(p, 16);
  }, () => f.get(p).get(end).ltU());
  return f;
}

function tanhGrad(): FnBuilder {
  const f = new FnBuilder('tanhGrad', 4);
  const [dh, h, dz, n] = [0, 1, 2, 3];
  const o = f.local(I32);
  const end = f.local(I32);
  const y = f.local(V128);
  f.get(n).i32(2).shl().set(end);
  f.doWhile(() => {
    f.get(h).get(o).add().v128Load().set(y);
    f.get(dz).get(o).add();
    f.get(dh).get(o).add().v128Load();
    f.f32x4Const(1).get(y).get(y).f32x4Mul().f32x4Sub();
    f.f32x4Mul().v128Store();
    f.inc(o, 16);
  }, () => f.get(o).get(end).ltU());
  return f;
}

function colSum(): FnBuilder {
  const f = new FnBuilder('colSum', 4);
  const [p, rows, N, out] = [0, 1, 2, 3];
  const stride = f.local(I32);
  const j = f.local(I32);
  const ptr = f.local(I32);
  const end = f.local(I32);
  const s = f.local(V128);
  f.get(N).i32(2).shl().set(stride);
  f.i32(0).set(j);
  f.doWhile(() => {
    f.f32x4Const(0).set(s);
    f.get(p).get(j).add().tee(ptr).get(rows).get(stride).mul().add().set(end);
    f.doWhile(() => {
      f.get(s).get(ptr).v128Load().f32x4Add().set(s);
      f.inc(ptr, () => f.get(stride));
    }, () => f.get(ptr).get(end).ltU());
    f.get(out).get(j).add().get(s).v128Store();
    f.inc(j, 16);
  }, () => f.get(j).get(stride).ltU());
  return f;
}

/** The parts of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/**
 * One Adam step on n floats (n a multiple of 4), in float32 in tf.train.adam's order of
 * operations, so the result is bit-identical to it and to FlatAdam's JS loop:
 *   g' = g scale;  m = m b1 + g' (1 - b1);  v = v b2 + g'^2 (1 - b2)
 *   p = ((m / bc1) / (sqrt(v / bc2) + eps)) (-lr) + p
 * `s` points at the scalars [scale, b1, 1 - b1, b2, 1 - b2, bc1, bc2, eps, -lr].
 */
function adam(): FnBuilder {
  const f = new FnBuilder('adam', 6);
  const [p, g, m, v, n, s] = [0, 1, 2, 3, 4, 5];
  const c = Array.from({ length: 9 }, () => f.local(V128));
  const [scale, b1, omb1, b2, omb2, bc1, bc2, eps, negLr] = c;
  const o = f.local(I32);
  const end = f.local(I32);
  const gi = f.local(V128);
  const mi = f.local(V128);
  const vi = f.local(V128);
  c.forEach((local, i) => f.get(s).f32Load(4 * i).f32x4Splat().set(local));
  f.get(n).i32(2).shl().set(end);
  f.doWhile(() => {
    f.get(g).get(o).add().v128Load().get(scale).f32x4Mul().set(gi);
    f.get(m).get(o).add().v128Load().get(b1).f32x4Mul().get(gi).get(omb1).f32x4Mul().f32x4Add().set(mi);
    f.get(v).get(o).add().v128Load().get(b2).f32x4Mul().get(gi).get(gi).f32x4Mul().get(omb2).f32x4Mul().f32x4Add().set(vi);
    f.get(m).get(o).add().get(mi).v128Store();
    f.get(v).get(o).add().get(vi).v128Store();
    f.get(p).get(o).add(); // the store's address
    f.get(mi).get(bc1).f32x4Div();
    f.get(vi).get(bc2).f32x4Div().f32x4Sqrt().get(eps).f32x4Add();
    f.f32x4Div().get(negLr).f32x4Mul();
    f.get(p).get(o).add().v128Load().f32x4Add().v128Store();
    f.inc(o, 16);
  }, () => f.get(o).get(end).ltU());
  return f;
}

/**
 * y = act(x W + b) for the rollout's inference, computed like nn/jsMlp.ts denseRowsT so the
 * result is bit-identical to it: float32 inputs and weights, each output summed in float64
 * from the bias in input order (a product of two float32 values is exact in float64), the
 * activation in float64 (tanhF32's rational function, clamps and small-x branch; relu as
 * `s > 0 ? s : 0`), rounded to float32 once on the store. Two f64 lanes, 4 outputs per block.
 * x: rows x K, W: K x N (row-major), b: N, y: rows x N; N a multiple of 4.
 */
function denseF64(name: string, activation: 'linear' | 'tanh' | 'relu'): FnBuilder {
  const f = new FnBuilder(name, 7);
  const [x, w, b, y, rows, K, N] = [0, 1, 2, 3, 4, 5, 6];
  const rowX = f.local(I32);
  const endX = f.local(I32);
  const rowY = f.local(I32);
  const j = f.local(I32);
  const strideN = f.local(I32);
  const px = f.local(I32);
  const pw = f.local(I32);
  const kEnd = f.local(I32);
  const acc = [f.local(V128), f.local(V128)];
  const xs = f.local(V128);
  const v = f.local(V128);
  const v2 = f.local(V128);
  const num = f.local(V128);
  const den = f.local(V128);
  f.get(N).i32(2).shl().set(strideN);
  f.get(x).set(rowX);
  f.get(y).set(rowY);
  f.get(x).get(rows).get(K).mul().i32(2).shl().add().set(endX);
  f.doWhile(() => {
    f.i32(0).set(j);
    f.doWhile(() => {
      for (let h = 0; h < 2; h++) f.get(b).get(j).add().v128Load64Zero(8 * h).f64x2PromoteLow().set(acc[h]);
      f.get(rowX).set(px);
      f.get(w).get(j).add().set(pw);
      f.get(rowX).get(K).i32(2).shl().add().set(kEnd);
      f.doWhile(() => {
        f.get(px).f32Load().f64PromoteF32().f64x2Splat().set(xs);
        for (let h = 0; h < 2; h++) f.get(acc[h]).get(xs).get(pw).v128Load64Zero(8 * h).f64x2PromoteLow().f64x2Mul().f64x2Add().set(acc[h]);
        f.inc(px, 4);
        f.inc(pw, () => f.get(strideN));
      }, () => f.get(px).get(kEnd).ltU());
      for (let h = 0; h < 2; h++) {
        if (activation === 'tanh') {
          // tanhF32: p(x) / q(x), x itself for |x| < 0.0004, +-1 beyond +-7.9053
          f.get(acc[h]).get(acc[h]).f64x2Mul().set(v2);
          f.f64x2Const(TANH_P[0]).set(num);
          f.get(v2).get(num).f64x2Mul().f64x2Const(TANH_P[1]).f64x2Add().set(num);
          for (const c of TANH_P.slice(2)) f.get(v2).get(num).f64x2Mul().f64x2Const(c).f64x2Add().set(num);
          f.get(acc[h]).get(num).f64x2Mul().set(num);
          f.get(v2).f64x2Const(TANH_Q[0]).f64x2Mul().f64x2Const(TANH_Q[1]).f64x2Add().set(den);
          for (const c of TANH_Q.slice(2)) f.get(v2).get(den).f64x2Mul().f64x2Const(c).f64x2Add().set(den);
          f.get(num).get(den).f64x2Div().set(v);
          f.get(acc[h]).get(v).get(acc[h]).f64x2Abs().f64x2Const(0.0004).f64x2Lt().v128Bitselect().set(v);
          f.f64x2Const(1).get(v).get(acc[h]).f64x2Const(TANH_CLAMP).f64x2Gt().v128Bitselect().set(v);
          f.f64x2Const(-1).get(v).get(acc[h]).f64x2Const(-TANH_CLAMP).f64x2Lt().v128Bitselect().set(acc[h]);
        } else if (activation === 'relu') {
          f.get(acc[h]).get(acc[h]).f64x2Const(0).f64x2Gt().v128And().set(acc[h]);
        }
        f.get(rowY).get(j).add().get(acc[h]).f32x4DemoteZero().v128Store64Lane0(8 * h);
      }
      f.inc(j, 16);
    }, () => f.get(j).get(strideN).ltU());
    f.inc(rowX, () => f.get(K).i32(2).shl());
    f.inc(rowY, () => f.get(strideN));
  }, () => f.get(rowX).get(endX).ltU());
  return f;
}

/** Rows and columns are padded to a multiple of 4 for the kernels (the padding stays zero). */
export const pad4 = (n: number): number => (n + 3) & ~3;

/** A dense layer as the kernels' callers lay it out: true and padded sizes, and where W and b sit in the flat parameters. */
export interface PaddedLayer {
  inDim: number;
  outDim: number;
  inPad: number;
  outPad: number;
  activation: LayerActivation;
  /** Float offsets of W (inDim x outDim, row-major) and b in the flat parameters. */
  wAt: number;
  bAt: number;
}

export interface Kernels {
  memory: WasmMemory;
  gemmNN4(a: number, b: number, c: number, bias: number, m: number, k: number, n: number): void;
  gemmNN8(a: number, b: number, c: number, bias: number, m: number, k: number, n: number): void;
  gemmTN4(a: number, b: number, c: number, bias: number, m: number, k: number, n: number): void;
  gemmTN8(a: number, b: number, c: number, bias: number, m: number, k: number, n: number): void;
  tanh(p: number, n: number): void;
  tanhGrad(dh: number, h: number, dz: number, n: number): void;
  colSum(p: number, rows: number, n: number, out: number): void;
  adam(p: number, g: number, m: number, v: number, n: number, scalars: number): void;
  denseF64Linear(x: number, w: number, b: number, y: number, rows: number, k: number, n: number): void;
  denseF64Tanh(x: number, w: number, b: number, y: number, rows: number, k: number, n: number): void;
  denseF64Relu(x: number, w: number, b: number, y: number, rows: number, k: number, n: number): void;
}

let compiled: object | null | undefined;

/** The compiled module, or null where the runtime has no WebAssembly SIMD. */
function compiledModule(): object | null {
  if (compiled === undefined) {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    const bytes = assemble([gemm('gemmNN4', false, 4), gemm('gemmNN8', false, 8), gemm('gemmTN4', true, 4), gemm('gemmTN8', true, 8), tanh(), tanhGrad(), colSum(), adam(), denseF64('denseF64Linear', 'linear'), denseF64('denseF64Tanh', 'tanh'), denseF64('denseF64Relu', 'relu')], 1);
    compiled = api && api.validate(bytes) ? new api.Module(bytes) : null;
  }
  return compiled;
}

/** Whether this runtime runs the kernels (WebAssembly with SIMD). */
export function wasmKernelsAvailable(): boolean {
  return compiledModule() !== null;
}

/** A fresh instance (its own memory), or null without WebAssembly SIMD. */
export function instantiateKernels(): Kernels | null {
  const mod = compiledModule();
  if (!mod) return null;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly!;
  return new api.Instance(mod, {}).exports as Kernels;
}
