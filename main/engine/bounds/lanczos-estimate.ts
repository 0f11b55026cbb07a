/**
 * Estimate (not a bound) of the largest eigenvalue of a real symmetric matrix by Lanczos with
 * full reorthogonalisation. Its only use is to choose the shift that shifted-cholesky.ts then
 * proves; a poor estimate can only make that proof fail, never make a bound unsound.
 */

/**
 * Largest Ritz value after at most `maxSteps` Lanczos steps on the row-major symmetric n×n `a`,
 * from a fixed start vector (so the result is deterministic); stops early once the Ritz value
 * moves by less than `relativeTolerance` over five steps.
 */
export function lanczosLargestEigenvalue(
  a: Float64Array,
  n: number,
  relativeTolerance = 1e-7,
  maxSteps = 80,
): number {
  const steps = Math.min(maxSteps, n);
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let q: Float64Array = new Float64Array(n);
  // A fixed, slowly varying start vector: unlikely to be orthogonal to the top eigenvector.
  for (let i = 0; i < n; i++) q[i] = 1 + ((i * 0.6180339887498949) % 1);
  normalise(q);
  let previousRitz = -Infinity;
  let ritz = -Infinity;
  for (let k = 0; k < steps; k++) {
    basis.push(q);
    const w = multiplySymmetric(a, q, n);
    const ak = dot(w, q);
    alpha.push(ak);
    // Full reorthogonalisation against every earlier vector (twice is enough, once usually is).
    for (let pass = 0; pass < 2; pass++) {
      for (const v of basis) {
        const c = dot(w, v);
        for (let i = 0; i < n; i++) w[i] -= c * v[i];
      }
    }
    const bk = Math.sqrt(dot(w, w));
    if (k % 5 === 4 || k === steps - 1 || !(bk > 0)) {
      ritz = largestTridiagonalEigenvalue(alpha, beta);
      if (Math.abs(ritz - previousRitz) <= relativeTolerance * Math.abs(ritz)) break;
      previousRitz = ritz;
    }
    if (!(bk > 1e-12 * Math.abs(ak)) || k === steps - 1) break;
    beta.push(bk);
    for (let i = 0; i < n; i++) w[i] /= bk;
    q = w;
  }
  return Math.max(ritz, largestTridiagonalEigenvalue(alpha, beta.slice(0, alpha.length - 1)));
}

function multiplySymmetric(a: Float64Array, x: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += a[o + j] * x[j];
    y[i] = s;
  }
  return y;
}

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

function normalise(x: Float64Array): void {
  const norm = Math.sqrt(dot(x, x));
  for (let i = 0; i < x.length; i++) x[i] /= norm;
}

/**
 * Largest eigenvalue of the symmetric tridiagonal matrix with diagonal `alpha` and off-diagonal
 * `beta` (length alpha.length − 1), by bisection on the Sturm sequence count.
 */
function largestTridiagonalEigenvalue(alpha: number[], beta: number[]): number {
  const k = alpha.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < k; i++) {
    const radius = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < k - 1 ? Math.abs(beta[i]) : 0);
    lo = Math.min(lo, alpha[i] - radius);
    hi = Math.max(hi, alpha[i] + radius);
  }
  // Number of eigenvalues greater than x.
  const countAbove = (x: number): number => {
    let count = 0;
    let d = 1;
    for (let i = 0; i < k; i++) {
      const b2 = i > 0 ? beta[i - 1] * beta[i - 1] : 0;
      d = alpha[i] - x - (i > 0 ? b2 / d : 0);
      if (d === 0) d = -1e-300;
      if (d < 0) count++;
    }
    return k - count;
  };
  for (let iter = 0; iter < 200 && hi - lo > 1e-15 * Math.max(Math.abs(hi), Math.abs(lo)); iter++) {
    const mid = (lo + hi) / 2;
    if (countAbove(mid) > 0) lo = mid;
    else hi = mid;
  }
  return hi;
}
