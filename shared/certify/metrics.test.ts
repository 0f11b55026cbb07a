import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { certify, certifiedSet } from './certify.ts';
import { confusionMatrix, vraCurve } from './metrics.ts';
import { computeMetrics } from './testing/metrics-oracle.ts';
import type { CertGuarantee } from './guarantee.ts';
import { caseArb, guaranteeArb, row } from './testing/oracle.ts';
import type { Case } from './testing/oracle.ts';
import { RelaxCertError } from '../errors.ts';

const RUNS = { numRuns: 1000 };

const labelled = (grid?: boolean) =>
  caseArb({ grid, maxN: 12 }).chain((cs) =>
    fc.tuple(
      fc.constant(cs),
      guaranteeArb(cs.c),
      fc
        .array(fc.integer({ min: 0, max: cs.c - 1 }), { minLength: cs.n, maxLength: cs.n })
        .map((ys) => Int32Array.from(ys)),
    ),
  );

function certifyAt(cs: Case, g: CertGuarantee, epsilon: number) {
  return certify({ logits: cs.logits, n: cs.n, c: cs.c, lipschitz: cs.lipschitz, epsilon }, g);
}

describe('computeMetrics', () => {
  it('matches a direct count from the definitions', () => {
    fc.assert(
      fc.property(labelled(), ([cs, g, labels]) => {
        const out = certifyAt(cs, g, cs.epsilon);
        const m = computeMetrics(out, labels, g);
        let clean = 0;
        let vra = 0;
        let relaxed = 0;
        let rejected = 0;
        const topK = new Array<number>(out.maxK).fill(0);
        for (let p = 0; p < cs.n; p++) {
          const f = row(cs.logits, p, cs.c);
          const sorted = f.map((_, i) => i).sort((a, b) => f[b] - f[a] || a - b);
          const y = labels[p];
          for (let k = 1; k <= out.maxK; k++) if (sorted.slice(0, k).includes(y)) topK[k - 1]++;
          if (sorted[0] === y) clean++;
          if (out.certified[p] === 0) rejected++;
          else {
            if (sorted[0] === y) vra++;
            if (certifiedSet(out, p).includes(y)) relaxed++;
          }
        }
        expect(m.n).toBe(cs.n);
        expect(m.cleanAccuracy).toBeCloseTo(clean / cs.n, 12);
        expect(m.topKAccuracy).toEqual(topK.map((t) => t / cs.n));
        expect(m.rejectionRate).toBeCloseTo(rejected / cs.n, 12);
        expect(m.vra).toBeCloseTo(vra / cs.n, 12);
        expect(m.certifiedCount).toBe(cs.n - rejected);
        expect(m.rtkVra).toBe(g.kind === 'rtk' ? relaxed / cs.n : undefined);
        expect(m.affinityVra).toBe(g.kind === 'affinity' ? relaxed / cs.n : undefined);
        if (g.kind !== 'standard') expect(relaxed).toBeGreaterThanOrEqual(vra);
      }),
      RUNS,
    );
  });

  it('rejects labels of the wrong length or out of range', () => {
    const cs: Case = {
      c: 2,
      n: 1,
      logits: new Float64Array([1, 0]),
      lipschitz: new Float64Array([0, 1, 1, 0]),
      epsilon: 0,
    };
    const out = certifyAt(cs, { kind: 'standard' }, 0);
    for (const labels of [new Int32Array([0, 1]), new Int32Array([2]), new Int32Array([-1])]) {
      expect(() => computeMetrics(out, labels, { kind: 'standard' })).toThrow(RelaxCertError);
    }
  });
});

describe('vraCurve', () => {
  it('vraCurve counts hit points with radius > ε', () => {
    const radii = new Float64Array([0, 0.5, 1, 2, Infinity]);
    const hit = new Uint8Array([1, 1, 0, 1, 1]);
    expect(vraCurve(radii, hit, [0, 0.5, 0.75, 2, 10])).toEqual([0.6, 0.4, 0.4, 0.2, 0.2]);
    expect(vraCurve(new Float64Array(0), new Uint8Array(0), [0])).toEqual([0]);
  });
});

describe('confusionMatrix', () => {
  it('puts rejected points in the ⊥ column and sums to n', () => {
    fc.assert(
      fc.property(labelled(), ([cs, g, labels]) => {
        const out = certifyAt(cs, g, cs.epsilon);
        const m = confusionMatrix(out, labels);
        expect(m.length).toBe(cs.c);
        m.forEach((r) => expect(r.length).toBe(cs.c + 1));
        const rejected = out.certified.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);
        expect(m.reduce((s, r) => s + r[cs.c], 0)).toBe(rejected);
        expect(m.flat().reduce((s, v) => s + v, 0)).toBe(cs.n);
        const diag = m.reduce((s, r, y) => s + r[y], 0);
        expect(diag / cs.n).toBeCloseTo(computeMetrics(out, labels, g).vra, 12);
      }),
      RUNS,
    );
  });
});
