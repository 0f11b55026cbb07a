import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { certify, certifiedSet } from './certify.ts';
import { toCertGuarantee } from './guarantee.ts';
import type { ErrorBound } from './input.ts';
import { computeMetrics } from './testing/metrics-oracle.ts';
import { certifiedRadius } from './radius.ts';
import { prepareCertification } from './session.ts';
import type { CertificationData } from './session.ts';
import { caseArb, setsArb } from './testing/oracle.ts';
import type { Case } from './testing/oracle.ts';
import { RelaxCertError } from '../errors.ts';
import type { Guarantee } from '../config/experiment.ts';

const RUNS = { numRuns: 300 };

interface World {
  data: CertificationData;
  guarantee: Guarantee;
  epsilon: number;
}

function guaranteeOf(c: number): fc.Arbitrary<Guarantee> {
  return fc.oneof(
    fc.constant<Guarantee>({ kind: 'standard' }),
    fc.integer({ min: 1, max: c }).map((k): Guarantee => ({ kind: 'rtk', k })),
    setsArb(c)
      .filter((s) => s.length > 0)
      .map((sets): Guarantee => ({ kind: 'affinity', sets })),
  );
}

const worldArb: fc.Arbitrary<World> = caseArb().chain((cs: Case) =>
  fc
    .record({
      labels: fc.array(fc.integer({ min: 0, max: cs.c - 1 }), {
        minLength: cs.n,
        maxLength: cs.n,
      }),
      bound: fc.option(
        fc.record({
          base: fc.array(fc.double({ min: 0, max: 0.5, noNaN: true }), {
            minLength: cs.n,
            maxLength: cs.n,
          }),
          perEpsilon: fc.array(fc.double({ min: 0, max: 0.5, noNaN: true }), {
            minLength: cs.n,
            maxLength: cs.n,
          }),
        }),
        { nil: undefined },
      ),
      guarantee: guaranteeOf(cs.c),
    })
    .map(({ labels, bound, guarantee }) => {
      const errorBound: ErrorBound | undefined =
        bound === undefined
          ? undefined
          : {
              base: Float64Array.from(bound.base),
              perEpsilon: Float64Array.from(bound.perEpsilon),
            };
      const data: CertificationData = {
        n: cs.n,
        c: cs.c,
        logits: cs.logits,
        labels: Int32Array.from(labels),
        lipschitz: cs.lipschitz,
        errorBound,
      };
      return { data, guarantee, epsilon: cs.epsilon };
    }),
);

function fresh(w: World, g: Guarantee) {
  const cg = toCertGuarantee(g, w.data.c);
  const out = certify({ ...w.data, epsilon: w.epsilon }, cg);
  return { out, metrics: computeMetrics(out, w.data.labels, cg) };
}

describe('CertificationSession', () => {
  it('standard VRA under any guarantee equals a fresh standard certification (= --rtk 1)', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const m = prepareCertification(w.data, w.guarantee).at(w.epsilon).metrics;
        const standard = fresh(w, { kind: 'standard' }).metrics;
        expect(m.standardVra).toBe(standard.vra);
        const rt1 = prepareCertification(w.data, { kind: 'rtk', k: 1 }).at(w.epsilon).metrics;
        expect(m.standardVra).toBe(rt1.guaranteeVra);
        expect(m.standardVra).toBe(rt1.standardVra);
      }),
      RUNS,
    );
  });

  it('guarantee VRA counts labels in the certified set; top-1 and rejection as certify()', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const at = prepareCertification(w.data, w.guarantee).at(w.epsilon);
        const { out, metrics } = fresh(w, w.guarantee);
        let inSet = 0;
        for (let p = 0; p < w.data.n; p++) {
          const has = certifiedSet(out, p).includes(w.data.labels[p]);
          expect(at.labelInSet[p] === 1).toBe(has);
          if (has) inSet++;
        }
        expect(at.metrics.guaranteeVra).toBe(inSet / w.data.n);
        expect(at.metrics.top1GuaranteeVra).toBe(metrics.vra);
        expect(at.metrics.rejectionRate).toBe(metrics.rejectionRate);
        expect(at.metrics.cleanAccuracy).toBe(metrics.cleanAccuracy);
        expect(at.metrics.certifiedCount).toBe(metrics.certifiedCount);
        expect(at.metrics.topKAccuracy).toEqual(metrics.topKAccuracy);
        // Relaxing never loses a standard certificate of a correct point.
        expect(at.metrics.guaranteeVra).toBeGreaterThanOrEqual(at.metrics.standardVra);
      }),
      RUNS,
    );
  });

  it('explain(i) agrees with certify() and certifiedRadius() point by point', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const s = prepareCertification(w.data, w.guarantee);
        const { out } = fresh(w, w.guarantee);
        const radii = certifiedRadius(w.data, toCertGuarantee(w.guarantee, w.data.c));
        for (let p = 0; p < w.data.n; p++) {
          const e = s.explain(p, w.epsilon);
          expect(e.margin).toBe(out.margin[p]);
          expect(e.error).toBe(out.error[p]);
          expect(e.certified).toBe(out.certified[p] === 1);
          expect(e.kStar).toBe(out.kStar[p]);
          expect(e.certifiedSet).toEqual(certifiedSet(out, p));
          expect(e.predicted).toBe(out.predicted[p]);
          expect(e.radius).toBe(radii[p]);
          expect(e.perK.map((k) => k.certified)).toEqual(
            Array.from(out.perK.subarray(p * out.maxK, (p + 1) * out.maxK), (b) => b === 1),
          );
          for (const k of e.perK) {
            if (k.binding === null) {
              expect(k.margin).toBe(Infinity);
              continue;
            }
            // The binding pair attains the margin: m^k = f_j − (f_i + ε·K_ji).
            const { j, i } = k.binding;
            const c = w.data.c;
            const f = w.data.logits;
            expect(k.topK).toContain(j);
            expect(k.topK).not.toContain(i);
            expect(k.margin).toBe(
              f[p * c + j] - (f[p * c + i] + w.epsilon * w.data.lipschitz[j * c + i]),
            );
          }
        }
      }),
      RUNS,
    );
  });

  it('VRA-vs-ε curves equal the metrics at each ε', () => {
    fc.assert(
      fc.property(
        worldArb,
        fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 1, maxLength: 4 }),
        (w, epsilons) => {
          const s = prepareCertification(w.data, w.guarantee);
          // Radii are rounded down by 2^-50 relative; skip ε that sit on a radius.
          const near = (r: Float64Array) =>
            epsilons.some((e) =>
              Array.from(r).some((x) => Math.abs(x - e) <= 1e-9 * Math.max(1, e)),
            );
          fc.pre(!near(s.labelRadii()) && !near(s.standardRadii()));
          const curves = s.curves(epsilons);
          epsilons.forEach((e, t) => {
            const m = s.at(e).metrics;
            expect(curves.standardVra[t]).toBe(m.standardVra);
            expect(curves.guaranteeVra[t]).toBe(m.guaranteeVra);
          });
        },
      ),
      RUNS,
    );
  });

  it('explains a point rejected by the error bound alone', () => {
    const data: CertificationData = {
      n: 1,
      c: 3,
      logits: Float64Array.from([1.0173, 1, 0]),
      labels: Int32Array.from([0]),
      lipschitz: new Float64Array(9),
      errorBound: { base: Float64Array.from([0.02]), perEpsilon: Float64Array.from([0]) },
    };
    const e = prepareCertification(data, { kind: 'standard' }).explain(0, 0.1);
    expect(e.certified).toBe(false);
    expect(e.margin).toBeCloseTo(0.0173, 12);
    expect(e.error).toBe(0.02);
    expect(e.reason).toMatch(/error bound alone/);
    expect(e.perK[0].binding).toEqual({ j: 0, i: 1, gap: 1.0173 - 1, epsilonK: 0 });
    expect(e.perK[0].reason).toMatch(/> 0 but ≤ error bound/);
    // Without the bound the same point is certified: the bound alone rejects it.
    const exact = prepareCertification({ ...data, errorBound: undefined }, { kind: 'standard' });
    expect(exact.explain(0, 0.1).certified).toBe(true);
    expect(exact.explain(0, 0.1).radius).toBe(Infinity);
  });

  it('names the radius-limiting pair and the affinity k that is not allowed', () => {
    const c = 3;
    const lipschitz = new Float64Array(c * c).fill(1);
    for (let j = 0; j < c; j++) lipschitz[j * c + j] = 0;
    const data: CertificationData = {
      n: 1,
      c,
      logits: Float64Array.from([3, 2.5, 0]),
      labels: Int32Array.from([1]),
      lipschitz,
    };
    const s = prepareCertification(data, { kind: 'affinity', sets: [[0, 1]] });
    const e = s.explain(0, 1);
    expect(e.perK[1].allowed).toBe(true);
    expect(e.certifiedSet).toEqual([0, 1]);
    expect(e.labelInSet).toBe(true);
    // r_2 = min(3 − 0, 2.5 − 0) / 1 = 2.5 (pair 1, 2); r_1 = 0.5 (pair 0, 1).
    expect(e.radius).toBeCloseTo(2.5, 12);
    expect(e.radiusLimit).toEqual({ k: 2, j: 1, i: 2 });
    const apart = s.withGuarantee({ kind: 'affinity', sets: [[0, 2], [1]] }).explain(0, 1);
    expect(apart.perK[1].allowed).toBe(false);
    expect(apart.perK[1].reason).toMatch(/not allowed/);
    expect(apart.certified).toBe(false);
    expect(apart.radiusLimit).toEqual({ k: 1, j: 0, i: 1 });
  });

  it('checks the data once, naming the field, and caches radii', () => {
    const data: CertificationData = {
      n: 2,
      c: 2,
      logits: Float64Array.from([1, 0, 0, 1]),
      labels: Int32Array.from([0, 2]),
      lipschitz: new Float64Array(4),
    };
    expect(() => prepareCertification(data, { kind: 'standard' })).toThrow(
      expect.objectContaining({ field: 'labels' }),
    );
    const ok = prepareCertification(
      { ...data, labels: Int32Array.from([0, 1]) },
      {
        kind: 'rtk',
        k: 2,
      },
    );
    expect(ok.radii()).toBe(ok.radii());
    expect(() => ok.explain(2, 0)).toThrow(RelaxCertError);
    expect(() => ok.at(-1)).toThrow(expect.objectContaining({ field: 'epsilon' }));
    expect(() => prepareCertification(data, { kind: 'rtk', k: 3 })).toThrow(RelaxCertError);
  });
});
