import { describe, expect, it } from 'vitest';
import { Recertifier, curveEpsilons } from './recertify.ts';
import { makeArtifacts } from '../testing/fixtures.ts';
import { certify } from '../../../shared/certify/index.ts';

describe('Recertifier', () => {
  const a = makeArtifacts();
  const data = {
    n: a.n,
    c: a.c,
    logits: a.logits,
    labels: a.labels,
    lipschitz: a.lipschitz,
    errorBounds: a.errorBounds,
    inputs: a.inputs,
    inputShape: a.inputShape,
  };
  const claim = 'float32' as const;

  it('certifies with the stored error bound of the requested claim, as the CLI does', () => {
    const req = {
      guarantee: { kind: 'standard' as const },
      claim,
      curveEpsilons: [0],
      regionGrid: 0,
    };
    const plain = new Recertifier();
    plain.load(data);
    const base = plain.run({ ...req, epsilon: 0.1 });
    // An error bound just above some certified point's margin must withdraw that certificate,
    // under the claim whose bound it is and no other.
    let i = 0;
    while (base.certified[i] !== 1) i++;
    const strict = new Recertifier();
    const float32 = { base: new Float64Array(a.n), perEpsilon: new Float64Array(a.n) };
    float32.base[i] = base.margin[i] + 1e-9;
    const exact = { base: new Float64Array(a.n), perEpsilon: new Float64Array(a.n) };
    strict.load({ ...data, errorBounds: { float32, exact } });
    const withSlack = strict.run({ ...req, epsilon: 0.1 });
    expect(withSlack.claim).toBe('float32');
    expect(withSlack.certified[i]).toBe(0);
    expect(withSlack.metrics.certifiedCount).toBeLessThan(base.metrics.certifiedCount);
    expect(withSlack.radius[i]).toBeLessThanOrEqual(0.1);
    const underExact = strict.run({ ...req, claim: 'exact', epsilon: 0.1 });
    expect(underExact.claim).toBe('exact');
    expect(underExact.certified[i]).toBe(1);
    expect(
      strict.explain({ index: i, epsilon: 0.1, guarantee: req.guarantee, claim: 'exact' }),
    ).toMatchObject({ certified: true, claim: 'exact' });
    expect(
      strict.explain({ index: i, epsilon: 0.1, guarantee: req.guarantee, claim }),
    ).toMatchObject({ certified: false, claim: 'float32' });
  });

  it('certifies fewer points as ε grows and reports a ⊥ column', () => {
    const r = new Recertifier();
    r.load(data);
    const req = {
      guarantee: { kind: 'standard' as const },
      claim,
      curveEpsilons: curveEpsilons(0.5, 10),
      regionGrid: 8,
    };
    const small = r.run({ ...req, epsilon: 0.01 });
    const large = r.run({ ...req, epsilon: 1.2 });
    expect(small.metrics.certifiedCount).toBeGreaterThan(large.metrics.certifiedCount);
    const rejectedLarge = large.confusion.reduce((s, row) => s + row[a.c], 0);
    expect(rejectedLarge).toBe(a.n - large.metrics.certifiedCount);
    // Radii agree with the certified flags: certified at ε ⇔ radius > ε.
    for (let i = 0; i < a.n; i++) expect(large.certified[i] === 1).toBe(large.radius[i] > 1.2);
    expect(small.regions?.size).toBe(8);
  });

  it('affinity sets that group confused classes raise the affinity VRA', () => {
    const r = new Recertifier();
    r.load(data);
    const base = { epsilon: 0.3, claim, curveEpsilons: [0, 0.3], regionGrid: 0 };
    const apart = r.run({ ...base, guarantee: { kind: 'affinity', sets: [[0, 2], [1]] } });
    const together = r.run({
      ...base,
      guarantee: {
        kind: 'affinity',
        sets: [
          [0, 2],
          [1, 2],
        ],
      },
    });
    // Point 3 (label 1, logits b≈c) is rejected alone but certifiable as {b, c}.
    expect(together.metrics.guaranteeVra).toBeGreaterThan(apart.metrics.guaranteeVra);
    expect(together.curve.guaranteeVra).toHaveLength(2);
  });

  it('reports the standard guarantee VRA whatever guarantee is chosen', () => {
    const r = new Recertifier();
    r.load(data);
    const req = { epsilon: 0.3, claim, curveEpsilons: [0, 0.3, 0.6], regionGrid: 0 };
    const standard = r.run({ ...req, guarantee: { kind: 'standard' } });
    // A fresh standard certification with the shared core, as `certify --rtk 1` does.
    const fresh = certify(
      {
        logits: a.logits,
        n: a.n,
        c: a.c,
        lipschitz: a.lipschitz,
        errorBound: a.errorBounds.float32,
        epsilon: 0.3,
      },
      { kind: 'standard' },
    );
    let freshVra = 0;
    for (let i = 0; i < a.n; i++)
      if (fresh.certified[i] === 1 && fresh.predicted[i] === a.labels[i]) freshVra++;
    expect(standard.metrics.standardVra).toBe(freshVra / a.n);
    for (const guarantee of [
      { kind: 'rtk' as const, k: 2 },
      {
        kind: 'affinity' as const,
        sets: [
          [0, 2],
          [1, 2],
        ],
      },
    ]) {
      const relaxed = r.run({ ...req, guarantee });
      expect(relaxed.metrics.standardVra).toBe(freshVra / a.n);
      expect(relaxed.curve.standardVra).toEqual(standard.curve.standardVra);
      // The relaxed guarantee certifies more points than the standard one here, so a
      // "standard VRA" taken from its certificate would count points the standard rejects.
      expect(relaxed.metrics.certifiedCount).toBeGreaterThan(
        fresh.certified.reduce((x, y) => x + y, 0),
      );
    }
  });

  it('explains a point as the session does, agreeing with its certificate', () => {
    const r = new Recertifier();
    r.load(data);
    const guarantee = { kind: 'rtk' as const, k: 2 };
    const res = r.run({ epsilon: 0.3, guarantee, claim, curveEpsilons: [0], regionGrid: 0 });
    for (let i = 0; i < a.n; i++) {
      const e = r.explain({ index: i, epsilon: 0.3, guarantee, claim });
      expect(e.certified).toBe(res.certified[i] === 1);
      expect(e.kStar).toBe(res.kStar[i]);
      expect(e.margin).toBe(res.margin[i]);
      expect(e.radius).toBe(res.radius[i]);
    }
  });

  it('draws the regions from the model grid when the run has one, certified at ε', () => {
    const r = new Recertifier();
    // 2 × 2 grid; K = 1: point 0 wins class 0 by 2 (certified at ε = 0.5), point 1 by 0.4 (not).
    const grid = {
      side: 2,
      xMin: 0,
      xMax: 1,
      yMin: 0,
      yMax: 1,
      logits: Float32Array.from([2, 0, 0, 0, 0.4, 0, 0, 0, 3, 0, 3, 0]),
      errorBounds: {
        float32: { base: new Float64Array(4), perEpsilon: new Float64Array(4) },
        // Under the exact claim grid point 0's bound is 2: not certified at any ε.
        exact: { base: Float64Array.from([2, 0, 0, 0]), perEpsilon: new Float64Array(4) },
      },
    };
    r.load({ ...data, regions: grid });
    const req = {
      guarantee: { kind: 'standard' as const },
      claim,
      curveEpsilons: [0],
      regionGrid: 8,
    };
    const g = r.run({ ...req, epsilon: 0.5 }).regions;
    expect(g?.source).toBe('model');
    expect(g?.size).toBe(2);
    expect([...(g?.cls ?? [])]).toEqual([0, 1, 2, 1]);
    expect([...(g?.rejected ?? [])]).toEqual([0, 1, 0, 0]);
    // At ε = 0 every grid point with a strict winner is certified.
    expect([...(r.run({ ...req, epsilon: 0 }).regions?.rejected ?? [])]).toEqual([0, 0, 0, 0]);
    // The grid follows the claim: its own bound per claim.
    const exactGrid = r.run({ ...req, claim: 'exact', epsilon: 0 }).regions;
    expect([...(exactGrid?.rejected ?? [])]).toEqual([1, 0, 0, 0]);
  });

  it('spans the curve from 0 to twice the trained ε', () => {
    const e = curveEpsilons(0.25, 4);
    expect(e).toEqual([0, 0.125, 0.25, 0.375, 0.5]);
  });
});
