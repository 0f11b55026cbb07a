/**
 * Largest certifiable radius per point, in closed form (PAPER.md). Each m^k_j is linear in ε, so
 * for an allowed k the guarantee holds at ε iff for every j ∈ F^k, i ∉ F^k:
 *   f_j − f_i − ε K_ji > e₀ + ε e₁   ⇔   ε < r_ji = (f_j − f_i − e₀) / (K_ji + e₁)
 * with err(x, ε) = e₀ + ε e₁ the point's rounding-error bound (input.ts)
 * (K_ji + e₁ = 0: r_ji = +∞ if f_j − f_i > e₀, else the pair never holds: r_ji = 0).
 * r_k = min r_ji; radius = max(0, max over allowed k of r_k); k = C gives +∞.
 *
 * Equality: "certified at ε" uses strict inequalities, so it is equivalent to ε < radius
 * (radius > ε) — a point exactly at its radius is NOT certified, and radius 0 means "not even
 * at ε = 0". In floating point the two sides are computed differently (f_j − (f_i + εK) versus
 * a division), so they can disagree only when ε is within a few ulps of the radius; each
 * radius is rounded down by 2^-50 relative so that it never claims more than certify() grants.
 */
import { checkLabels, checkLogitsAndBounds } from './input.ts';
import type { LogitsAndBounds } from './input.ts';
import { markAllowed, resolveGuarantee } from './guarantee.ts';
import type { CertGuarantee, ResolvedGuarantee } from './guarantee.ts';
import { selectTopK } from './top-k.ts';

export type RadiusInput = LogitsAndBounds;

/** Per-point top-k radii r_k (k = 1..maxK) into `rk`. Not allowed k are left to the caller. */
function radiiPerK(
  f: Float32Array | Float64Array,
  row: number,
  c: number,
  lip: Float32Array | Float64Array,
  errBase: number,
  errPerEpsilon: number,
  order: Int32Array,
  off: number,
  maxK: number,
  inTop: Uint8Array,
  rk: Float64Array,
): void {
  for (let k = 0; k < maxK; k++) {
    rk[k] = Infinity;
    inTop[order[off + k]] = 1;
  }
  for (let r = 0; r < maxK; r++) {
    const j = order[off + r];
    const fj = f[row + j] - errBase;
    const lrow = j * c;
    // R = min over classes ranked ≥ maxK of r_ji, then extended rank by rank as k decreases.
    let R = Infinity;
    if (maxK < c) {
      for (let i = 0; i < c; i++) {
        if (inTop[i] === 0) {
          const v = pairRadius(fj - f[row + i], lip[lrow + i] + errPerEpsilon);
          if (v < R) R = v;
        }
      }
    }
    for (let k = maxK; k > r; k--) {
      if (R < rk[k - 1]) rk[k - 1] = R;
      const i = order[off + k - 1];
      const v = pairRadius(fj - f[row + i], lip[lrow + i] + errPerEpsilon);
      if (v < R) R = v;
    }
  }
  for (let k = 0; k < maxK; k++) inTop[order[off + k]] = 0;
}

const ROUND_DOWN = 1 - 2 ** -50;

/** r_ji of one pair: gap = f_j − e₀ − f_i, lipschitz = K_ji + e₁ (see the header). */
export function pairRadius(gap: number, lipschitz: number): number {
  if (lipschitz > 0) return gap > 0 ? (gap / lipschitz) * ROUND_DOWN : 0;
  return gap > 0 ? Infinity : 0;
}

interface PerPoint {
  resolved: ResolvedGuarantee;
  order: Int32Array;
  allowed: Uint8Array;
  rk: Float64Array;
}

/** Runs the per-point radii computation, calling `visit` with r_k and allowed flags. */
function forEachPoint(
  input: RadiusInput,
  resolved: ResolvedGuarantee,
  visit: (p: number, pp: PerPoint) => void,
): void {
  const { n, c, logits, lipschitz, errorBound } = input;
  const maxK = resolved.maxK;
  const pp: PerPoint = {
    resolved,
    order: new Int32Array(maxK),
    allowed: new Uint8Array(maxK),
    rk: new Float64Array(maxK),
  };
  const inTop = new Uint8Array(c);
  const alive = new Uint32Array(resolved.bitmaps?.setWordsPerClass ?? 1);
  for (let p = 0; p < n; p++) {
    const row = p * c;
    selectTopK(logits, row, c, maxK, pp.order, 0);
    markAllowed(resolved, pp.order, 0, pp.allowed, alive);
    const errBase = errorBound?.base[p] ?? 0;
    const errPerEpsilon = errorBound?.perEpsilon[p] ?? 0;
    radiiPerK(logits, row, c, lipschitz, errBase, errPerEpsilon, pp.order, 0, maxK, inTop, pp.rk);
    visit(p, pp);
  }
}

/** Largest ε at which each point is certified (strictly: certified at ε ⇔ ε < radius). */
export function certifiedRadius(input: RadiusInput, guarantee: CertGuarantee): Float64Array {
  checkLogitsAndBounds(input);
  return certifiedRadiusChecked(input, resolveGuarantee(guarantee, input.c));
}

/** certifiedRadius() on checked input and a resolved guarantee (see certifyChecked). */
export function certifiedRadiusChecked(
  input: RadiusInput,
  resolved: ResolvedGuarantee,
): Float64Array {
  const radii = new Float64Array(input.n);
  forEachPoint(input, resolved, (p, { allowed, rk }) => {
    let best = 0;
    for (let k = 0; k < rk.length; k++) if (allowed[k] === 1 && rk[k] > best) best = rk[k];
    radii[p] = best;
  });
  return radii;
}

/**
 * Per point, the radius below which its label y stays inside the certified set F^{k*(ε)}:
 * k* is the largest certified k, and F^k are nested, so y ∈ F^{k*} ⇔ some certified allowed
 * k ≥ rank(y). Hence the label radius is max over allowed k ≥ rank(y) of r_k (0 if y is not in
 * the top maxK). For the standard guarantee this is the radius when y is predicted, else 0.
 * VRA (RTK / affinity) at ε = fraction of points with labelRadius > ε.
 */
export function labelRadius(
  input: RadiusInput,
  guarantee: CertGuarantee,
  labels: Int32Array,
): Float64Array {
  checkLogitsAndBounds(input);
  checkLabels(labels, input.n, input.c);
  return labelRadiusChecked(input, resolveGuarantee(guarantee, input.c), labels);
}

/** labelRadius() on checked input, labels and a resolved guarantee (see certifyChecked). */
export function labelRadiusChecked(
  input: RadiusInput,
  resolved: ResolvedGuarantee,
  labels: Int32Array,
): Float64Array {
  const radii = new Float64Array(input.n);
  forEachPoint(input, resolved, (p, { order, allowed, rk }) => {
    const y = labels[p];
    let rank = -1;
    for (let r = 0; r < order.length; r++) {
      if (order[r] === y) {
        rank = r;
        break;
      }
    }
    let best = 0;
    if (rank >= 0) {
      for (let k = rank; k < rk.length; k++) if (allowed[k] === 1 && rk[k] > best) best = rk[k];
    }
    radii[p] = best;
  });
  return radii;
}
