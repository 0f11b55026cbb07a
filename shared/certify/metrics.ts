/**
 * Pieces of the metrics the certification session (session.ts) builds on: VRA as a function of
 * ε from radii, and the confusion matrix with a ⊥ column.
 */
import { checkLabels } from './input.ts';
import type { CertifyOutput } from './certify.ts';

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
