/**
 * The note written beside an ONNX export with the ⊥ output (`gloro`): what that output computes
 * and what it leaves out (the per-point rounding-error bound every RelaxCert certificate
 * subtracts), with the run's own count of test points on which the two disagree, so nobody
 * reads the ONNX ⊥ as RelaxCert's certificate.
 */
import type { EvalArtifacts } from '../../shared/api/workbench-api.ts';
import { CLAIM_TERMS, DEFAULT_CLAIM, underClaim } from '../../shared/certify/claim.ts';
import { prepareCertification } from '../../shared/certify/session.ts';
import { guaranteeLabel } from '../../shared/sweep/grid.ts';

export const GLORO_NOTE_FILE = 'gloro-output.txt';

/**
 * Test points accepted (not ⊥) with and without the error bound of the default claim, at the
 * trained ε.
 */
export function errorBoundEffect(artifacts: EvalArtifacts): {
  n: number;
  certified: number;
  acceptedWithoutBound: number;
} {
  const { n, c, logits, labels, lipschitz, guarantee, trainedEpsilon } = artifacts;
  const withBound = prepareCertification(underClaim(artifacts, DEFAULT_CLAIM), guarantee).summary(
    trainedEpsilon,
  );
  // The same certificate with the error bound left out, as the ONNX graph computes it.
  const without = prepareCertification({ n, c, logits, labels, lipschitz }, guarantee).summary(
    trainedEpsilon,
  );
  return {
    n,
    certified: withBound.certifiedCount,
    acceptedWithoutBound: without.certifiedCount,
  };
}

export function gloroOutputNote(artifacts: EvalArtifacts): string {
  const c = artifacts.c;
  const eps = artifacts.trainedEpsilon;
  const { n, certified, acceptedWithoutBound } = errorBoundEffect(artifacts);
  const differ = acceptedWithoutBound - certified;
  return `model.onnx, output "gloro" [N, ${c + 1}]: what it is, and what it is not

WHAT IT COMPUTES
Per input: the ${c} logits, then the GloRo bottom logit g_bot = f_(1) - m(x) of the run's
guarantee (${guaranteeLabel(artifacts.guarantee)}) at the trained radius eps = ${eps}, with the
run's sound Lipschitz bounds K (k-matrix.json); each eps*K[j][i] is rounded up to float32.
m(x) is the margin of the guarantee: the largest, over the allowed k, of the smallest
f_j - f_i - eps*K[j][i] for j among the k top classes and i outside them. argmax = ${c} (bottom)
means rejected: no allowed k has a positive margin.

WHAT IT DOES NOT INCLUDE
The rounding-error bound. RelaxCert certifies a point only when its margin exceeds
err(x, eps) = base + eps * perEpsilon, a proven bound on the rounding error of every logit
difference. Under the default claim ("${CLAIM_TERMS[DEFAULT_CLAIM].label}") it covers the
stored logits at x and the float32 network anywhere in the eps-ball; under the claim
"${CLAIM_TERMS.exact.label}" only the logits at x (README, "Soundness"). The ONNX graph
compares the margin with 0. Nor is the arithmetic of the runtime that executes the graph
bounded (its own float32 logits and the head's subtractions and maxima).
So an argmax other than bottom is NOT a certificate: it is the GloRo network's answer, which
accepts every point RelaxCert certifies and possibly more. Bottom is a rejection either way.

ON THIS RUN'S TEST SET (n = ${n}, eps = ${eps}, claim "${CLAIM_TERMS[DEFAULT_CLAIM].label}")
RelaxCert certifies ${certified} points. With the error bound left out, as in this output,
${acceptedWithoutBound} would be accepted: ${differ} point${differ === 1 ? '' : 's'} accepted here ${differ === 1 ? 'is' : 'are'} rejected by RelaxCert
because ${differ === 1 ? 'its' : 'their'} margin does not exceed the error bound.

TO GET RELAXCERT'S DECISION
For a test point p: certificate-inputs.json holds its logits and, per claim,
errorBounds[claim].base[p] and errorBounds[claim].perEpsilon[p]; certify it when its margin
exceeds base[p] + eps * perEpsilon[p] (relaxcert certify RUN --out points.csv lists every
decision; --claim exact for the other claim). For any other input no error
bound is stored: only RelaxCert's own evaluation computes one.
`;
}
