import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { certify } from './certify.ts';
import { certifiedRadius, labelRadius } from './radius.ts';
import type { CertGuarantee } from './guarantee.ts';
import type { ErrorBound } from './input.ts';
import { caseArb, guaranteeArb, oracle, row } from './testing/oracle.ts';
import type { Case } from './testing/oracle.ts';

const RUNS = { numRuns: 1000 };

/** A case with a random guarantee of any kind. */
const guaranteed = (grid?: boolean) =>
  caseArb({ grid }).chain((cs) => fc.tuple(fc.constant(cs), guaranteeArb(cs.c)));
const withGuarantee = guaranteed();
const exactWithGuarantee = guaranteed(true);

function certifiedAt(
  cs: Case,
  g: CertGuarantee,
  epsilon: number,
  errorBound?: ErrorBound,
): Uint8Array {
  return certify(
    { logits: cs.logits, n: cs.n, c: cs.c, lipschitz: cs.lipschitz, epsilon, errorBound },
    g,
  ).certified;
}

/** The same error bound err = base + ε·perEpsilon for all n points. */
function uniformBound(n: number, base: number, perEpsilon: number): ErrorBound {
  return {
    base: new Float64Array(n).fill(base),
    perEpsilon: new Float64Array(n).fill(perEpsilon),
  };
}

describe('certifiedRadius', () => {
  it('certified at ε ⇔ radius > ε (exact grid values, ties ε = radius included)', () => {
    fc.assert(
      fc.property(
        exactWithGuarantee,
        fc.constantFrom(0, 0.25, 0.5, 0.75, 1, 1.5, 2, 4),
        ([cs, g], eps) => {
          const radii = certifiedRadius(cs, g);
          const cert = certifiedAt(cs, g, eps);
          for (let p = 0; p < cs.n; p++) expect(cert[p] === 1).toBe(radii[p] > eps);
        },
      ),
      RUNS,
    );
  });

  it('certified at ε ⇔ radius > ε for continuous values, away from float ties', () => {
    fc.assert(
      fc.property(withGuarantee, fc.double({ min: 0, max: 3, noNaN: true }), ([cs, g], eps) => {
        const radii = certifiedRadius(cs, g);
        const cert = certifiedAt(cs, g, eps);
        for (let p = 0; p < cs.n; p++) {
          const r = radii[p];
          // Both sides are rounded differently; within 1e-9 (relative) of the radius they may
          // legitimately disagree.
          if (Math.abs(r - eps) <= 1e-9 * Math.max(1, r)) continue;
          expect(cert[p] === 1).toBe(r > eps);
        }
      }),
      RUNS,
    );
  });

  // Grid values: with continuous doubles a gap below the ulp of the logits makes r·(1 − 1e-7)
  // round to an uncertified margin, which is float rounding, not a wrong radius.
  it('just below the radius is certified, just above is not', () => {
    fc.assert(
      fc.property(exactWithGuarantee, ([cs, g]) => {
        const radii = certifiedRadius(cs, g);
        for (let p = 0; p < cs.n; p++) {
          const r = radii[p];
          if (r > 1e-6 && Number.isFinite(r)) {
            const one: Case = {
              ...cs,
              n: 1,
              logits: cs.logits.slice(p * cs.c, (p + 1) * cs.c),
            };
            expect(certifiedAt(one, g, r * (1 - 1e-7))[0]).toBe(1);
            expect(certifiedAt(one, g, r * (1 + 1e-7))[0]).toBe(0);
          }
        }
      }),
      RUNS,
    );
  });

  it('the error bound (base and per-ε parts) is subtracted consistently', () => {
    fc.assert(
      fc.property(
        exactWithGuarantee,
        fc.constantFrom(0, 0.25, 0.5, 1),
        fc.constantFrom(0, 0.5, 1),
        fc.constantFrom(0, 0.5, 1),
        ([cs, g], base, perEpsilon, eps) => {
          const errorBound = uniformBound(cs.n, base, perEpsilon);
          const radii = certifiedRadius({ ...cs, errorBound }, g);
          const cert = certifiedAt(cs, g, eps, errorBound);
          // Radii are rounded down by 2^-50 relative, so a tie ε = radius can only turn from
          // "certified" to "not": compare away from the tie.
          for (let p = 0; p < cs.n; p++) {
            if (Math.abs(radii[p] - eps) > 1e-9) expect(cert[p] === 1).toBe(radii[p] > eps);
            else expect(cert[p] === 1 && radii[p] <= eps).toBe(false);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('closed form: C = 2 radius is the gap over K (rounded down); K = 0 gives +∞; ties give 0', () => {
    const lip = new Float64Array([0, 2, 2, 0]);
    const logits = new Float64Array([3, 1, 1, 1]);
    expect(
      Array.from(certifiedRadius({ logits, n: 2, c: 2, lipschitz: lip }, { kind: 'standard' })),
    ).toEqual([1 - 2 ** -50, 0]);
    // With an error bound e₀ + ε·e₁: (gap − e₀) / (K + e₁) = (2 − 0.5) / (2 + 1).
    const errorBound = uniformBound(2, 0.5, 1);
    expect(
      certifiedRadius({ logits, n: 2, c: 2, lipschitz: lip, errorBound }, { kind: 'standard' })[0],
    ).toBe(0.5 * (1 - 2 ** -50));
    const zero = new Float64Array(4);
    expect(
      Array.from(certifiedRadius({ logits, n: 2, c: 2, lipschitz: zero }, { kind: 'standard' })),
    ).toEqual([Infinity, 0]);
    expect(
      Array.from(certifiedRadius({ logits, n: 2, c: 2, lipschitz: lip }, { kind: 'rtk', k: 2 })),
    ).toEqual([Infinity, Infinity]);
  });
});

describe('labelRadius', () => {
  it('label stays in the certified set at ε ⇔ labelRadius > ε (checked against the oracle)', () => {
    fc.assert(
      fc.property(
        exactWithGuarantee.chain(([cs, g]) =>
          fc.tuple(
            fc.constant(cs),
            fc.constant(g),
            fc.array(fc.integer({ min: 0, max: cs.c - 1 }), { minLength: cs.n, maxLength: cs.n }),
          ),
        ),
        fc.constantFrom(0, 0.25, 0.5, 1, 2),
        ([cs, g, ys], eps) => {
          const labels = Int32Array.from(ys);
          const lr = labelRadius(cs, g, labels);
          const maxK =
            g.kind === 'standard'
              ? 1
              : g.kind === 'rtk'
                ? g.k
                : Math.max(1, ...g.sets.sets.map((s) => s.length));
          const sets = g.kind === 'affinity' ? g.sets.sets : null;
          for (let p = 0; p < cs.n; p++) {
            const o = oracle(row(cs.logits, p, cs.c), Array.from(cs.lipschitz), eps, maxK, sets);
            expect(o.set.includes(labels[p])).toBe(lr[p] > eps);
          }
        },
      ),
      RUNS,
    );
  });
});
