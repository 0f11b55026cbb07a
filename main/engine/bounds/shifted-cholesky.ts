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
  // M̂ = λI − G, rounded as described above, in the lower triangle of `l`, then factored in place.
  const l = new Float64Array(n * n);
  let maxDiagError = 0;
  for (let i = 0; i < n; i++) {
    const oi = i * n;
    for (let j = 0; j < i; j++) l[oi + j] = -g[oi + j];
    const d = lambda - g[oi + i];
    l[oi + i] = d;
    maxDiagError = Math.max(maxDiagError, Math.abs(d) * UNIT_ROUNDOFF_64);
  }
  let frobenius2 = 0;
  // Row-by-row (Cholesky–Banachiewicz): L_ij = (M_ij − Σ_{k<j} L_ik·L_jk) / L_jj, two rows i,i+1
  // and two columns j,j+1 at a time so that four inner products share their loads. The last term
  // of column j+1's sum (k = j) is added once L_ij is known; the error bound holds for any order.
  for (let i = 0; i < n; i += 2) {
    const pair = i + 1 < n;
    const oi = i * n;
    const oi1 = pair ? oi + n : oi;
    let j = 0;
    for (; j + 1 < i; j += 2) {
      const oj = j * n;
      const oj1 = oj + n;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < j; k++) {
        const a0 = l[oi + k];
        const a1 = l[oi1 + k];
        const b0 = l[oj + k];
        const b1 = l[oj1 + k];
        s00 += a0 * b0;
        s01 += a0 * b1;
        s10 += a1 * b0;
        s11 += a1 * b1;
      }
      const d0 = l[oj + j];
      const d1 = l[oj1 + j + 1];
      const c = l[oj1 + j]; // L_{j+1,j}
      const v00 = (l[oi + j] - s00) / d0;
      const v01 = (l[oi + j + 1] - (s01 + v00 * c)) / d1;
      l[oi + j] = v00;
      l[oi + j + 1] = v01;
      frobenius2 += v00 * v00 + v01 * v01;
      if (pair) {
        const v10 = (l[oi1 + j] - s10) / d0;
        const v11 = (l[oi1 + j + 1] - (s11 + v10 * c)) / d1;
        l[oi1 + j] = v10;
        l[oi1 + j + 1] = v11;
        frobenius2 += v10 * v10 + v11 * v11;
      }
    }
    // The remaining columns one by one: the 2×2 corner on the diagonal (j = i here).
    for (let r = i; r <= (pair ? i + 1 : i); r++) {
      const or = r * n;
      for (let c = j; c <= r; c++) {
        const oc = c * n;
        let s = 0;
        for (let k = 0; k < c; k++) s += l[or + k] * l[oc + k];
        const rest = l[or + c] - s;
        if (r === c) {
          if (!(rest > 0)) return null;
          l[or + r] = Math.sqrt(rest);
          frobenius2 += rest;
        } else {
          const v = rest / l[oc + c];
          l[or + c] = v;
          frobenius2 += v * v;
        }
      }
    }
  }
  if (!Number.isFinite(frobenius2)) return null;
  const count = (n * (n + 1)) / 2;
  // ‖L̂‖_F² from its computed sum (a diagonal term is the square of its stored pivot up to the
  // rounding of the square root): relative error at most 2(count + 4)u.
  const frobeniusUpper = frobenius2 * (1 + 2 * (count + 4) * UNIT_ROUNDOFF_64);
  const slack = gamma64(n + 1) * frobeniusUpper + maxDiagError * 2 + UNDERFLOW_ALLOWANCE;
  return (lambda + slack) * (1 + 4 * UNIT_ROUNDOFF_64);
}
