/**
 * What a certificate claims, and so which rounding-error bound its margins must exceed
 * (main/engine/bounds/float-error.ts derives both bounds; README, "Soundness"):
 *
 * - `float32`: the network run in IEEE float32 (any summation order, with or without FMA)
 *   returns a class of the certified set at every x' of the ε-ball, and so does the network in
 *   exact arithmetic. Its bound covers the float32 network's own worst-case rounding anywhere in
 *   the ball, which grows with the fan-in (a few points of VRA on 28×28 conv nets).
 * - `exact`: the network in exact (real) arithmetic does, as in the paper; its bound covers only
 *   the float64 evaluation of the logits at x and their storage as float32. It says nothing
 *   about a float32 deployment's rounding.
 *
 * The default is `float32`, the stronger claim. Every figure made under a claim names it.
 */
import { RelaxCertError } from '../errors.ts';
import type { ErrorBound } from './input.ts';

export const CERT_CLAIMS = ['float32', 'exact'] as const;
export type CertClaim = (typeof CERT_CLAIMS)[number];

export const DEFAULT_CLAIM: CertClaim = 'float32';

/** One rounding-error bound per claim, per point (EvalArtifacts, DecisionGrid). */
export type ClaimErrorBounds = Record<CertClaim, ErrorBound>;

export const CLAIM_TERMS = {
  float32: {
    label: 'float32 deployment',
    definition:
      'the network run in IEEE float32 (any summation order, FMA or not) returns a class of ' +
      'the certified set everywhere in the ε-ball, and so does the network in exact arithmetic',
  },
  exact: {
    label: 'exact arithmetic',
    definition:
      'the network in exact arithmetic returns a class of the certified set everywhere in the ' +
      'ε-ball (the paper’s claim); a float32 deployment’s own rounding is not covered',
  },
} as const satisfies Record<CertClaim, { label: string; definition: string }>;

export function isCertClaim(value: unknown): value is CertClaim {
  return typeof value === 'string' && (CERT_CLAIMS as readonly string[]).includes(value);
}

/** A claim named by a user (CLI flag, API field); anything else is refused naming `field`. */
export function parseClaim(value: unknown, field = 'claim'): CertClaim {
  if (isCertClaim(value)) return value;
  throw new RelaxCertError(
    'INVALID_INPUT',
    `${field} must be one of ${CERT_CLAIMS.join(', ')} (got ${JSON.stringify(value)}).`,
    { field },
  );
}

/**
 * The certification input of stored artefacts under one claim: every field but the two bounds,
 * plus the claim's bound as `errorBound` and the claim itself. The one way from artefacts to a
 * certificate, so that no door certifies with the wrong bound or none.
 */
export function underClaim<T extends { errorBounds: ClaimErrorBounds }>(
  data: T,
  claim: CertClaim,
): Omit<T, 'errorBounds'> & { errorBound: ErrorBound; claim: CertClaim } {
  const { errorBounds, ...rest } = data;
  return { ...rest, errorBound: errorBounds[claim], claim };
}

/**
 * Said wherever exact-claim figures of artefacts that predate the exact claim's own bound are
 * shown (EvalArtifacts.exactBoundStandIn): they equal the float32 claim's, and why.
 */
export function standInNote(
  artifacts: { exactBoundStandIn?: true },
  claim: CertClaim,
): string | undefined {
  if (claim !== 'exact' || artifacts.exactBoundStandIn !== true) return undefined;
  return (
    "this run was evaluated before the exact claim's own bound was stored: the float32 " +
    "claim's bound stands in (sound, looser); evaluate the run again for the tighter one"
  );
}
