/**
 * The typed ε beside the slider: any finite decimal ≥ 0 (the slider only reaches twice the
 * trained ε), and the slider's range, which grows to keep a typed ε on it.
 */

import { parseDecimal } from '../../../shared/parse-decimal.ts';

export type ParsedEpsilon = { ok: true; value: number } | { ok: false; message: string };

export function parseEpsilonText(text: string): ParsedEpsilon {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'ε: type a number ≥ 0.' };
  if (t.startsWith('-')) return { ok: false, message: `ε: ${t} is negative; ε must be ≥ 0.` };
  // Hex, binary, Infinity and values that round to 0 or ∞ (1e-400, 1e400) are refused.
  const value = parseDecimal(t);
  if (typeof value !== 'number') return { ok: false, message: `ε: “${t}” ${value.why}.` };
  return { ok: true, value };
}

/**
 * The slider's upper end: twice the trained ε (0.01 at least), widened to a round 1-2-5 step
 * above a larger ε so the thumb stays on the track.
 */
export function sliderMax(trainedEpsilon: number, epsilon: number): number {
  const base = Math.max(2 * trainedEpsilon, 0.01);
  if (epsilon <= base) return base;
  const decade = 10 ** Math.floor(Math.log10(epsilon));
  for (const m of [1, 2, 5, 10]) if (m * decade >= epsilon * 1.25) return m * decade;
  return 10 * decade;
}
