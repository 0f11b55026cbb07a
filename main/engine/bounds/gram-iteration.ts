/**
 * Gram iteration: a proven upper bound on the largest singular value σ₁ of a real or complex
 * matrix, computed in float64 with every rounding error accounted for.
 *
 * Idea (Delattre et al., "Efficient Bound of Lipschitz Constant for Convolutional Layers by Gram
 * Iteration", ICML 2023): with A₀ = A and A_{k+1} = A_k A_kᴴ, the singular values of A_k are
 * σ_i^(2^k), so σ₁ ≤ ‖A_k‖_F^(1/2^k), and the ratio to σ₁ is at most rank^(1/2^(k+1)): the bound
 * tightens doubly exponentially.
 *
 * Proof of the float64 version. Let A_k be the matrix we actually store (n×m, n ≤ m, ‖A_k‖_F ≈ 1
 * after rescaling). We compute Ĝ = fl(A_k A_kᴴ); each entry is a (complex) dot product of length
 * m, so |Ĝ − A_k A_kᴴ| ≤ √2·γ_{2m}·|A_k||A_k|ᵀ entrywise, hence ‖Ĝ − A_k A_kᴴ‖₂ ≤ c·‖A_k‖_F² with
 * c = 2γ_{2m} (+ an underflow allowance). Because ‖A_k‖_F² ≤ n·σ₁(A_k)²,
 *     σ₁(A_k)² = σ₁(A_k A_kᴴ) ≤ σ₁(Ĝ) + c·n·σ₁(A_k)²   ⇒   σ₁(A_k)² ≤ σ₁(Ĝ) / (1 − n·c).
 * We then set A_{k+1} = Ĝ·2^(−e_{k+1}) (a power of two: exact), so σ₁(Ĝ) = 2^(e_{k+1})·σ₁(A_{k+1}).
 * With A₀ = A·2^(−e₀), unrolling gives
 *     log₂σ₁(A) ≤ e₀ + Σ_{k<T} 2^(−k−1)·(e_{k+1} − log₂(1 − n_k c_k)) + 2^(−T)·log₂‖A_T‖_F,
 * and ‖A_T‖_F is at most its computed value times (1 + 2(N+4)u) (a sum of N squares, then a
 * square root). The sum of the e's is a dyadic rational, exact in float64; the remaining terms are
 * rounded once or twice and the callers multiply by FINAL_OPERATIONS_FACTOR.
 *
 * Stopping: writing U_k for the bound after k steps, U_{k+1}² / U_k is a lower bound on σ₁ in
 * exact arithmetic (‖A Aᴴ‖_F ≤ σ₁(A)·‖A‖_F), so U_{k+1}/σ₁ ≤ U_k/U_{k+1}: we stop when two
 * successive bounds differ by less than the tolerance, or as soon as the bound falls below a
 * caller's target (used to skip frequencies that cannot be the maximum). Stopping early never
 * affects soundness, only tightness.
 */
import { RelaxCertError } from '../../../shared/errors.ts';
import {
  binaryExponent,
  gamma64,
  scaleByPow2,
  UNDERFLOW_ALLOWANCE,
  UNIT_ROUNDOFF_64,
} from './rounding.ts';
import { dotBlock4x2 } from './dot-block.ts';
import { lanczosLargestEigenvalue } from './lanczos-estimate.ts';
import { proveLargestEigenvalueBelow } from './shifted-cholesky.ts';

export interface GramIterationOptions {
  /** Stop when the bound is proven within this relative distance of σ₁ (default 0.001). */
  tolerance?: number;
  /** At most this many squarings (default 24); the bound is sound whenever it stops. */
  maxIterations?: number;
  /** Stop as soon as log₂ of the bound is at most this (default −Infinity: never). */
  stopAtLog2?: number;
  /** Allow the shifted-Cholesky shortcut on large matrices (default true). */
  choleskyShortcut?: boolean;
}

export interface GramIterationResult {
  /** log₂ of a proven upper bound on σ₁ (before FINAL_OPERATIONS_FACTOR); −Infinity for A = 0. */
  log2Upper: number;
  /**
   * log₂ of an estimated lower bound on σ₁ (exact-arithmetic argument, not rounding-proof;
   * only for stopping decisions); −Infinity when no squaring was done.
   */
  log2LowerEstimate: number;
  /** Number of squarings done. */
  iterations: number;
}

export const DEFAULT_GRAM_TOLERANCE = 0.001;
export const DEFAULT_GRAM_MAX_ITERATIONS = 24;

/**
 * From this size on (of the real symmetric matrix, 2n for a complex n×n), the shifted-Cholesky
 * shortcut is tried after one squaring.
 */
export const SHIFTED_CHOLESKY_MIN_SIZE = 48;

/**
 * Proven upper bound on σ₁ of the n×m matrix with real parts `re` and imaginary parts `im`
 * (null for a real matrix), both row-major. Takes ownership of the arrays (they are rescaled in
 * place). Any n, m work; the first squaring is done on the smaller side.
 */
export function gramIterationLog2(
  re: Float64Array,
  im: Float64Array | null,
  rows: number,
  cols: number,
  options: GramIterationOptions = {},
): GramIterationResult {
  const { tolerance, maxIterations, stopAtLog2, choleskyShortcut } = resolveOptions(options);
  const state = scaledWideMatrix(re, im, rows, cols);
  if (state === null) return { log2Upper: -Infinity, log2LowerEstimate: -Infinity, iterations: 0 };

  let upper = state.base + log2FrobeniusUpper(state.re, state.im);
  let lower = -Infinity;
  let iterations = 0;
  while (iterations < maxIterations && upper > stopAtLog2) {
    const nextUpper = squareAndRescale(state);
    lower = 2 * nextUpper - upper;
    iterations++;
    const gap = upper - nextUpper;
    upper = Math.min(upper, nextUpper);
    if (gap <= Math.log2(1 + tolerance)) break;

    // Shortcut after the first squaring, for matrices large enough that more squarings
    // (n³/2 operations each, ~6–10 of them) cost more than one Cholesky factorisation (n³/6).
    if (
      choleskyShortcut &&
      iterations === 1 &&
      (state.im === null ? state.n : 2 * state.n) >= SHIFTED_CHOLESKY_MIN_SIZE &&
      upper > stopAtLog2
    ) {
      const shortcut = shiftedCholeskyShortcut(state, tolerance, stopAtLog2);
      if (shortcut !== null) {
        upper = Math.min(upper, shortcut.log2Upper);
        if (shortcut.log2Lower !== undefined) lower = Math.max(lower, shortcut.log2Lower);
        break;
      }
      // Both attempts failed (a poor estimate): keep squaring, which always converges.
    }
  }
  return { log2Upper: upper, log2LowerEstimate: lower, iterations };
}

/** The options with their defaults, checked. */
function resolveOptions(options: GramIterationOptions): Required<GramIterationOptions> {
  const tolerance = options.tolerance ?? DEFAULT_GRAM_TOLERANCE;
  const maxIterations = options.maxIterations ?? DEFAULT_GRAM_MAX_ITERATIONS;
  const stopAtLog2 = options.stopAtLog2 ?? -Infinity;
  const choleskyShortcut = options.choleskyShortcut ?? true;
  if (!(tolerance > 0) || !Number.isInteger(maxIterations) || maxIterations < 0) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: invalid Gram iteration options (tolerance ${tolerance}, maxIterations ${maxIterations})`,
    );
  }
  return { tolerance, maxIterations, stopAtLog2, choleskyShortcut };
}

/**
 * The iterate A_k and the exponents that relate it to A: after k squarings,
 * log₂σ₁(A) ≤ base + errLog2 + weight·log₂σ₁(A_k).
 */
interface GramState {
  re: Float64Array;
  im: Float64Array | null;
  /** A_k is n×m with n ≤ m (n×n after the first squaring). */
  n: number;
  m: number;
  /** e₀ + Σ 2^(−k−1)·e_{k+1}: a dyadic rational, exact. */
  base: number;
  /** Bounds Σ 2^(−k−1)·(−log₂(1 − n_k c_k)). */
  errLog2: number;
  /** 2^(−k). */
  weight: number;
}

/**
 * A₀ = A·2^(−e₀), oriented so that n ≤ m (σ₁(Aᵀ) = σ₁(A), and A Aᴴ is then the smaller Gram
 * matrix), with entries at most 1 so that the sum of squares cannot overflow; null for A = 0.
 */
function scaledWideMatrix(
  re: Float64Array,
  im: Float64Array | null,
  rows: number,
  cols: number,
): GramState | null {
  let n = rows;
  let m = cols;
  if (rows > cols) {
    re = transpose(re, rows, cols);
    if (im !== null) im = transpose(im, rows, cols);
    n = cols;
    m = rows;
  }
  const maxAbs = maxAbsEntry(re, im);
  if (!Number.isFinite(maxAbs)) {
    throw new RelaxCertError('INVALID_INPUT', 'bounds: the weights contain NaN or Infinity');
  }
  if (maxAbs === 0) return null;
  const e0 = binaryExponent(maxAbs);
  scaleByPow2(re, -e0);
  if (im !== null) scaleByPow2(im, -e0);
  return { re, im, n, m, base: e0, errLog2: 0, weight: 1 };
}

function maxAbsEntry(re: Float64Array, im: Float64Array | null): number {
  let maxAbs = 0;
  for (let i = 0; i < re.length; i++) {
    const v = Math.abs(re[i]);
    if (v > maxAbs) maxAbs = v;
  }
  if (im !== null) {
    for (let i = 0; i < im.length; i++) {
      const v = Math.abs(im[i]);
      if (v > maxAbs) maxAbs = v;
    }
  }
  return maxAbs;
}

/**
 * One step A_{k+1} = fl(A_k A_kᴴ)·2^(−e_{k+1}), with its rounding error folded into errLog2;
 * returns log₂ of the new upper bound on σ₁(A).
 */
function squareAndRescale(state: GramState): number {
  const { n, m } = state;
  const c = 2 * gamma64(2 * m) + UNDERFLOW_ALLOWANCE;
  const x = n * c;
  if (x > 0.25) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: a ${n}×${m} matrix is too large for the float64 error analysis`,
    );
  }
  const next = state.im === null ? gramReal(state.re, n, m) : gramComplex(state.re, state.im, n, m);
  const re = next.re;
  const im = next.im;
  state.re = re;
  state.im = im;
  state.m = n;
  state.weight /= 2;
  // −log₂(1 − x) ≤ 2x / ln 2 < 3x for x ≤ 1/2.
  state.errLog2 += state.weight * 3 * x;

  // Rescale so that ‖A_{k+1}‖_F is about 1 (the Gram matrix of a matrix with ‖·‖_F ≈ 1 is
  // never 0: σ₁² ≥ ‖A_k‖_F²/n).
  let sumSquares = 0;
  for (let i = 0; i < re.length; i++) sumSquares += re[i] * re[i];
  if (im !== null) for (let i = 0; i < im.length; i++) sumSquares += im[i] * im[i];
  if (!(sumSquares > 0)) {
    throw new RelaxCertError('INTERNAL', 'bounds: Gram iteration lost all magnitude');
  }
  const e = binaryExponent(Math.sqrt(sumSquares));
  scaleByPow2(re, -e);
  if (im !== null) scaleByPow2(im, -e);
  state.base += state.weight * e;

  return state.base + state.errLog2 + state.weight * log2FrobeniusUpper(re, im);
}

/**
 * After the first squaring, prove λ_max(A₁) ≤ λ' directly (shifted-cholesky.ts). As in the
 * squarings, σ₁(A₀)² ≤ λ_max(Ĝ)/(1 − n·c) (Weyl's inequality for the Hermitian Ĝ) and
 * Ĝ = 2^(e₁)·A₁, so log₂σ₁(A) ≤ base + errLog2 + ½·log₂λ'. A complex Hermitian A₁ = X + iY is
 * handled through the real symmetric [[X, −Y], [Y, X]], which has the same eigenvalues (each
 * twice). Returns the proven log₂ bound (and the estimate's, when one was made), or null when
 * no shift could be proven.
 */
function shiftedCholeskyShortcut(
  state: GramState,
  tolerance: number,
  stopAtLog2: number,
): { log2Upper: number; log2Lower?: number } | null {
  const { re, im, n, base, errLog2, weight } = state;
  const symmetric = im === null ? re : realSymmetricEmbedding(re, im, n);
  const size = im === null ? n : 2 * n;
  const toLog2Sigma = (lambda: number): number => base + errLog2 + weight * Math.log2(lambda);
  // 1. Is the bound below the caller's target? Then no estimate is needed.
  if (stopAtLog2 > -Infinity) {
    const target = 2 ** ((stopAtLog2 - base - errLog2) / weight) * (1 - 1e-9);
    const proven = target > 0 ? proveLargestEigenvalueBelow(symmetric, size, target) : null;
    if (proven !== null) return { log2Upper: toLog2Sigma(proven) };
  }
  // 2. Otherwise shift just above a Lanczos estimate: first by tolerance/8, then (if the
  // estimate was not that accurate) by the tolerance. A Ritz value is below λ_max, so
  // λ' ≤ λ_max·(1 + shift)(1 + tiny): the bound on σ₁ is within about shift/2 of it.
  const estimate = lanczosLargestEigenvalue(symmetric, size, tolerance / 50);
  let proven: number | null = null;
  for (const shift of estimate > 0 ? [tolerance / 8, tolerance] : []) {
    proven = proveLargestEigenvalueBelow(symmetric, size, estimate * (1 + shift));
    if (proven !== null) break;
  }
  if (proven === null) return null;
  return { log2Upper: toLog2Sigma(proven), log2Lower: toLog2Sigma(estimate) };
}

/** [[X, −Y], [Y, X]] for the Hermitian X + iY (row-major n×n parts): real symmetric, 2n×2n. */
function realSymmetricEmbedding(x: Float64Array, y: Float64Array, n: number): Float64Array {
  const size = 2 * n;
  const out = new Float64Array(size * size);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const xv = x[i * n + j];
      const yv = y[i * n + j];
      out[i * size + j] = xv;
      out[i * size + n + j] = -yv;
      out[(n + i) * size + j] = yv;
      out[(n + i) * size + n + j] = xv;
    }
  }
  return out;
}

/** log₂ of an upper bound on the Frobenius norm of (re, im) (rounding of the sum included). */
function log2FrobeniusUpper(re: Float64Array, im: Float64Array | null): number {
  let s = 0;
  for (let i = 0; i < re.length; i++) s += re[i] * re[i];
  let count = re.length;
  if (im !== null) {
    for (let i = 0; i < im.length; i++) s += im[i] * im[i];
    count += im.length;
  }
  return Math.log2(Math.sqrt(s) * (1 + 2 * (count + 4) * UNIT_ROUNDOFF_64));
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) t[j * rows + i] = a[o + j];
  }
  return t;
}

/**
 * G = A Aᵀ for a real row-major n×m A: dot products of rows, upper triangle computed in 4×2
 * register blocks (dot-block.ts), then mirrored.
 */
function gramReal(a: Float64Array, n: number, m: number): { re: Float64Array; im: null } {
  const g = new Float64Array(n * n);
  const sums = new Float64Array(8);
  const last = n - 1;
  for (let i = 0; i < n; i += 4) {
    // Rows past the end repeat the last row: they write the same values again, harmlessly.
    const i1 = Math.min(i + 1, last);
    const i2 = Math.min(i + 2, last);
    const i3 = Math.min(i + 3, last);
    for (let j = i; j < n; j += 2) {
      const j1 = Math.min(j + 1, last);
      dotBlock4x2(a, i * m, i1 * m, i2 * m, i3 * m, j * m, j1 * m, m, sums);
      g[i * n + j] = sums[0];
      g[i * n + j1] = sums[1];
      g[i1 * n + j] = sums[2];
      g[i1 * n + j1] = sums[3];
      g[i2 * n + j] = sums[4];
      g[i2 * n + j1] = sums[5];
      g[i3 * n + j] = sums[6];
      g[i3 * n + j1] = sums[7];
    }
  }
  // Mirror the upper triangle (blocks on the diagonal also wrote some lower entries, equal up to
  // summation order; overwrite them so the stored matrix is exactly symmetric).
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) g[j * n + i] = g[i * n + j];
  }
  return { re: g, im: null };
}

/**
 * G = A Aᴴ for a complex row-major n×m A: upper triangle in 2×2 blocks of rows (four complex dot
 * products share their loads), then mirrored as the conjugate.
 */
function gramComplex(
  ar: Float64Array,
  ai: Float64Array,
  n: number,
  m: number,
): { re: Float64Array; im: Float64Array } {
  const gr = new Float64Array(n * n);
  const gi = new Float64Array(n * n);
  const last = n - 1;
  for (let i = 0; i < n; i += 2) {
    const i1 = Math.min(i + 1, last);
    const o0 = i * m;
    const o1 = i1 * m;
    for (let j = i; j < n; j += 2) {
      const j1 = Math.min(j + 1, last);
      const p0 = j * m;
      const p1 = j1 * m;
      // G_ij = Σ_k A_ik·conj(A_jk) = Σ (xr·yr + xi·yi) + i·Σ (xi·yr − xr·yi).
      let r00 = 0;
      let q00 = 0;
      let r01 = 0;
      let q01 = 0;
      let r10 = 0;
      let q10 = 0;
      let r11 = 0;
      let q11 = 0;
      for (let k = 0; k < m; k++) {
        const xr0 = ar[o0 + k];
        const xi0 = ai[o0 + k];
        const xr1 = ar[o1 + k];
        const xi1 = ai[o1 + k];
        const yr0 = ar[p0 + k];
        const yi0 = ai[p0 + k];
        const yr1 = ar[p1 + k];
        const yi1 = ai[p1 + k];
        r00 += xr0 * yr0 + xi0 * yi0;
        q00 += xi0 * yr0 - xr0 * yi0;
        r01 += xr0 * yr1 + xi0 * yi1;
        q01 += xi0 * yr1 - xr0 * yi1;
        r10 += xr1 * yr0 + xi1 * yi0;
        q10 += xi1 * yr0 - xr1 * yi0;
        r11 += xr1 * yr1 + xi1 * yi1;
        q11 += xi1 * yr1 - xr1 * yi1;
      }
      gr[i * n + j] = r00;
      gi[i * n + j] = q00;
      gr[i * n + j1] = r01;
      gi[i * n + j1] = q01;
      gr[i1 * n + j] = r10;
      gi[i1 * n + j] = q10;
      gr[i1 * n + j1] = r11;
      gi[i1 * n + j1] = q11;
    }
  }
  for (let i = 0; i < n; i++) {
    // The exact diagonal of A Aᴴ is real: storing 0 there is exact, hence within the error bound.
    gi[i * n + i] = 0;
    for (let j = i + 1; j < n; j++) {
      gr[j * n + i] = gr[i * n + j];
      gi[j * n + i] = -gi[i * n + j];
    }
  }
  return { re: gr, im: gi };
}
