/**
 * The rollout's small-batch inference (nn/jsMlp.ts PlainMlp) on the WebAssembly kernels:
 * the same interface and bit-identical outputs (the `denseF64*` kernels repeat denseRowsT's
 * float64 arithmetic in the same order), about twice as fast (two float64 lanes, no bounds
 * checks). Falls back to PlainMlp where WebAssembly SIMD is missing.
 */
import type { PlainLayer } from '../jsMlp';
import { PlainMlp } from '../jsMlp';
import { instantiateKernels, type Kernels } from './kernels';

const pad4 = (n: number) => (n + 3) & ~3;

/** What RolloutActor needs of an inference network (PlainMlp has it too). */
export interface InferenceMlp {
  readonly layers: PlainLayer[];
  readonly macsPerRow: number;
  forward(x: Float32Array, rows: number): Float32Array;
  layerOutput(i: number, rows: number): Float32Array;
}

/**
 * The kernels' version when they load (and RL_LAB_WASM_KERNELS is not 0, for comparisons),
 * else PlainMlp. `reuse`: a network this one replaces (new weights after an update), whose
 * WebAssembly instance and memory are taken over instead of instantiating again.
 */
export function inferenceMlp(layers: PlainLayer[], reuse?: InferenceMlp): InferenceMlp {
  if (reuse instanceof KernelMlp) return new KernelMlp(layers, reuse.kernels);
  const k = process.env.RL_LAB_WASM_KERNELS === '0' ? null : instantiateKernels();
  return k ? new KernelMlp(layers, k) : new PlainMlp(layers);
}

class KernelMlp implements InferenceMlp {
  readonly macsPerRow: number;
  private readonly pads: { inPad: number; outPad: number; w: number; b: number; y: number }[] = [];
  private capacity = 0;
  private x = 0;
  private f32: Float32Array;
  /** Unpadded copies of layer outputs, as PlainMlp returns them. */
  private outputs: Float32Array[] = [];

  constructor(readonly layers: PlainLayer[], readonly kernels: Kernels) {
    this.macsPerRow = layers.reduce((n, l) => n + l.inDim * l.outDim, 0);
    this.f32 = new Float32Array(kernels.memory.buffer);
  }

  forward(x: Float32Array, rows: number): Float32Array {
    if (rows > this.capacity) this.layout(rows);
    const f = this.f32;
    const inDim = this.layers[0].inDim;
    const inPad = this.pads[0].inPad;
    const x0 = this.x >> 2;
    if (inPad === inDim) f.set(x.subarray(0, rows * inDim), x0);
    else for (let r = 0; r < rows; r++) f.set(x.subarray(r * inDim, (r + 1) * inDim), x0 + r * inPad);
    let input = this.x;
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i];
      const p = this.pads[i];
      const kernel = l.activation === 'tanh' ? this.kernels.denseF64Tanh : l.activation === 'relu' ? this.kernels.denseF64Relu : this.kernels.denseF64Linear;
      kernel(input, p.w, p.b, p.y, rows, p.inPad, p.outPad);
      input = p.y;
    }
    return this.layerOutput(this.layers.length - 1, rows);
  }

  /** Layer i's output of the last forward() (rows x outDim; a view, valid until the next call). */
  layerOutput(i: number, rows: number): Float32Array {
    const l = this.layers[i];
    const p = this.pads[i];
    const y = p.y >> 2;
    if (p.outPad === l.outDim) return this.f32.subarray(y, y + rows * l.outDim);
    const out = this.outputs[i];
    for (let r = 0; r < rows; r++) out.set(this.f32.subarray(y + r * p.outPad, y + r * p.outPad + l.outDim), r * l.outDim);
    return out.subarray(0, rows * l.outDim);
  }

  /** Weights (zero-padded to multiples of 4) and buffers for up to `rows` rows. */
  private layout(rows: number): void {
    let bump = 0;
    const alloc = (floats: number) => {
      const at = bump;
      bump += pad4(floats) * 4;
      return at;
    };
    this.x = alloc(rows * pad4(this.layers[0].inDim));
    this.pads.length = 0;
    for (const l of this.layers) {
      const inPad = pad4(l.inDim);
      const outPad = pad4(l.outDim);
      this.pads.push({ inPad, outPad, w: alloc(inPad * outPad), b: alloc(outPad), y: alloc(rows * outPad) });
    }
    const memory = this.kernels.memory;
    if (bump > memory.buffer.byteLength) memory.grow(Math.ceil((bump - memory.buffer.byteLength) / 65536));
    const f = new Float32Array(memory.buffer);
    f.fill(0);
    this.layers.forEach((l, i) => {
      const p = this.pads[i];
      for (let r = 0; r < l.inDim; r++) f.set(l.w.subarray(r * l.outDim, (r + 1) * l.outDim), (p.w >> 2) + r * p.outPad);
      f.set(l.b, p.b >> 2);
    });
    this.f32 = f;
    this.outputs = this.layers.map((l) => new Float32Array(rows * l.outDim));
    this.capacity = rows;
  }
}
