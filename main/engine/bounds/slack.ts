/**
 * Float32 rounding: how much every certificate quantity is inflated.
 *
 * Two separate effects are covered.
 *
 * 1. The Lipschitz bounds themselves (BOUND_RELATIVE_SLACK). They are computed in float64 from
 *    the float32 weights exactly as stored (a float32 converts to float64 without error), and the
 *    Gram iteration / DFT code accounts for its own float64 rounding rigorously (relative effect
 *    below 1e-8 for layers up to 4096 wide). What is left unproven is what callers do with the
 *    bounds: multiplying a dozen per-layer bounds, K_ji = ‖w_j − w_i‖·Π, possibly storing them
 *    in a Float32Array (2^-24 ≈ 6e-8 relative per operation, so under 1e-5 for 100 operations).
 *    A relative slack of 1e-4 covers all of that at least ten times over, and costs a 1e-4
 *    relative loss of certified radius, which is invisible in VRA. Every bound exported by this
 *    module is already inflated once by this factor; a product of inflated bounds is sound.
 *
 * 2. The logits. Certification compares float32 logits f̂(x) computed by tfjs with ε·K. The
 *    Lipschitz argument is about the exact-arithmetic network f, so each margin must exceed a
 *    bound on |f̂ − f| at x and at every x' of the ball: a per-point bound, float-error.ts.
 */
import { RelaxCertError } from '../../../shared/errors.ts';

/** Relative inflation applied once to every Lipschitz bound (see the comment above). */
export const BOUND_RELATIVE_SLACK = 1e-4;

/** x·(1 + BOUND_RELATIVE_SLACK); the rounding of this product is far below the slack itself. */
export function inflateBound(x: number): number {
  if (Number.isNaN(x) || x < 0) {
    throw new RelaxCertError('INVALID_INPUT', `bounds: cannot inflate a bound of ${x}`);
  }
  return x * (1 + BOUND_RELATIVE_SLACK);
}
