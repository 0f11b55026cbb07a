/** The exported certification inputs: K[j][i] bounds the Lipschitz constant of f_j − f_i. */
import type { EvalArtifacts } from '../../shared/api/workbench-api.ts';
import { CERT_CLAIMS, CLAIM_TERMS, DEFAULT_CLAIM } from '../../shared/certify/claim.ts';
import type { CertClaim } from '../../shared/certify/claim.ts';

export function kMatrixJson(artifacts: EvalArtifacts): string {
  const { c, lipschitz, classNames } = artifacts;
  const rows: number[][] = [];
  for (let j = 0; j < c; j++) rows.push(Array.from(lipschitz.subarray(j * c, (j + 1) * c)));
  const doc = {
    description: 'K[j][i] is a sound upper bound of the l2 Lipschitz constant of f_j - f_i',
    classNames,
    c,
    K: rows,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Everything besides K that reproduces the run's certificates from the export: the test-set
 * logits and labels and each point's rounding-error bound under each claim (certified at ε iff
 * the margin exceeds base + ε·perEpsilon; null stands for +∞, never certified).
 */
export function certificateInputsJson(artifacts: EvalArtifacts): string {
  const { n, c, logits, labels, errorBounds } = artifacts;
  const rows: number[][] = [];
  for (let p = 0; p < n; p++) rows.push(Array.from(logits.subarray(p * c, (p + 1) * c)));
  const finite = (v: Float64Array): (number | null)[] =>
    Array.from(v, (x) => (Number.isFinite(x) ? x : null));
  const bound = (claim: CertClaim) => ({
    description: CLAIM_TERMS[claim].definition,
    base: finite(errorBounds[claim].base),
    perEpsilon: finite(errorBounds[claim].perEpsilon),
  });
  const doc = {
    description:
      'Test-set logits (float32 values), labels and per-point rounding-error bounds, one per ' +
      'claim. With K from k-matrix.json, point p is certified at radius eps under a guarantee ' +
      'and a claim iff its margin m = max over allowed k of min over j in top-k, i outside of ' +
      '(f_j - f_i - eps*K[j][i]) exceeds errorBounds[claim].base[p] + ' +
      "eps*errorBounds[claim].perEpsilon[p] (null means +infinity). RelaxCert's default " +
      `claim is "${DEFAULT_CLAIM}".`,
    n,
    c,
    classNames: artifacts.classNames,
    trainedEpsilon: artifacts.trainedEpsilon,
    guarantee: artifacts.guarantee,
    logits: rows,
    labels: Array.from(labels),
    errorBounds: Object.fromEntries(CERT_CLAIMS.map((claim) => [claim, bound(claim)])),
  };
  return `${JSON.stringify(doc)}\n`;
}
