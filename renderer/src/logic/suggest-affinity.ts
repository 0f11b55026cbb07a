/**
 * Suggests affinity sets from a confusion matrix: classes the model confuses most are grouped,
 * greedily by symmetric confusion (count(i→j) + count(j→i)), never beyond `maxSize` classes a
 * set. Each class joins at most one suggested set; classes never confused stay out.
 */
export function suggestAffinitySets(
  confusion: number[][],
  maxSize: number,
  minCount = 1,
): number[][] {
  const c = confusion.length;
  const pairs: { i: number; j: number; w: number }[] = [];
  for (let i = 0; i < c; i++) {
    for (let j = i + 1; j < c; j++) {
      const w = (confusion[i]?.[j] ?? 0) + (confusion[j]?.[i] ?? 0);
      if (w >= minCount && w > 0) pairs.push({ i, j, w });
    }
  }
  // Heaviest first; ties by class ids so the result is deterministic.
  pairs.sort((a, b) => b.w - a.w || a.i - b.i || a.j - b.j);
  const group = new Int32Array(c).fill(-1);
  const groups: number[][] = [];
  for (const { i, j } of pairs) {
    const gi = group[i];
    const gj = group[j];
    if (gi < 0 && gj < 0) {
      if (maxSize < 2) continue;
      group[i] = group[j] = groups.length;
      groups.push([i, j]);
    } else if (gi >= 0 && gj < 0 && groups[gi].length < maxSize) {
      groups[gi].push(j);
      group[j] = gi;
    } else if (gj >= 0 && gi < 0 && groups[gj].length < maxSize) {
      groups[gj].push(i);
      group[i] = gj;
    } else if (
      gi >= 0 &&
      gj >= 0 &&
      gi !== gj &&
      groups[gi].length + groups[gj].length <= maxSize
    ) {
      for (const k of groups[gj]) group[k] = gi;
      groups[gi].push(...groups[gj]);
      groups[gj] = [];
    }
  }
  return groups.filter((g) => g.length > 0).map((g) => g.sort((a, b) => a - b));
}
