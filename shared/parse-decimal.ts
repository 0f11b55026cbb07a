/**
 * Numbers typed by a person (CLI options, the ε box of the renderer): one rule for every door.
 */

/** Plain decimal notation only: no 0x / 0b / 0o, no Infinity, no digit separators. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A number as a person writes it, or why `text` is not one. `Number()` alone reads "0x10" as
 * 16, "" as 0 and "1e-400" as 0; none of those is what the user meant.
 */
export function parseDecimal(text: string): number | { why: string } {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return { why: 'is not a decimal number' };
  const n = Number(trimmed);
  if (!Number.isFinite(n)) return { why: 'is too large to represent' };
  const mantissa = trimmed.replace(/e.*$/i, '');
  if (n === 0 && /[1-9]/.test(mantissa))
    return { why: 'is too small to represent (it would be 0)' };
  return n;
}
