/**
 * Batch metrics (PAPER.md, "Metrics"): clean and top-k accuracy ignore ⊥; rejection rate is the
 * fraction with argmax g = ⊥; VRA counts points that are certified and predicted correctly;
 * RTK / affinity VRA count points that are certified with y ∈ F^{k*}(x).
 */
import { checkLabels } from './input.ts';
import type { CertifyOutput } from './certify.ts';
import type { CertGuarantee } from './guarantee.ts';
import { certifiedRadius, labelRadius } from './radius.ts';
import type { RadiusInput } from './radius.ts';

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

/**
 * VRA as a function of ε: for each ε, the fraction of all points with hit = 1 and radius > ε
 * (strict, matching certify). One sort of the hit points' radii, then a binary search per ε.
 */
export function vraCurve(radii: Float64Array, hit: Uint8Array, epsilons: number[]): number[] {
  const n = radii.length;
  if (hit.length !== n) {
    throw new RangeError(`vraCurve: ${hit.length} hit flags for ${n} radii.`);
  }
  let count = 0;
  for (let i = 0; i < n; i++) if (hit[i] === 1) count++;
  const kept = new Float64Array(count);
  let t = 0;
  for (let i = 0; i < n; i++) if (hit[i] === 1) kept[t++] = radii[i];
  kept.sort();
  return epsilons.map((eps) => {
    if (n === 0) return 0;
    // First index with kept[idx] > eps; everything from there on counts.
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (kept[mid] > eps) hi = mid;
      else lo = mid + 1;
    }
    return (count - lo) / n;
  });
}

export interface VraCurves {
  epsilons: number[];
  /** Standard VRA (certified and predicted = y) at each ε. */
  vra: number[];
  /** RTK / affinity VRA (certified and y ∈ F^{k*(ε)}) at each ε; absent for standard. */
  relaxedVra?: number[];
}

/**
 * VRA curves for a guarantee. Standard VRA at ε: certified (radius > ε) and predicted = y; the
 * prediction does not depend on ε, so hit = (predicted = y) with the certified radius. For RTK
 * and affinity the certified set F^{k*(ε)} changes with ε, so the relaxed curve uses the
 * per-point label radius (see labelRadius) with every point a hit.
 */
export function vraCurves(
  input: RadiusInput,
  labels: Int32Array,
  guarantee: CertGuarantee,
  epsilons: number[],
): VraCurves {
  checkLabels(labels, input.n, input.c);
  const radii = certifiedRadius(input, guarantee);
  const hit = new Uint8Array(input.n);
  const { logits, c } = input;
  for (let p = 0; p < input.n; p++) {
    // Top-1 with ties to the lower id, as in certify.
    let best = 0;
    for (let i = 1; i < c; i++) if (logits[p * c + i] > logits[p * c + best]) best = i;
    hit[p] = best === labels[p] ? 1 : 0;
  }
  const curves: VraCurves = { epsilons: [...epsilons], vra: vraCurve(radii, hit, epsilons) };
  if (guarantee.kind !== 'standard') {
    const lr = labelRadius(input, guarantee, labels);
    curves.relaxedVra = vraCurve(lr, new Uint8Array(input.n).fill(1), epsilons);
  }
  return curves;
}

/**
 * Confusion matrix with a ⊥ column: row y (true label), column = predicted class, or column c
 * when the point is rejected. c rows of c + 1 counts.
 */
export function confusionMatrix(out: CertifyOutput, labels: Int32Array): number[][] {
  const { n, c } = out;
  checkLabels(labels, n, c);
  const m: number[][] = Array.from({ length: c }, () => new Array<number>(c + 1).fill(0));
  for (let i = 0; i < n; i++) {
    const col = out.certified[i] === 1 ? out.predicted[i] : c;
    m[labels[i]][col]++;
  }
  return m;
}
