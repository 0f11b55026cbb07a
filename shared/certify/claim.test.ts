import { describe, expect, it } from 'vitest';
import {
  CERT_CLAIMS,
  CLAIM_TERMS,
  DEFAULT_CLAIM,
  parseClaim,
  standInNote,
  underClaim,
} from './claim.ts';
import { prepareCertification } from './session.ts';
import { GLOSSARY } from './vocabulary.ts';

const bound = (base: number[]) => ({
  base: Float64Array.from(base),
  perEpsilon: new Float64Array(base.length),
});

describe('certificate claims', () => {
  // Two points, two classes, K = 1: margins at ε = 0.5 are 1.5 and 0.25.
  const stored = {
    n: 2,
    c: 2,
    logits: Float32Array.from([2, 0, 0, 0.75]),
    labels: Int32Array.from([0, 1]),
    lipschitz: Float64Array.from([0, 1, 1, 0]),
    errorBounds: { float32: bound([0.1, 0.3]), exact: bound([1e-6, 1e-6]) },
  };

  it('certifies with the bound of the chosen claim and names it in every summary', () => {
    const float32 = prepareCertification(underClaim(stored, 'float32'), { kind: 'standard' });
    const exact = prepareCertification(underClaim(stored, 'exact'), { kind: 'standard' });
    expect(Array.from(float32.at(0.5).output.certified)).toEqual([1, 0]);
    expect(Array.from(exact.at(0.5).output.certified)).toEqual([1, 1]);
    expect(float32.summary(0.5)).toMatchObject({ claim: 'float32', certifiedCount: 1 });
    expect(exact.summary(0.5)).toMatchObject({ claim: 'exact', certifiedCount: 2 });
    expect(exact.explain(1, 0.5)).toMatchObject({ claim: 'exact', certified: true });
    expect(float32.explain(1, 0.5).reason).toMatch(/rejected by the error bound alone/);
  });

  it('passes neither bound on: only the chosen one', () => {
    const data = underClaim(stored, 'exact');
    expect(data).not.toHaveProperty('errorBounds');
    expect(data.errorBound).toBe(stored.errorBounds.exact);
  });

  it("says when the exact claim's figures come from a stand-in bound, and only then", () => {
    expect(standInNote({ exactBoundStandIn: true }, 'exact')).toMatch(/evaluate the run again/);
    expect(standInNote({ exactBoundStandIn: true }, 'float32')).toBeUndefined();
    expect(standInNote({}, 'exact')).toBeUndefined();
  });

  it('refuses an unknown claim, naming the field', () => {
    expect(parseClaim('exact')).toBe('exact');
    for (const bad of ['float64', 'Exact', '', undefined, 32]) {
      expect(() => parseClaim(bad)).toThrow(/claim must be one of float32, exact/);
    }
    expect(() => parseClaim('tf32', 'request.claim')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'request.claim' }),
    );
  });

  it('has one label and definition per claim, the stronger claim by default', () => {
    expect(DEFAULT_CLAIM).toBe('float32');
    expect(new Set(CERT_CLAIMS.map((c) => CLAIM_TERMS[c].label)).size).toBe(CERT_CLAIMS.length);
    // The glossary's word for the choice names both claims.
    for (const c of CERT_CLAIMS) expect(GLOSSARY.claim.definition).toContain(c);
  });
});
