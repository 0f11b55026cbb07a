import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { certify, certifiedSet } from './certify.ts';
import type { CertifyOutput } from './certify.ts';
import { makeAffinitySets } from './affinity.ts';
import type { CertGuarantee } from './guarantee.ts';
import { RelaxCertError } from '../errors.ts';
import { caseArb, oracle, row, setsArb } from './testing/oracle.ts';
import type { Case } from './testing/oracle.ts';

const RUNS = { numRuns: 1000 };

function run(cs: Case, g: CertGuarantee, epsilon = cs.epsilon): CertifyOutput {
  return certify({ logits: cs.logits, n: cs.n, c: cs.c, lipschitz: cs.lipschitz, epsilon }, g);
}

function expectMatchesOracle(cs: Case, g: CertGuarantee, maxK: number, sets: number[][] | null) {
  const out = run(cs, g);
  expect(out.maxK).toBe(maxK);
  for (let p = 0; p < cs.n; p++) {
    const o = oracle(row(cs.logits, p, cs.c), Array.from(cs.lipschitz), cs.epsilon, maxK, sets);
    expect(out.certified[p] === 1).toBe(o.certified);
    expect(out.kStar[p]).toBe(o.kStar);
    expect(certifiedSet(out, p)).toEqual(o.set);
    expect(out.predicted[p]).toBe(o.sorted[0]);
    if (Number.isFinite(o.margin)) expect(out.margin[p]).toBeCloseTo(o.margin, 9);
    else expect(out.margin[p]).toBe(o.margin);
    expect(Array.from(out.order.subarray(p * maxK, (p + 1) * maxK))).toEqual(
      o.sorted.slice(0, maxK),
    );
    expect(Array.from(out.perK.subarray(p * maxK, (p + 1) * maxK), (b) => b === 1)).toEqual(
      o.holds,
    );
  }
}

describe('certify against the brute-force oracle', () => {
  it('standard GloRo', () => {
    fc.assert(
      fc.property(caseArb(), (cs) => expectMatchesOracle(cs, { kind: 'standard' }, 1, null)),
      RUNS,
    );
  });

  it('RTK for every K ≤ C', () => {
    fc.assert(
      fc.property(
        caseArb().chain((cs) => fc.tuple(fc.constant(cs), fc.integer({ min: 1, max: cs.c }))),
        ([cs, k]) => expectMatchesOracle(cs, { kind: 'rtk', k }, k, null),
      ),
      RUNS,
    );
  });

  it('affinity with random overlapping sets', () => {
    fc.assert(
      fc.property(
        caseArb().chain((cs) => fc.tuple(fc.constant(cs), setsArb(cs.c))),
        ([cs, sets]) => {
          const maxK = Math.max(1, ...sets.map((s) => s.length));
          const g: CertGuarantee = { kind: 'affinity', sets: makeAffinitySets(sets, cs.c) };
          expectMatchesOracle(cs, g, maxK, sets);
        },
      ),
      RUNS,
    );
  });
});

describe('certify: structural properties', () => {
  // Exact (grid) values only: in floating point, a positive m below the ulp of max f rounds
  // g_⊥ = max f − m back to max f; callers read `certified`, and the engine passes a slack.
  it('⊥ wins (g_⊥ ≥ max logit) exactly when m ≤ 0, and then the point is rejected', () => {
    fc.assert(
      fc.property(
        caseArb({ grid: true }).chain((cs) =>
          fc.tuple(fc.constant(cs), fc.integer({ min: 1, max: cs.c })),
        ),
        ([cs, k]) => {
          const out = run(cs, { kind: 'rtk', k });
          for (let p = 0; p < cs.n; p++) {
            const maxLogit = Math.max(...row(cs.logits, p, cs.c));
            const botWins = out.bottom[p] >= maxLogit;
            expect(botWins).toBe(out.margin[p] <= 0);
            expect(out.certified[p] === 0).toBe(botWins);
            expect(out.kStar[p] === 0).toBe(botWins);
          }
        },
      ),
      RUNS,
    );
  });

  it('standard ⊥ logit is max_{i≠y} (f_i + ε K_yi)', () => {
    fc.assert(
      fc.property(caseArb(), (cs) => {
        const out = run(cs, { kind: 'standard' });
        for (let p = 0; p < cs.n; p++) {
          const f = row(cs.logits, p, cs.c);
          const y = out.predicted[p];
          let expected = -Infinity;
          for (let i = 0; i < cs.c; i++) {
            if (i !== y)
              expected = Math.max(expected, f[i] + cs.epsilon * cs.lipschitz[y * cs.c + i]);
          }
          expect(out.bottom[p]).toBeCloseTo(expected, 10);
        }
      }),
      RUNS,
    );
  });

  it('RTK with K = 1 equals standard GloRo', () => {
    fc.assert(
      fc.property(caseArb(), (cs) => {
        expect(run(cs, { kind: 'rtk', k: 1 })).toEqual(run(cs, { kind: 'standard' }));
      }),
      RUNS,
    );
  });

  it('affinity with all singletons equals standard GloRo', () => {
    fc.assert(
      fc.property(caseArb(), (cs) => {
        const singles = Array.from({ length: cs.c }, (_, i) => [i]);
        const g: CertGuarantee = { kind: 'affinity', sets: makeAffinitySets(singles, cs.c) };
        expect(run(cs, g)).toEqual(run(cs, { kind: 'standard' }));
      }),
      RUNS,
    );
  });

  it('affinity with one set of all classes equals RTK with K = C', () => {
    fc.assert(
      fc.property(caseArb(), (cs) => {
        const all = [Array.from({ length: cs.c }, (_, i) => i)];
        const g: CertGuarantee = { kind: 'affinity', sets: makeAffinitySets(all, cs.c) };
        expect(run(cs, g)).toEqual(run(cs, { kind: 'rtk', k: cs.c }));
      }),
      RUNS,
    );
  });

  it('one set of all classes, K = C: every point certified (k* = C); at ε = 0 each k < C holds unless the k-th and (k+1)-th logits tie', () => {
    fc.assert(
      fc.property(caseArb(), (cs) => {
        const all = [Array.from({ length: cs.c }, (_, i) => i)];
        const g: CertGuarantee = { kind: 'affinity', sets: makeAffinitySets(all, cs.c) };
        const out = run(cs, g, 0);
        for (let p = 0; p < cs.n; p++) {
          expect(out.certified[p]).toBe(1);
          expect(out.kStar[p]).toBe(cs.c);
          expect(out.margin[p]).toBe(Infinity);
          const sorted = row(cs.logits, p, cs.c).sort((a, b) => b - a);
          for (let k = 1; k < cs.c; k++) {
            expect(out.perK[p * cs.c + k - 1]).toBe(sorted[k - 1] > sorted[k] ? 1 : 0);
          }
        }
      }),
      RUNS,
    );
  });

  it('a larger ε never certifies more (margins fall with ε)', () => {
    fc.assert(
      fc.property(
        caseArb().chain((cs) => fc.tuple(fc.constant(cs), fc.integer({ min: 1, max: cs.c }))),
        ([cs, k]) => {
          const a = run(cs, { kind: 'rtk', k }, cs.epsilon);
          const b = run(cs, { kind: 'rtk', k }, cs.epsilon * 2 + 0.1);
          for (let p = 0; p < cs.n; p++) expect(b.margin[p]).toBeLessThanOrEqual(a.margin[p]);
        },
      ),
      RUNS,
    );
  });
});

describe('certify: edge cases', () => {
  const lip2 = new Float64Array([0, 1, 1, 0]);

  it('C = 2: certified iff the gap exceeds ε K', () => {
    const logits = new Float64Array([1, 0, 0, 1, 0.5, 0.5, 2, 1.9]);
    const out = certify(
      { logits, n: 4, c: 2, lipschitz: lip2, epsilon: 0.5 },
      { kind: 'standard' },
    );
    expect(Array.from(out.predicted)).toEqual([0, 1, 0, 0]);
    expect(Array.from(out.certified)).toEqual([1, 1, 0, 0]);
    const expected = [0.5, 0.5, -0.5, 2 - 1.9 - 0.5];
    out.margin.forEach((m, p) => expect(m).toBeCloseTo(expected[p], 12));
  });

  it('ties go to the lower class id and are never certified, even at ε = 0', () => {
    const logits = new Float64Array([3, 5, 5, 1]);
    const lip = new Float64Array(16).fill(1);
    const out = certify({ logits, n: 1, c: 4, lipschitz: lip, epsilon: 0 }, { kind: 'rtk', k: 3 });
    expect(Array.from(out.order)).toEqual([1, 2, 0]);
    expect(Array.from(out.perK)).toEqual([0, 1, 1]);
    expect(out.kStar[0]).toBe(3);
    expect(certifiedSet(out, 0)).toEqual([1, 2, 0]);
  });

  it('K = C is allowed and certifies vacuously; ε = 0 certifies strict orderings', () => {
    const logits = new Float32Array([2, 1, 0]);
    const lip = new Float32Array(9).fill(10);
    const out = certify({ logits, n: 1, c: 3, lipschitz: lip, epsilon: 0 }, { kind: 'rtk', k: 3 });
    expect(Array.from(out.perK)).toEqual([1, 1, 1]);
    const big = certify({ logits, n: 1, c: 3, lipschitz: lip, epsilon: 1 }, { kind: 'rtk', k: 3 });
    expect(Array.from(big.perK)).toEqual([0, 0, 1]);
    expect(big.bottom[0]).toBe(-Infinity);
  });

  it('the error bound raises the bar: certified iff m > base + ε·perEpsilon, per point', () => {
    const logits = new Float64Array([1, 0, 1, 0]);
    const base = { logits, n: 2, c: 2, lipschitz: lip2, epsilon: 0.25 };
    const bound = (b: number[], e: number[]) => ({
      base: Float64Array.from(b),
      perEpsilon: Float64Array.from(e),
    });
    expect(Array.from(certify(base, { kind: 'standard' }).certified)).toEqual([1, 1]);
    // m = 1 − 0.25·1 = 0.75 for both points.
    const out = certify({ ...base, errorBound: bound([0.75, 0.7], [0, 0]) }, { kind: 'standard' });
    expect(Array.from(out.certified)).toEqual([0, 1]);
    expect(Array.from(out.error)).toEqual([0.75, 0.7]);
    // 0.5 + 0.25·1 = 0.75 is not exceeded; 0.5 + 0.25·0.9 = 0.725 is.
    const slope = certify(
      { ...base, errorBound: bound([0.5, 0.5], [1, 0.9]) },
      { kind: 'standard' },
    );
    expect(Array.from(slope.certified)).toEqual([0, 1]);
    // An infinite bound never certifies, even at ε = 0 with an infinite slope.
    const inf = certify(
      { ...base, epsilon: 0, errorBound: bound([Infinity, 0], [0, Infinity]) },
      { kind: 'standard' },
    );
    expect(Array.from(inf.certified)).toEqual([0, 1]);
  });

  it('n = 0 gives empty outputs', () => {
    const out = certify(
      { logits: new Float64Array(0), n: 0, c: 2, lipschitz: lip2, epsilon: 0.1 },
      { kind: 'rtk', k: 2 },
    );
    expect(out.predicted.length).toBe(0);
    expect(out.perK.length).toBe(0);
  });

  function errorOf(fn: () => unknown): RelaxCertError {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(RelaxCertError);
      return e as RelaxCertError;
    }
    throw new Error('expected an error');
  }

  it('NaN or infinite logits name the point and class', () => {
    const logits = new Float64Array([1, 0, 0, NaN]);
    const e = errorOf(() =>
      certify({ logits, n: 2, c: 2, lipschitz: lip2, epsilon: 0.1 }, { kind: 'standard' }),
    );
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.field).toBe('logits');
    expect(e.message).toContain('point 1');
    expect(e.message).toContain('class 1');
    const inf = errorOf(() =>
      certify(
        { logits: new Float64Array([Infinity, 0]), n: 1, c: 2, lipschitz: lip2, epsilon: 0.1 },
        { kind: 'standard' },
      ),
    );
    expect(inf.message).toContain('point 0');
  });

  it('bad Lipschitz bounds, lengths, ε, K and slack are refused with the field named', () => {
    const logits = new Float64Array([1, 0]);
    const cases: Array<[() => unknown, string]> = [
      [
        () =>
          certify(
            { logits, n: 1, c: 2, lipschitz: new Float64Array([0, -1, 1, 0]), epsilon: 0 },
            { kind: 'standard' },
          ),
        'lipschitz',
      ],
      [
        () =>
          certify(
            { logits, n: 1, c: 2, lipschitz: new Float64Array([0, NaN, 1, 0]), epsilon: 0 },
            { kind: 'standard' },
          ),
        'lipschitz',
      ],
      [
        () =>
          certify(
            { logits, n: 1, c: 2, lipschitz: new Float64Array([0, Infinity, 1, 0]), epsilon: 0 },
            { kind: 'standard' },
          ),
        'lipschitz',
      ],
      [
        () =>
          certify(
            { logits, n: 1, c: 2, lipschitz: new Float64Array(3), epsilon: 0 },
            { kind: 'standard' },
          ),
        'lipschitz',
      ],
      [
        () => certify({ logits, n: 2, c: 2, lipschitz: lip2, epsilon: 0 }, { kind: 'standard' }),
        'logits',
      ],
      [
        () => certify({ logits, n: 1, c: 2, lipschitz: lip2, epsilon: -0.1 }, { kind: 'standard' }),
        'epsilon',
      ],
      [
        () => certify({ logits, n: 1, c: 2, lipschitz: lip2, epsilon: NaN }, { kind: 'standard' }),
        'epsilon',
      ],
      [
        () =>
          certify(
            {
              logits,
              n: 1,
              c: 2,
              lipschitz: lip2,
              epsilon: 0,
              errorBound: { base: new Float64Array([-1]), perEpsilon: new Float64Array(1) },
            },
            { kind: 'standard' },
          ),
        'errorBound.base',
      ],
      [
        () =>
          certify(
            {
              logits,
              n: 1,
              c: 2,
              lipschitz: lip2,
              epsilon: 0,
              errorBound: { base: new Float64Array(1), perEpsilon: new Float64Array([NaN]) },
            },
            { kind: 'standard' },
          ),
        'errorBound.perEpsilon',
      ],
      [
        () =>
          certify(
            {
              logits,
              n: 1,
              c: 2,
              lipschitz: lip2,
              epsilon: 0,
              errorBound: { base: new Float64Array(2), perEpsilon: new Float64Array(1) },
            },
            { kind: 'standard' },
          ),
        'errorBound.base',
      ],
      [
        () => certify({ logits, n: 1, c: 2, lipschitz: lip2, epsilon: 0 }, { kind: 'rtk', k: 3 }),
        'guarantee.k',
      ],
      [
        () => certify({ logits, n: 1, c: 2, lipschitz: lip2, epsilon: 0 }, { kind: 'rtk', k: 0 }),
        'guarantee.k',
      ],
      [
        () => certify({ logits, n: 1, c: 2, lipschitz: lip2, epsilon: 0 }, { kind: 'rtk', k: 1.5 }),
        'guarantee.k',
      ],
    ];
    for (const [fn, field] of cases) {
      const e = errorOf(fn);
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.field).toBe(field);
    }
    const mismatch = errorOf(() =>
      certify(
        { logits, n: 1, c: 2, lipschitz: lip2, epsilon: 0 },
        { kind: 'affinity', sets: makeAffinitySets([[0, 1]], 3) },
      ),
    );
    expect(mismatch.code).toBe('INVALID_AFFINITY');
  });

  it('200 classes: affinity bitmaps span several words', () => {
    const c = 200;
    const n = 3;
    const logits = new Float64Array(n * c);
    // Point 0: top classes 150 > 170 > 190; point 1: 5 > 199 > 3; point 2: 33 > 64 > 1.
    const tops = [
      [150, 170, 190],
      [5, 199, 3],
      [33, 64, 1],
    ];
    tops.forEach((t, p) => t.forEach((cls, r) => (logits[p * c + cls] = 10 - 2 * r)));
    const lip = new Float64Array(c * c).fill(0.5);
    const sets = [
      [150, 170, 190, 7],
      [5, 199],
      [33, 64, 1, 100, 131],
    ];
    const g: CertGuarantee = { kind: 'affinity', sets: makeAffinitySets(sets, c) };
    const out = certify({ logits, n, c, lipschitz: lip, epsilon: 1 }, g);
    expect(out.maxK).toBe(5);
    expect(certifiedSet(out, 0)).toEqual([150, 170, 190]);
    // {5, 199, 3} fits in no set; {5, 199} does.
    expect(certifiedSet(out, 1)).toEqual([5, 199]);
    expect(certifiedSet(out, 2)).toEqual([33, 64, 1]);
    for (let p = 0; p < n; p++) {
      const o = oracle(row(logits, p, c), Array.from(lip), 1, 5, sets);
      expect(out.kStar[p]).toBe(o.kStar);
    }
  });
});
