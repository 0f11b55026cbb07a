/**
 * Curve smoothing and downsampling for the training charts. The order matters: smoothing runs
 * over the full series first, then the smoothed series is downsampled for drawing, so adding
 * points never changes how earlier history looks (beyond the bucket boundaries of drawing).
 */

/**
 * Debiased exponential moving average (TensorBoard's scheme): with weight w, the first points
 * are not pulled toward zero. Non-finite values pass through unchanged and do not enter the
 * average. `weight` 0 returns a copy.
 */
export function smoothSeries(values: readonly number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  const out = new Array<number>(values.length);
  let last = 0;
  let steps = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    steps++;
    const debias = w === 0 ? 1 : 1 - Math.pow(w, steps);
    out[i] = last / debias;
  }
  return out;
}

/**
 * Downsamples (x, y) points to at most `maxPoints` by keeping, in each bucket of consecutive
 * points, the first point and the minimum and maximum (in x order): peaks survive, unlike
 * with plain striding. The first and last points are always kept.
 */
export function downsample(
  points: readonly [number, number][],
  maxPoints: number,
): [number, number][] {
  if (points.length <= maxPoints || maxPoints < 4) return points.slice();
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 3));
  const inner = points.length - 2;
  const out: [number, number][] = [points[0]];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (end <= start) continue;
    let iMin = start;
    let iMax = start;
    for (let i = start; i < end; i++) {
      if (points[i][1] < points[iMin][1]) iMin = i;
      if (points[i][1] > points[iMax][1]) iMax = i;
    }
    const keep = [...new Set([start, iMin, iMax])].sort((a, b2) => a - b2);
    for (const i of keep) out.push(points[i]);
  }
  out.push(points[points.length - 1]);
  return out;
}

/** Smooth the full series, then downsample: the chart's one entry point. */
export function prepareCurve(
  xs: readonly number[],
  ys: readonly number[],
  weight: number,
  maxPoints: number,
): [number, number][] {
  const smoothed = smoothSeries(ys, weight);
  const pts: [number, number][] = xs.map((x, i) => [x, smoothed[i]]);
  return downsample(pts, maxPoints);
}
