/**
 * Floating-point error constants used by the sound bounds. Everything here is the textbook
 * model (Higham, "Accuracy and Stability of Numerical Algorithms", ch. 2–3): a float64
 * operation returns the exact result times (1 + δ) with |δ| ≤ u = 2^-53, barring underflow,
 * and any summation of n terms, in any order, has relative error on Σ|terms| of at most γ_n.
 */
import { RelaxCertError } from '../../../shared/errors.ts';

/** Unit roundoff of float64. */
export const UNIT_ROUNDOFF_64 = 2 ** -53;

/** Unit roundoff of float32. */
export const UNIT_ROUNDOFF_32 = 2 ** -24;

/**
 * Allowance that covers every absolute error caused by underflow: our iterates are rescaled so
 * their Frobenius norm is about 1 (and σ₁ ≥ ‖·‖_F/√n), so each gradual-underflow rounding
 * (≤ 2^-1075) and the few million of them one step can make stay far below this. The one
 * rescaling outside the iteration steps (of the input, by a power of two) can only underflow
 * entries below 2^-1022 times its largest entry; that is covered, with a huge margin, by
 * FINAL_OPERATIONS_FACTOR.
 */
export const UNDERFLOW_ALLOWANCE = 2 ** -900;

/** γ_n = n·u / (1 − n·u) for float64. */
export function gamma64(n: number): number {
  const nu = n * UNIT_ROUNDOFF_64;
  if (nu >= 0.5) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: a dimension of ${n} is too large for the float64 error analysis`,
    );
  }
  return nu / (1 - nu);
}

/** γ_n = n·u / (1 − n·u) for float32. */
export function gamma32(n: number): number {
  const nu = n * UNIT_ROUNDOFF_32;
  if (nu >= 0.5) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: a dimension of ${n} is too large for the float32 error analysis`,
    );
  }
  return nu / (1 - nu);
}

/**
 * Safety factor for the last few float64 operations of a bound (Math.log2, Math.pow, products
 * of a handful of numbers): each is accurate to a few ulps, i.e. ~1e-15 relative; 1e-12 covers
 * them with a wide margin.
 */
export const FINAL_OPERATIONS_FACTOR = 1 + 1e-12;

/** Multiplies every entry by 2^e exactly (up to underflow, covered by UNDERFLOW_ALLOWANCE). */
export function scaleByPow2(values: Float64Array, e: number): void {
  // Apply in chunks of at most 1000 binary orders so every factor is a normal number.
  let left = e;
  while (left !== 0) {
    const part = Math.max(-1000, Math.min(1000, left));
    const factor = 2 ** part;
    for (let i = 0; i < values.length; i++) values[i] *= factor;
    left -= part;
  }
}

/** The exponent e with 2^(e−1) ≤ x < 2^e for a finite x > 0 (up to one off, which is harmless). */
export function binaryExponent(x: number): number {
  return Math.floor(Math.log2(x)) + 1;
}
