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
 * 2. The logits (logitSlack). Certification compares float32 logits f̂(x) computed by tfjs with
 *    ε·K. The Lipschitz argument is about the exact-arithmetic network f, so the comparison must
 *    absorb |f̂ − f| at x, and, for the guarantee to hold for the float32 network at x' too, at
 *    x'. See logitSlack.
 */
import { RelaxCertError } from '../../../shared/errors.ts';
import { gamma32 } from './rounding.ts';

/** Relative inflation applied once to every Lipschitz bound (see the comment above). */
export const BOUND_RELATIVE_SLACK = 1e-4;

/** x·(1 + BOUND_RELATIVE_SLACK); the rounding of this product is far below the slack itself. */
export function inflateBound(x: number): number {
  if (Number.isNaN(x) || x < 0) {
    throw new RelaxCertError('INVALID_INPUT', `bounds: cannot inflate a bound of ${x}`);
  }
  return x * (1 + BOUND_RELATIVE_SLACK);
}

/** Default largest fan-in (inputs summed into one activation) assumed by logitSlack. */
export const DEFAULT_MAX_FAN_IN = 4096;

/**
 * A conservative absolute slack for comparing float32 logit differences with ε·K_ji: certify
 * only when f̂_j − f̂_i − ε·K_ji > logitSlack(...).
 *
 * Reasoning (worst case, not statistical). A float32 dense or conv layer computes each output as
 * a sum of at most n = maxFanIn products plus a bias, so its rounding error is at most
 * γ_{n+2}·(|W|·|x| + |b|) (Higham, Thm 3.5, any summation order, FMA or not; the MinMax,
 * downsampling and flatten layers are exact: they only move or compare values). We assume, as
 * holds for GloRo-trained networks whose layers are close to norm-preserving, that these
 * absolute-value sums stay within the logit scale s = max(maxAbsLogit, 1); each layer's error is
 * then carried to the logits by the later layers, whose Lipschitz product is ≤ ~1 in those nets.
 * So each logit is within L·γ_{n+2}·s of its exact value at x, and likewise at any x' in the ball.
 * A difference of two logits doubles that, and comparing at x for a claim at x' doubles it again:
 *     slack = 4 · L · γ_{n+2} · s.
 * For L = 4, n = 4096, s = 10 this is 4·4·2.4e-4·10 ≈ 0.04 logits: worst-case, so typically 1–2
 * orders of magnitude larger than the real error, and still small next to the ε·K margins a
 * GloRo head enforces during training. Callers with networks that violate the scale assumption
 * (very large hidden activations) should pass a larger `activationScale`.
 */
export function logitSlack(
  maxAbsLogit: number,
  numLayers: number,
  options: { maxFanIn?: number; activationScale?: number } = {},
): number {
  const maxFanIn = options.maxFanIn ?? DEFAULT_MAX_FAN_IN;
  if (!(maxAbsLogit >= 0) || !Number.isFinite(maxAbsLogit)) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: maxAbsLogit must be a finite number ≥ 0, got ${maxAbsLogit}`,
    );
  }
  if (!Number.isInteger(numLayers) || numLayers < 1) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: numLayers must be an integer ≥ 1, got ${numLayers}`,
    );
  }
  if (!Number.isInteger(maxFanIn) || maxFanIn < 1) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: maxFanIn must be an integer ≥ 1, got ${maxFanIn}`,
    );
  }
  const scale = Math.max(maxAbsLogit, options.activationScale ?? 0, 1);
  return 4 * numLayers * gamma32(maxFanIn + 2) * scale;
}
