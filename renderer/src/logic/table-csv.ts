/** CSV of the analysis tables the views export (RFC 4180 quoting, '\n' line ends). */

/** A CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The confusion matrix with its ⊥ column: one row per true class, one column per predicted
 * class, then ⊥ (rejected), as counts.
 */
export function confusionCsv(matrix: number[][], classNames: string[]): string {
  const header = ['true \\ predicted', ...classNames, '⊥ (rejected)'];
  const rows = matrix.map((row, y) => [classNames[y] ?? String(y), ...row]);
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}
