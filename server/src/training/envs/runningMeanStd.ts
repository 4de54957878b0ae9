/**
 * Running mean and variance of a stream of vectors, merged batch by batch with Chan et al.'s
 * parallel update (Chan, Golub & LeVeque 1979, "Updating formulae and a pairwise algorithm
 * for computing sample variances"), exactly as Stable-Baselines3's RunningMeanStd:
 *
 *   delta = mean_b - mean;  n = count + count_b
 *   mean' = mean + delta * count_b / n
 *   M2'   = var * count + var_b * count_b + delta^2 * count * count_b / n
 *   var'  = M2' / n;        count' = n
 *
 * The variance is the population one (NumPy's np.var); the count starts at 1e-4 (SB3's
 * epsilon) so the first merge is well defined and the prior (mean 0, var 1) barely counts.
 */
export const RMS_INITIAL_COUNT = 1e-4;

export interface RunningMeanStdState {
  mean: number[];
  var: number[];
  count: number;
}

export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count = RMS_INITIAL_COUNT;
  private readonly batchMean: Float64Array;
  private readonly batchVar: Float64Array;

  constructor(readonly dim: number) {
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
    this.batchMean = new Float64Array(dim);
    this.batchVar = new Float64Array(dim);
  }

  /** Merges `rows` vectors laid out row-major in `x` (rows x dim). */
  update(x: ArrayLike<number>, rows: number): void {
    const { dim, batchMean, batchVar } = this;
    batchMean.fill(0);
    batchVar.fill(0);
    for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) batchMean[d] += x[r * dim + d];
    for (let d = 0; d < dim; d++) batchMean[d] /= rows;
    for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) batchVar[d] += (x[r * dim + d] - batchMean[d]) ** 2;
    for (let d = 0; d < dim; d++) batchVar[d] /= rows;
    this.updateFromMoments(batchMean, batchVar, rows);
  }

  updateFromMoments(batchMean: ArrayLike<number>, batchVar: ArrayLike<number>, batchCount: number): void {
    const total = this.count + batchCount;
    for (let d = 0; d < this.dim; d++) {
      const delta = batchMean[d] - this.mean[d];
      const m2 = this.var[d] * this.count + batchVar[d] * batchCount + delta * delta * ((this.count * batchCount) / total);
      this.mean[d] += (delta * batchCount) / total;
      this.var[d] = m2 / total;
    }
    this.count = total;
  }

  toJSON(): RunningMeanStdState {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  static fromJSON(state: RunningMeanStdState): RunningMeanStd {
    const rms = new RunningMeanStd(state.mean.length);
    rms.mean.set(state.mean);
    rms.var.set(state.var);
    rms.count = state.count;
    return rms;
  }
}
