import { describe, expect, it } from 'vitest';
import { prepareCertification } from '../../shared/certify/session.ts';
import { underClaim } from '../../shared/certify/claim.ts';
import { fakeArtifacts, fakeConfig } from '../host/testing/fake-deps.ts';
import { errorBoundEffect, gloroOutputNote } from './gloro-note.ts';
import { float32Above } from './onnx.ts';

describe('the note beside the ONNX ⊥ output', () => {
  // Six points; point 2 has a positive margin that does not exceed its error bound under the
  // default claim (float32).
  const artifacts = fakeArtifacts('r1', fakeConfig());

  it('counts the test points the output accepts but RelaxCert rejects for the error bound', () => {
    const eps = artifacts.trainedEpsilon;
    const withBound = prepareCertification(
      underClaim(artifacts, 'float32'),
      artifacts.guarantee,
    ).at(eps).output;
    const { errorBounds: _, ...bare } = artifacts;
    const without = prepareCertification(bare, artifacts.guarantee).at(eps).output;
    expect([withBound.certified[2], without.certified[2]]).toEqual([0, 1]);
    const effect = errorBoundEffect(artifacts);
    expect(effect.n).toBe(6);
    expect(effect.certified).toBe(withBound.certified.reduce((a, b) => a + b, 0));
    expect(effect.acceptedWithoutBound).toBe(effect.certified + 1);
  });

  it('says what the output computes, what it leaves out, and the run’s count', () => {
    const note = gloroOutputNote(artifacts);
    const { certified, acceptedWithoutBound } = errorBoundEffect(artifacts);
    expect(note).toContain('output "gloro" [N, 4]');
    expect(note).toContain('guarantee (affinity:[0,1][1,2]) at the trained radius eps = 0.5');
    expect(note).toContain('argmax = 3 (bottom)');
    expect(note).toContain('an argmax other than bottom is NOT a certificate');
    expect(note).toContain(`RelaxCert certifies ${certified} points`);
    expect(note).toContain(
      `${acceptedWithoutBound} would be accepted: 1 point accepted here is rejected by RelaxCert`,
    );
    expect(note).toContain('errorBounds[claim].base[p]');
    expect(note).toContain('claim "float32 deployment"');
  });
});

describe('float32Above', () => {
  it('is the smallest float32 not below x', () => {
    for (const x of [0, 1, 0.1, 1 / 3, 0.05 * 1.7, 1e-40, 123456.789, 2 ** -130]) {
      const up = float32Above(x);
      expect(Math.fround(up)).toBe(up);
      expect(up).toBeGreaterThanOrEqual(x);
      // The float32 just below it is below x (or it is x itself).
      const below = new Float32Array(
        new Uint32Array([new Uint32Array(Float32Array.of(up).buffer)[0] - 1]).buffer,
      )[0];
      if (up !== x && up > 0) expect(below).toBeLessThan(x);
    }
    expect(float32Above(0.1)).toBeGreaterThan(0.1);
    expect(float32Above(0.5)).toBe(0.5);
  });
});
