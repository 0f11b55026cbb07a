/**
 * The one vocabulary of certification figures: every metric has one name (the key, used as the
 * JSON field and CSV column), one label (CLI text and UI) and one meaning (the definition, also
 * the UI's glossary tooltip). README.md ("Figures and their names") repeats these definitions; a
 * test keeps the two in step.
 */

export interface Term {
  /** Short name for text and UI. */
  label: string;
  /** One line: what the figure counts, exactly. */
  definition: string;
}

/** Sound figures of a certification at one ε (CertificationSession.at → metrics). */
export const METRIC_TERMS = {
  cleanAccuracy: {
    label: 'clean accuracy',
    definition: 'fraction of test points whose top-1 class is the label; ⊥ is ignored',
  },
  standardVra: {
    label: 'standard VRA',
    definition:
      'fraction of test points certified by the standard GloRo guarantee at ε (same K, claim and ' +
      'error bound) and top-1 correct; always equals `relaxcert certify --rtk 1`',
  },
  guaranteeVra: {
    label: 'guarantee VRA',
    definition:
      "fraction of test points whose label lies in the certified set F^{k*} at ε under the run's " +
      'guarantee or the chosen one (RTK, affinity); equals standard VRA under the standard guarantee',
  },
  top1GuaranteeVra: {
    label: 'top-1 VRA under the guarantee',
    definition:
      'fraction of test points certified (not ⊥) under the guarantee at ε whose top-1 class is ' +
      'the label; not a standard certificate',
  },
  rejectionRate: {
    label: 'rejection rate',
    definition:
      'fraction of test points rejected (⊥: no allowed k certified) under the guarantee at ε',
  },
  certifiedCount: {
    label: 'certified',
    definition: 'number of test points not rejected under the guarantee at ε',
  },
} as const satisfies Record<string, Term>;

export type MetricKey = keyof typeof METRIC_TERMS;

/**
 * Per-point fields of `certify --json`, its CSV and the UI's point table, in column order (the
 * key is the JSON field and the CSV column).
 */
export const POINT_TERMS = {
  index: { label: 'point', definition: 'position of the point in the test split, from 0' },
  label: { label: 'label', definition: 'true class id' },
  predicted: { label: 'predicted', definition: 'top-1 class id, ties to the lower id' },
  certified: { label: 'certified', definition: 'not ⊥ under the guarantee at ε' },
  certifiedSet: { label: 'set', definition: 'certified set F^{k*} as class ids (empty when ⊥)' },
  labelInSet: { label: 'label in set', definition: 'the label lies in the certified set' },
  margin: { label: 'margin', definition: 'm, the largest margin over allowed k at ε' },
  error: {
    label: 'error bound',
    definition: 'error bound of the claim at ε that the margin had to exceed',
  },
  radius: { label: 'radius', definition: 'certified radius under the guarantee' },
} as const satisfies Record<string, Term>;

/** Words the figures are built from, for the glossary tooltips and `--explain`. */
export const GLOSSARY = {
  vra: {
    label: 'VRA',
    definition:
      'verified-robust accuracy: the fraction of points that are both certified at ε and right',
  },
  bottom: {
    label: '⊥',
    definition:
      'rejected: no allowed k has a margin m^k above the error bound, so nothing is certified',
  },
  margin: {
    label: 'margin',
    definition:
      'm^k = min over j in F^k, i outside F^k of f_j − f_i − ε·K_ji; m is the largest over allowed k',
  },
  errorBound: {
    label: 'error bound',
    definition:
      'per-point bound on the rounding error of every logit difference under the claim: of the ' +
      'stored logits at x, and (claim float32) of the float32 network anywhere in the ε-ball; ' +
      'base + ε·perEpsilon; a margin must exceed it',
  },
  claim: {
    label: 'claim',
    definition:
      'what a certificate says holds in the ε-ball: float32 (default; the network run in ' +
      'float32, any summation order, and in exact arithmetic) or exact (the network in exact ' +
      'arithmetic only, as in the paper)',
  },
  radius: {
    label: 'certified radius',
    definition:
      'largest ε at which the point stays certified under the guarantee (certified at ε ⇔ ε < radius)',
  },
  certifiedSet: {
    label: 'certified set',
    definition:
      'F^{k*}: the k* top classes, k* the largest allowed k whose margin exceeds the error bound',
  },
  estimate: {
    label: 'estimate',
    definition:
      'a training-time figure from power-iteration Lipschitz estimates (no error bound): not a ' +
      'certificate; sound figures come from evaluation',
  },
} as const satisfies Record<string, Term>;

/** Label of an estimate, e.g. "standard VRA (estimate)". */
export function estimateLabel(key: MetricKey): string {
  return `${METRIC_TERMS[key].label} (estimate)`;
}

/**
 * The training-time figures of an epoch, by their field names in EpochMetrics, metrics.jsonl,
 * the API and `runs --json`: estimates, each named and labelled as one (GLOSSARY.estimate).
 */
export const ESTIMATE_TERMS = {
  estimatedStandardVra: {
    label: estimateLabel('standardVra'),
    definition:
      'standard VRA at the epoch’s ε, computed with power-iteration estimates of K and no ' +
      'rounding-error bound',
  },
  estimatedGuaranteeVra: {
    label: estimateLabel('guaranteeVra'),
    definition:
      "guarantee VRA under the run's RTK or affinity guarantee, computed the same way (absent " +
      'for standard runs)',
  },
  estimatedRejectionRate: {
    label: estimateLabel('rejectionRate'),
    definition: "rejection rate under the run's guarantee, computed the same way",
  },
  estimatedLipschitz: {
    label: 'largest K_ji (estimate)',
    definition:
      'largest entry of the Lipschitz matrix K as power iteration estimates it (approached from ' +
      'below, so not a bound)',
  },
} as const satisfies Record<string, Term>;

export type EstimateKey = keyof typeof ESTIMATE_TERMS;
