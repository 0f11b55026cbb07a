/**
 * The per-point table of one certification (`certify --json`, its CSV, the UI's point table and
 * its CSV export): one record per point, fields named by POINT_TERMS.
 */
import type { CertificationAt, CertificationSession } from './session.ts';
import { POINT_TERMS } from './vocabulary.ts';
import type { CertClaim } from './claim.ts';

export interface PointRecord {
  index: number;
  label: number;
  predicted: number;
  certified: boolean;
  certifiedSet: number[];
  labelInSet: boolean;
  margin: number;
  error: number;
  radius: number;
}

export function pointRecords(
  session: CertificationSession,
  at: CertificationAt,
  indices?: Iterable<number>,
): PointRecord[] {
  const { output, labelInSet } = at;
  const radii = session.radii();
  const rows: PointRecord[] = [];
  for (const i of indices ?? output.predicted.keys()) {
    const set: number[] = [];
    for (let r = 0; r < output.kStar[i]; r++) set.push(output.order[i * output.maxK + r]);
    rows.push({
      index: i,
      label: at.labels[i],
      predicted: output.predicted[i],
      certified: output.certified[i] === 1,
      certifiedSet: set,
      labelInSet: labelInSet[i] === 1,
      margin: output.margin[i],
      error: output.error[i],
      radius: radii[i],
    });
  }
  return rows;
}

/**
 * JSON has no ±∞ (JSON.stringify writes null): infinite margins and radii are written as the
 * strings "Infinity" / "-Infinity", which Number() reads back. Use as JSON.stringify's replacer.
 */
export function infinityAsString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/**
 * CSV with a header of POINT_TERMS keys, then certifiedSetNames and the claim (the same on every
 * row: a CSV file outlives the command that wrote it, and `error` means the claim's bound);
 * sets joined by ';'.
 */
export function pointsCsv(
  rows: PointRecord[],
  classNames: string[],
  claim: CertClaim | undefined,
): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const keys = Object.keys(POINT_TERMS) as (keyof PointRecord)[];
  const header = [...keys, 'certifiedSetNames', 'claim'];
  const lines = rows.map((r) =>
    [
      ...keys.map((k) => {
        const v = r[k];
        if (Array.isArray(v)) return v.join(';');
        if (typeof v === 'boolean') return v ? '1' : '0';
        return String(v);
      }),
      quote(r.certifiedSet.map((c) => classNames[c] ?? String(c)).join(';')),
      claim ?? '',
    ].join(','),
  );
  return [header.join(','), ...lines].join('\n') + '\n';
}
