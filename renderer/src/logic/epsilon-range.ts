/**
 * The typed ε beside the slider: any finite decimal ≥ 0 (the slider only reaches twice the
 * trained ε), and the slider's range, which grows to keep a typed ε on it.
 */

/** A plain decimal or scientific number: no hex, binary or octal forms, no Infinity. */
const DECIMAL = /^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export type ParsedEpsilon = { ok: true; value: number } | { ok: false; message: string };

export function parseEpsilonText(text: string): ParsedEpsilon {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'ε: type a number ≥ 0.' };
  if (t.startsWith('-')) return { ok: false, message: `ε: ${t} is negative; ε must be ≥ 0.` };
  if (!DECIMAL.test(t)) return { ok: false, message: `ε: “${t}” is not a decimal number.` };
  const value = Number(t);
  if (!Number.isFinite(value)) return { ok: false, message: `ε: ${t} is too large.` };
  // 1e-400 reads as 0 in float64: refuse rather than certify at a radius nobody typed.
  if (value === 0 && /[1-9]/.test(t.replace(/e.*$/i, '')))
    return { ok: false, message: `ε: ${t} is below the smallest float64 and would become 0.` };
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
