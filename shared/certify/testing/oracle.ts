/**
 * Test support: a brute-force oracle written straight from PAPER.md's definitions, with no
 * shared code with the fast implementation, plus fast-check generators.
 */
import fc from 'fast-check';
import { makeAffinitySets } from '../affinity.ts';
import type { CertGuarantee } from '../guarantee.ts';

export interface OracleResult {
  /** Class ids by decreasing logit, ties → lower id first. */
  sorted: number[];
  /** holds[k-1]: k allowed and for all j ∈ F^k, i ∉ F^k: f_j − f_i > ε K_ji. */
  holds: boolean[];
  certified: boolean;
  kStar: number;
  /** m(x): max over allowed k of m^k = min_{j∈F^k} (f_j − max_{i∉F^k} (f_i + ε K_ji)). */
  margin: number;
  set: number[];
}

export function oracle(
  f: number[],
  lip: number[],
  epsilon: number,
  maxK: number,
  sets: number[][] | null,
): OracleResult {
  const c = f.length;
  const sorted = f.map((_, i) => i).sort((a, b) => (f[b] !== f[a] ? f[b] - f[a] : a - b));
  const holds: boolean[] = [];
  let margin = -Infinity;
  for (let k = 1; k <= maxK; k++) {
    const top = sorted.slice(0, k);
    const allowed = k === 1 || sets === null || sets.some((s) => top.every((j) => s.includes(j)));
    if (allowed) {
      const mk = Math.min(
        ...top.map((j) => {
          const rest = f.map((fi, i) =>
            top.includes(i) ? -Infinity : fi + epsilon * lip[j * c + i],
          );
          return f[j] - Math.max(...rest);
        }),
      );
      margin = Math.max(margin, mk);
    }
    let ok = allowed;
    for (const j of top) {
      for (let i = 0; i < c; i++) {
        if (top.includes(i)) continue;
        if (!(f[j] - f[i] > epsilon * lip[j * c + i])) ok = false;
      }
    }
    holds.push(ok);
  }
  const kStar = holds.lastIndexOf(true) + 1;
  return { sorted, holds, certified: kStar > 0, kStar, set: sorted.slice(0, kStar), margin };
}

export interface Case {
  c: number;
  n: number;
  logits: Float64Array;
  lipschitz: Float64Array;
  epsilon: number;
}

/**
 * Random cases. `grid` draws values whose sums and products are exact in binary (small
 * integers, quarters), so ties in logits and margins of exactly 0 occur often and float
 * rounding cannot blur the comparison; otherwise values are continuous doubles.
 */
export function caseArb(
  opts: { minC?: number; maxC?: number; maxN?: number; grid?: boolean } = {},
): fc.Arbitrary<Case> {
  const minC = opts.minC ?? 2;
  const maxC = opts.maxC ?? 8;
  const maxN = opts.maxN ?? 4;
  return fc
    .record({
      c: fc.integer({ min: minC, max: maxC }),
      n: fc.integer({ min: 1, max: maxN }),
      grid: opts.grid === undefined ? fc.boolean() : fc.constant(opts.grid),
    })
    .chain(({ c, n, grid }) => {
      const logit = grid
        ? fc.integer({ min: -4, max: 4 })
        : fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true });
      const k = grid
        ? fc.constantFrom(0, 0.5, 1, 2, 4)
        : fc.oneof(fc.constant(0), fc.double({ min: 0, max: 3, noNaN: true }));
      const eps = grid
        ? fc.constantFrom(0, 0.25, 0.5, 1, 2)
        : fc.oneof(fc.constant(0), fc.double({ min: 0, max: 2, noNaN: true }));
      return fc.record({
        c: fc.constant(c),
        n: fc.constant(n),
        logits: fc.array(logit, { minLength: n * c, maxLength: n * c }),
        upper: fc.array(k, { minLength: (c * (c - 1)) / 2, maxLength: (c * (c - 1)) / 2 }),
        epsilon: eps,
      });
    })
    .map(({ c, n, logits, upper, epsilon }) => {
      const lipschitz = new Float64Array(c * c);
      let t = 0;
      for (let j = 0; j < c; j++) {
        for (let i = j + 1; i < c; i++) {
          lipschitz[j * c + i] = upper[t];
          lipschitz[i * c + j] = upper[t];
          t++;
        }
      }
      return { c, n, logits: Float64Array.from(logits), lipschitz, epsilon };
    });
}

/** Random overlapping affinity sets over c classes (non-empty, distinct members, distinct sets). */
export function setsArb(c: number): fc.Arbitrary<number[][]> {
  return fc
    .array(fc.uniqueArray(fc.integer({ min: 0, max: c - 1 }), { minLength: 1, maxLength: c }), {
      minLength: 0,
      maxLength: 5,
    })
    .map((sets) => {
      const seen = new Set<string>();
      return sets.filter((s) => {
        const key = [...s].sort((a, b) => a - b).join(',');
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    });
}

export function row(logits: Float64Array, p: number, c: number): number[] {
  return Array.from(logits.subarray(p * c, p * c + c));
}

/** A guarantee of any kind over c classes: standard, RTK with 1 ≤ k ≤ c, or random affinity sets. */
export function guaranteeArb(c: number): fc.Arbitrary<CertGuarantee> {
  return fc.oneof(
    fc.constant<CertGuarantee>({ kind: 'standard' }),
    fc.integer({ min: 1, max: c }).map((k): CertGuarantee => ({ kind: 'rtk', k })),
    setsArb(c).map((sets): CertGuarantee => ({
      kind: 'affinity',
      sets: makeAffinitySets(sets, c),
    })),
  );
}
