/**
 * Classifying and filtering test points after certification: certified with the top-1 class,
 * certified with a relaxed set (k* > 1), rejected (⊥), misclassified; by label and by
 * affinity set (label in the set). Works on typed arrays in one pass: 100,000 points take
 * about a millisecond, so filtering stays on the UI thread.
 */
export type StatusFilter = 'all' | 'top1' | 'relaxed' | 'rejected' | 'misclassified';

export interface PointFilter {
  status: StatusFilter;
  /** True label, or −1 for any. */
  classId: number;
  /** Classes of the chosen affinity set (label must be one of them), or undefined for any. */
  setClasses?: readonly number[];
  /**
   * A confusion-matrix cell: true label and column (the predicted class, or C for ⊥), as
   * confusionMatrix counts them: a certified point sits in its prediction's column, a rejected
   * one in ⊥.
   */
  cell?: { label: number; column: number };
}

export interface CertView {
  predicted: Int32Array;
  kStar: Int32Array;
  certified: Uint8Array;
}

export interface StatusCounts {
  all: number;
  top1: number;
  relaxed: number;
  rejected: number;
  misclassified: number;
}

export function statusOf(r: CertView, i: number): 'top1' | 'relaxed' | 'rejected' {
  if (r.certified[i] === 0) return 'rejected';
  return r.kStar[i] > 1 ? 'relaxed' : 'top1';
}

export function countStatuses(r: CertView, labels: Int32Array): StatusCounts {
  const out: StatusCounts = {
    all: labels.length,
    top1: 0,
    relaxed: 0,
    rejected: 0,
    misclassified: 0,
  };
  for (let i = 0; i < labels.length; i++) {
    out[statusOf(r, i)]++;
    if (r.predicted[i] !== labels[i]) out.misclassified++;
  }
  return out;
}

/** `numClasses` (C) is needed only to read a cell's ⊥ column. */
export function filterPoints(
  r: CertView,
  labels: Int32Array,
  f: PointFilter,
  numClasses = Infinity,
): Int32Array {
  const n = labels.length;
  const { certified, kStar, predicted } = r;
  const inSet = f.setClasses ? new Set(f.setClasses) : undefined;
  const out = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (f.classId >= 0 && y !== f.classId) continue;
    if (inSet && !inSet.has(y)) continue;
    if (f.cell) {
      const column = certified[i] === 0 ? -1 : predicted[i];
      if (y !== f.cell.label || column !== (f.cell.column === numClasses ? -1 : f.cell.column))
        continue;
    }
    switch (f.status) {
      case 'top1':
        if (certified[i] === 0 || kStar[i] !== 1) continue;
        break;
      case 'relaxed':
        if (certified[i] === 0 || kStar[i] <= 1) continue;
        break;
      case 'rejected':
        if (certified[i] !== 0) continue;
        break;
      case 'misclassified':
        if (predicted[i] === y) continue;
        break;
      default:
        break;
    }
    out[m++] = i;
  }
  return out.slice(0, m);
}

export type SortKey = 'index' | 'margin' | 'radius';

/**
 * The shown points ordered by margin or radius (ties keep index order; NaN last). The
 * margin of a point whose guarantee holds vacuously (k = C) is +∞ and sorts as largest.
 */
export function sortPoints(
  indices: Int32Array,
  values: { margin: Float64Array; radius: Float64Array },
  key: SortKey,
  dir: 'asc' | 'desc',
): Int32Array {
  const sign = dir === 'asc' ? 1 : -1;
  if (key === 'index') return indices.slice().sort((a, b) => sign * (a - b));
  const v = values[key];
  return indices.slice().sort((a, b) => {
    const va = v[a];
    const vb = v[b];
    if (Number.isNaN(va) || Number.isNaN(vb))
      return Number(Number.isNaN(va)) - Number(Number.isNaN(vb));
    if (va !== vb) return va < vb ? -sign : sign;
    return a - b;
  });
}

/** The visible slice of a virtual list: first index and count, with overscan rows either side. */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + Math.ceil(viewport / rowHeight) + overscan);
  return { start, end: Math.max(start, end) };
}
