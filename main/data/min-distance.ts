/**
 * Exact smallest ℓ2 distance between two differently labelled points, for choosing ε (a point
 * set cannot be certified at any ε above half this distance). A k-d tree with bounding boxes
 * and one global bound keeps it near O(n log n): subtrees whose points all share the query's
 * label, or whose box is farther than the best distance so far, are skipped.
 */

export interface MinDistanceResult {
  /** Infinity when fewer than two labels occur. */
  distance: number;
  /** The pair that attains it (−1 when none). */
  i: number;
  j: number;
}

const LEAF_SIZE = 8;

export function minDiffLabelDistance(
  x: Float32Array,
  y: Int32Array,
  dim: number,
): MinDistanceResult {
  const n = y.length;
  if (x.length !== n * dim)
    throw new Error(`minDiffLabelDistance: x has ${x.length} values, expected ${n * dim}`);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;

  // Node storage, grown as needed (at most ~2n / LEAF_SIZE * 2 nodes).
  const cap = Math.max(1, 4 * Math.ceil(n / LEAF_SIZE) + 4);
  const start = new Int32Array(cap);
  const end = new Int32Array(cap);
  const left = new Int32Array(cap).fill(-1);
  const right = new Int32Array(cap).fill(-1);
  const label = new Int32Array(cap); // the one label of the subtree, or −1 when mixed
  const lo = new Float64Array(cap * dim);
  const hi = new Float64Array(cap * dim);
  let nodes = 0;

  const quickselect = (from: number, to: number, k: number, d: number): void => {
    // Hoare-style selection on idx[from, to) by coordinate d so that idx[k] is the k-th smallest.
    let l = from;
    let r = to - 1;
    while (l < r) {
      const pivot = x[idx[(l + r) >>> 1] * dim + d];
      let i = l;
      let j = r;
      while (i <= j) {
        while (x[idx[i] * dim + d] < pivot) i++;
        while (x[idx[j] * dim + d] > pivot) j--;
        if (i <= j) {
          const t = idx[i];
          idx[i] = idx[j];
          idx[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) r = j;
      else if (k >= i) l = i;
      else return;
    }
  };

  const build = (from: number, to: number): number => {
    const node = nodes++;
    start[node] = from;
    end[node] = to;
    let lab = y[idx[from]];
    for (let d = 0; d < dim; d++) {
      lo[node * dim + d] = Infinity;
      hi[node * dim + d] = -Infinity;
    }
    for (let p = from; p < to; p++) {
      const q = idx[p];
      if (y[q] !== lab) lab = -1;
      for (let d = 0; d < dim; d++) {
        const v = x[q * dim + d];
        if (v < lo[node * dim + d]) lo[node * dim + d] = v;
        if (v > hi[node * dim + d]) hi[node * dim + d] = v;
      }
    }
    label[node] = lab;
    if (to - from > LEAF_SIZE && lab === -1) {
      let best = 0;
      for (let d = 1; d < dim; d++)
        if (hi[node * dim + d] - lo[node * dim + d] > hi[node * dim + best] - lo[node * dim + best])
          best = d;
      if (hi[node * dim + best] > lo[node * dim + best]) {
        const mid = (from + to) >>> 1;
        quickselect(from, to, mid, best);
        left[node] = build(from, mid);
        right[node] = build(mid, to);
      }
    }
    return node;
  };
  if (n === 0) return { distance: Infinity, i: -1, j: -1 };
  build(0, n);

  const boxDist2 = (node: number, q: number): number => {
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const v = x[q * dim + d];
      const a = lo[node * dim + d];
      const b = hi[node * dim + d];
      const diff = v < a ? a - v : v > b ? v - b : 0;
      s += diff * diff;
    }
    return s;
  };

  let best2 = Infinity;
  let bi = -1;
  let bj = -1;
  const stack = new Int32Array(cap);
  for (let q = 0; q < n; q++) {
    const lq = y[q];
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top];
      if (label[node] === lq) continue;
      if (boxDist2(node, q) >= best2) continue;
      if (left[node] < 0) {
        for (let p = start[node]; p < end[node]; p++) {
          const r = idx[p];
          if (y[r] === lq) continue;
          let s = 0;
          for (let d = 0; d < dim; d++) {
            const diff = x[q * dim + d] - x[r * dim + d];
            s += diff * diff;
          }
          if (s < best2) {
            best2 = s;
            bi = Math.min(q, r);
            bj = Math.max(q, r);
          }
        }
        continue;
      }
      // Push the farther child first so the nearer one is searched first and tightens the bound.
      const a = left[node];
      const b = right[node];
      if (boxDist2(a, q) <= boxDist2(b, q)) {
        stack[top++] = b;
        stack[top++] = a;
      } else {
        stack[top++] = a;
        stack[top++] = b;
      }
    }
  }
  return { distance: Math.sqrt(best2), i: bi, j: bj };
}
