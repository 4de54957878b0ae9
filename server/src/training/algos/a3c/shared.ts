/**
 * What A3C's threads share (SharedArrayBuffer, so every worker sees every write at once):
 * the network parameters, the shared RMSProp statistics, and a few counters. Parameters and
 * statistics are written without a lock, Hogwild-style (Recht et al. 2011), as the A3C paper
 * does: two workers may update the same weight at the same moment and one write may be lost,
 * which costs a little gradient noise and no waiting. The counters use Atomics.
 */

/** Slots of the Int32 control array. */
export const CONTROL = {
  /** Env steps played by all workers together (the run's global step). */
  step: 0,
  /** Gradient updates applied to the shared parameters by all workers. */
  updates: 1,
  /** 1: the workers finish their current update and exit (stop request, or another worker failed). */
  stop: 2,
} as const;
const CONTROL_SLOTS = 3;

/** The largest step count the Int32 counter holds. */
export const MAX_SHARED_STEPS = 2 ** 31 - 1;

export interface SharedBuffers {
  params: SharedArrayBuffer;
  square: SharedArrayBuffer;
  control: SharedArrayBuffer;
}

/** Typed views of the shared buffers (each thread makes its own views of the same memory). */
export class SharedState {
  readonly params: Float32Array;
  /** RMSProp's running mean of squared gradients, one per parameter. */
  readonly square: Float32Array;
  readonly control: Int32Array;

  constructor(readonly buffers: SharedBuffers) {
    this.params = new Float32Array(buffers.params);
    this.square = new Float32Array(buffers.square);
    this.control = new Int32Array(buffers.control);
  }

  static create(numParams: number): SharedState {
    return new SharedState({
      params: new SharedArrayBuffer(numParams * 4),
      square: new SharedArrayBuffer(numParams * 4),
      control: new SharedArrayBuffer(CONTROL_SLOTS * 4),
    });
  }

  get step(): number {
    return Atomics.load(this.control, CONTROL.step);
  }
  get updates(): number {
    return Atomics.load(this.control, CONTROL.updates);
  }
  get stopRequested(): boolean {
    return Atomics.load(this.control, CONTROL.stop) === 1;
  }
  requestStop(): void {
    Atomics.store(this.control, CONTROL.stop, 1);
  }
  /** Adds env steps; returns the new total. */
  addSteps(n: number): number {
    return Atomics.add(this.control, CONTROL.step, n) + n;
  }
  /** Counts one applied update; returns the count before it. */
  countUpdate(): number {
    return Atomics.add(this.control, CONTROL.updates, 1);
  }
  /** Restores the counters from a checkpoint (before any worker starts). */
  setCounters(step: number, updates: number): void {
    Atomics.store(this.control, CONTROL.step, step);
    Atomics.store(this.control, CONTROL.updates, updates);
    Atomics.store(this.control, CONTROL.stop, 0);
  }
}

/**
 * One shared-RMSProp step on the shared parameters, in place and unlocked (the paper's
 * "shared RMSProp", with PyTorch's placement of eps as A2C's TorchRmsProp):
 *   v <- alpha v + (1 - alpha) g^2;   theta <- theta - lr g / (sqrt(v) + eps)
 * Plain JS over typed arrays: TensorFlow.js cannot write into a SharedArrayBuffer in place.
 */
export function sharedRmsPropStep(state: SharedState, grad: Float32Array, lr: number, alpha: number, eps: number): void {
  const { params, square } = state;
  for (let i = 0; i < grad.length; i++) {
    const g = grad[i];
    const v = alpha * square[i] + (1 - alpha) * g * g;
    square[i] = v;
    params[i] -= (lr * g) / (Math.sqrt(v) + eps);
  }
}
