/**
 * Partial selection of the k largest logits of one row, ties broken by the lower class id.
 * Insertion into a sorted prefix: O(C·k) with no allocation, which beats sorting for the small k
 * of GloRo heads (K ≤ 10 in the paper).
 */
export function selectTopK(
  logits: ArrayLike<number>,
  rowOffset: number,
  c: number,
  k: number,
  order: Int32Array,
  orderOffset: number,
): void {
  let filled = 0;
  for (let i = 0; i < c; i++) {
    const v = logits[rowOffset + i];
    // Position after every kept entry whose value is ≥ v: they all have lower ids, so an equal
    // value stays ahead (lower id first).
    let p = filled;
    while (p > 0 && logits[rowOffset + order[orderOffset + p - 1]] < v) p--;
    if (p >= k) continue;
    const last = filled < k ? filled : k - 1;
    for (let q = last; q > p; q--) order[orderOffset + q] = order[orderOffset + q - 1];
    order[orderOffset + p] = i;
    if (filled < k) filled++;
  }
}
