/**
 * Which points a scatter plot draws: all of them up to `max`, else an even stride through
 * them. Past some tens of thousands a 2-D scatter is saturated anyway, and drawing 100,000
 * points on every ε change would block the page for hundreds of milliseconds.
 */
export function samplePoints(n: number, subset: Int32Array | undefined, max: number): Int32Array {
  const source = subset ?? Int32Array.from({ length: n }, (_, i) => i);
  if (source.length <= max) return source;
  const out = new Int32Array(max);
  const step = source.length / max;
  for (let k = 0; k < max; k++) out[k] = source[Math.floor(k * step)];
  return out;
}
