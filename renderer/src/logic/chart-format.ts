/**
 * How chart numbers are written: axis ticks and tooltips at the precision the data needs (a
 * rejection rate moving between 50.4% and 51.2% must not read "51%, 51%, 50%"), fractions as
 * percentages that never pass 100%, epochs as whole numbers.
 */

/** Decimals that tell apart values spread over `range` (in the unit they are written in). */
export function decimalsFor(range: number): number {
  if (!(range > 0) || !Number.isFinite(range)) return 1;
  // Five ticks over the range: each step is about range / 5; one more digit than the step's.
  return Math.min(4, Math.max(0, Math.ceil(-Math.log10(range / 5))));
}

export interface NumberFormat {
  percent: boolean;
  decimals: number;
}

/** The format of a y axis (and its tooltip) from the values it shows. */
export function formatFor(values: readonly number[], percent: boolean): NumberFormat {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = percent ? 100 : 1;
  const range = hi > lo ? (hi - lo) * scale : Math.abs(hi) * scale || 1;
  return { percent, decimals: decimalsFor(range) };
}

/** Tick labels: exponents for very large or small plain numbers, fixed decimals otherwise. */
export function formatValue(v: number, f: NumberFormat): string {
  if (!Number.isFinite(v)) return String(v);
  if (f.percent) return `${(v * 100).toFixed(f.decimals)}%`;
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 10_000 || a < 1e-3) return v.toExponential(2);
  return v.toFixed(f.decimals);
}

/** Tooltip values carry one digit more than the ticks, so neighbouring points differ. */
export function formatTooltip(v: number, f: NumberFormat): string {
  return formatValue(v, { ...f, decimals: Math.min(5, f.decimals + 1) });
}

/** An epoch axis: whole epochs on the ticks; fractional positions (batches) to one decimal. */
export function formatEpoch(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/** A round tick step near `x`: 1, 2, 3 or 5 times a power of ten (as the chart library picks). */
export function niceStep(x: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  const f = x / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 3 ? 3 : f <= 5 ? 5 : 10) * p;
}

/**
 * Bounds of a percentage axis: the data's range rounded out to the tick step (so the end ticks
 * read 32% and 44%, like the ticks between them, not 33% and 43%), never below 0% or above 100%
 * (an axis running to 102% suggests values that cannot exist).
 */
export function percentBounds(min: number, max: number): { min: number; max: number } {
  const step = niceStep(Math.max(max - min, 0.01) / 5);
  // Rounded to the step's own precision: 0.02 * 16 must not come out as 0.32000000000000006.
  const round = (v: number): number => Number(v.toFixed(6));
  let lo = Math.floor(min / step) * step;
  let hi = Math.ceil(max / step) * step;
  // A flat series (e.g. a rejection rate stuck at 50%) still gets an axis with some height.
  if (hi - lo < step) [lo, hi] = [lo - step, hi + step];
  return { min: Math.max(0, round(lo)), max: Math.min(1, round(hi)) };
}

/** The smoothing a run's curves start with: none for short runs, where it only adds lag. */
export function defaultSmoothing(epochs: number): number {
  return epochs < 30 ? 0 : 0.4;
}

/** HTML-escapes text put into a chart tooltip (series names are user-chosen run names). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
