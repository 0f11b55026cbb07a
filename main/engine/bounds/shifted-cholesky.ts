/**
 * Proving λ_max(G) ≤ λ' for a real symmetric matrix G with one floating-point Cholesky
 * factorisation of λI − G (the idea of Rump, "Verification of positive definiteness", BIT 2006).
 *
 * Proof. Let M̂ be the matrix we factor: off-diagonal −G_ij (negation is exact) and diagonal
 * fl(λ − G_ii) = λ − G_ii + d_i with |d_i| ≤ u·|M̂_ii|. If the float64 Cholesky runs to completion
 * (every pivot positive), its computed factor L̂ satisfies L̂L̂ᵀ = M̂ + ΔM with
 * |ΔM| ≤ γ_{n+1}·|L̂||L̂ᵀ| entrywise, for any symmetric M̂ and any order of the inner products
 * (Demmel 1989; Higham, "Accuracy and Stability of Numerical Algorithms", Thm 10.3). Hence
 *     λI − G = L̂L̂ᵀ − ΔM − D ⪰ −(‖ΔM‖₂ + max|d_i|)·I,  ‖ΔM‖₂ ≤ ‖ΔM‖_F ≤ γ_{n+1}·‖L̂‖_F²,
 * so λ_max(G) ≤ λ + γ_{n+1}·‖L̂‖_F² + max|d_i|. Every term is rounded up below.
 */
import { dotBlock4x2 } from './dot-block.ts';
import { gamma64, UNDERFLOW_ALLOWANCE, UNIT_ROUNDOFF_64 } from './rounding.ts';

/**
 * A proven upper bound on λ_max(G) for the row-major symmetric n×n `g` (only its lower triangle
 * is read) if λI − G is numerically positive definite; null when the factorisation fails (then
 * λ may be below λ_max, or too close to it).
 */
export function proveLargestEigenvalueBelow(
  g: Float64Array,
  n: number,
  lambda: number,
): number | null {
  const { l, size, maxDiagError } = shiftedMatrix(g, n, lambda);
  // Row-by-row (Cholesky–Banachiewicz), four rows at a time: the blocks left of the diagonal,
  // then the 4×4 corner on it. frobenius2 sums the squares of L̂'s entries as they are made.
  const sums = new Float64Array(8); // the dot products of one block (dot-block.ts)
  let frobenius2 = 0;
  for (let i = 0; i < size; i += 4) {
    for (let j = 0; j < i; j += 2) frobenius2 += factorBlock(l, size, i, j, sums);
    const withCorner = factorCorner(l, size, n, i, frobenius2);
    if (withCorner === null) return null;
    frobenius2 = withCorner;
  }
  if (!Number.isFinite(frobenius2)) return null;
  const count = (n * (n + 1)) / 2;
  // ‖L̂‖_F² from its computed sum (a diagonal term is the square of its stored pivot up to the
  // rounding of the square root): relative error at most 2(count + 4)u.
  const frobeniusUpper = frobenius2 * (1 + 2 * (count + 4) * UNIT_ROUNDOFF_64);
  const slack = gamma64(n + 1) * frobeniusUpper + maxDiagError * 2 + UNDERFLOW_ALLOWANCE;
  return (lambda + slack) * (1 + 4 * UNIT_ROUNDOFF_64);
}

/**
 * M̂ = λI − G, rounded as described above, in the lower triangle of a size×size `l` (to be
 * factored in place), with max|d_i| bounded. `l` is padded to a multiple of 4 rows with identity
 * rows: diag(M̂, I) has the factor diag(L̂, I), computed exactly for the padding (no rounding in
 * 0s and 1s), so the padding changes neither the outcome nor the error bound, and it lets the
 * kernels below work on four rows at a time without edge cases.
 */
function shiftedMatrix(
  g: Float64Array,
  n: number,
  lambda: number,
): { l: Float64Array; size: number; maxDiagError: number } {
  const size = Math.ceil(n / 4) * 4;
  const l = new Float64Array(size * size);
  let maxDiagError = 0;
  for (let i = 0; i < n; i++) {
    const oi = i * size;
    const gi = i * n;
    for (let j = 0; j < i; j++) l[oi + j] = -g[gi + j];
    const d = lambda - g[gi + i];
    l[oi + i] = d;
    maxDiagError = Math.max(maxDiagError, Math.abs(d) * UNIT_ROUNDOFF_64);
  }
  for (let i = n; i < size; i++) l[i * size + i] = 1;
  return { l, size, maxDiagError };
}

/**
 * L_rc = (M_rc − Σ_{k<c} L_rk·L_ck) / L_cc for rows i … i+3 and columns j, j+1 (left of the
 * diagonal), in place; returns the sum of the squares of the eight new entries. Eight inner
 * products share their loads; the last term of column j+1's sum (k = j) is added once L_rj is
 * known. The error bound holds for any order of the inner products.
 */
function factorBlock(
  l: Float64Array,
  size: number,
  i: number,
  j: number,
  sums: Float64Array,
): number {
  const o0 = i * size;
  const o1 = o0 + size;
  const o2 = o1 + size;
  const o3 = o2 + size;
  const p0 = j * size;
  const p1 = p0 + size;
  dotBlock4x2(l, o0, o1, o2, o3, p0, p1, j, sums);
  const d0 = l[p0 + j];
  const d1 = l[p1 + j + 1];
  const c = l[p1 + j]; // L_{j+1,j}
  let v = (l[o0 + j] - sums[0]) / d0;
  let w = (l[o0 + j + 1] - (sums[1] + v * c)) / d1;
  l[o0 + j] = v;
  l[o0 + j + 1] = w;
  let f = v * v + w * w;
  v = (l[o1 + j] - sums[2]) / d0;
  w = (l[o1 + j + 1] - (sums[3] + v * c)) / d1;
  l[o1 + j] = v;
  l[o1 + j + 1] = w;
  f += v * v + w * w;
  v = (l[o2 + j] - sums[4]) / d0;
  w = (l[o2 + j + 1] - (sums[5] + v * c)) / d1;
  l[o2 + j] = v;
  l[o2 + j + 1] = w;
  f += v * v + w * w;
  v = (l[o3 + j] - sums[6]) / d0;
  w = (l[o3 + j + 1] - (sums[7] + v * c)) / d1;
  l[o3 + j] = v;
  l[o3 + j + 1] = w;
  f += v * v + w * w;
  // Padding rows have zeros left of their diagonal: they add nothing here.
  return f;
}

/**
 * The 4×4 corner on the diagonal at rows and columns i … i+3, entry by entry, in place; returns
 * `frobenius2` with the squares of its entries added one by one (padding pivots excluded), or
 * null when a pivot is not positive.
 */
function factorCorner(
  l: Float64Array,
  size: number,
  n: number,
  i: number,
  frobenius2: number,
): number | null {
  for (let r = i; r < i + 4; r++) {
    const or = r * size;
    for (let c = i; c <= r; c++) {
      const oc = c * size;
      let sum = 0;
      for (let k = 0; k < c; k++) sum += l[or + k] * l[oc + k];
      const rest = l[or + c] - sum;
      if (r === c) {
        if (!(rest > 0)) return null;
        l[or + r] = Math.sqrt(rest);
        if (r < n) frobenius2 += rest;
      } else {
        const value = rest / l[oc + c];
        l[or + c] = value;
        frobenius2 += value * value;
      }
    }
  }
  return frobenius2;
}
