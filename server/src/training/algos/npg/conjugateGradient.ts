/**
 * Conjugate gradient for A x = b with A symmetric positive definite, given only products A v
 * (Hestenes & Stiefel 1952; as in TRPO's reference code and sb3-contrib's
 * conjugate_gradient_solver). Starts from x = 0; stops after maxIter iterations or when the
 * squared residual falls below residualTol.
 */
export function conjugateGradient(
  matVec: (v: Float32Array) => Float32Array, b: Float32Array, maxIter: number, residualTol = 1e-10,
): { x: Float32Array; iterations: number; residual: number } {
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b); // r = b - A x with x = 0
  const p = Float64Array.from(b);
  let rr = dot(r, r);
  let iterations = 0;
  for (; iterations < maxIter && rr > residualTol; iterations++) {
    const ap = matVec(Float32Array.from(p));
    const pAp = dot(p, ap);
    if (!(pAp > 0)) break; // not positive definite along p (numerically): keep what we have
    const alpha = rr / pAp;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * ap[i];
    }
    const rrNew = dot(r, r);
    const beta = rrNew / rr;
    for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
    rr = rrNew;
  }
  return { x: Float32Array.from(x), iterations, residual: rr };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
