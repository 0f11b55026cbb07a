/**
 * The paper's metrics (PAPER.md, "Metrics") computed directly from certify()'s output, for
 * tests: an oracle independent of the certification session (session.ts), which every door uses.
 * Clean and top-k accuracy ignore ⊥; rejection rate is the fraction with argmax g = ⊥; VRA
 * counts points certified and predicted correctly; RTK / affinity VRA count points certified
 * with y ∈ F^{k*}(x).
 */
import { checkLabels } from '../input.ts';
import type { CertifyOutput } from '../certify.ts';
import type { CertGuarantee } from '../guarantee.ts';

export interface CertMetrics {
  n: number;
  cleanAccuracy: number;
  /** Index k−1 holds top-k accuracy, k = 1..maxK. */
  topKAccuracy: number[];
  rejectionRate: number;
  /** Not rejected and predicted = y. */
  vra: number;
  /** RTK guarantee only: not rejected and y ∈ F^{k*}. */
  rtkVra?: number;
  /** Affinity guarantee only: not rejected and y ∈ F^{k*}. */
  affinityVra?: number;
  certifiedCount: number;
}

/** Whether label y of point i lies in its certified set F^{k*} (false when rejected). */
function labelInCertifiedSet(out: CertifyOutput, i: number, y: number): boolean {
  const base = i * out.maxK;
  for (let r = 0; r < out.kStar[i]; r++) if (out.order[base + r] === y) return true;
  return false;
}

export function computeMetrics(
  out: CertifyOutput,
  labels: Int32Array,
  guarantee: CertGuarantee,
): CertMetrics {
  const { n, maxK } = out;
  checkLabels(labels, n, out.c);
  const topK = new Float64Array(maxK);
  let clean = 0;
  let certifiedCount = 0;
  let vra = 0;
  let relaxed = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    const base = i * maxK;
    for (let r = 0; r < maxK; r++) {
      if (out.order[base + r] === y) {
        // y at rank r counts for every k > r.
        for (let k = r; k < maxK; k++) topK[k]++;
        break;
      }
    }
    const correct = out.predicted[i] === y;
    if (correct) clean++;
    if (out.certified[i] === 1) {
      certifiedCount++;
      if (correct) vra++;
      if (labelInCertifiedSet(out, i, y)) relaxed++;
    }
  }
  const frac = (x: number): number => (n === 0 ? 0 : x / n);
  const metrics: CertMetrics = {
    n,
    cleanAccuracy: frac(clean),
    topKAccuracy: Array.from(topK, frac),
    rejectionRate: frac(n - certifiedCount),
    vra: frac(vra),
    certifiedCount,
  };
  if (guarantee.kind === 'rtk') metrics.rtkVra = frac(relaxed);
  if (guarantee.kind === 'affinity') metrics.affinityVra = frac(relaxed);
  return metrics;
}
