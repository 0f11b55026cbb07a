import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RelaxCertError } from '../../../shared/errors.ts';
import { denseSpectralUpperBound } from './dense-spectral-bound.ts';
import { DEFAULT_GRAM_TOLERANCE } from './gram-iteration.ts';
import { BOUND_RELATIVE_SLACK } from './slack.ts';
import { exactSpectralNorm } from './testing/exact-spectral-norm.ts';
import { matrixWithSingularValues } from './testing/known-matrices.ts';
import { gaussianArray, seededRandom } from './testing/seeded-random.ts';

/** Bound / exact; asserts the bound is sound and within 1% (plus the declared slack). */
function checkRatio(w: Float32Array | Float64Array, rows: number, cols: number): number {
  const exact = exactSpectralNorm(w, rows, cols);
  const bound = denseSpectralUpperBound(w, rows, cols);
  expect(bound).toBeGreaterThanOrEqual(exact);
  expect(bound).toBeLessThanOrEqual(exact * 1.01 * (1 + BOUND_RELATIVE_SLACK));
  return bound / exact;
}

describe('denseSpectralUpperBound', () => {
  it('is ≥ the exact norm and within 1% of it on seeded random layers', () => {
    const random = seededRandom(1);
    const ratios: number[] = [];
    for (let c = 0; c < 40; c++) {
      const rows = 1 + Math.floor(random() * 40);
      const cols = 1 + Math.floor(random() * 40);
      const scale = 10 ** (random() * 4 - 2);
      ratios.push(checkRatio(gaussianArray(random, rows * cols, scale), rows, cols));
    }
    // The tolerance is what makes Gram iteration stop: the worst ratio must respect it.
    expect(Math.max(...ratios)).toBeLessThanOrEqual(
      (1 + DEFAULT_GRAM_TOLERANCE) * (1 + BOUND_RELATIVE_SLACK) + 1e-12,
    );
  });

  it('handles adversarial shapes: 1×n, n×1, rank one, flat spectrum, near ties', () => {
    const random = seededRandom(2);
    checkRatio(gaussianArray(random, 50), 1, 50);
    checkRatio(gaussianArray(random, 50), 50, 1);
    checkRatio(Float32Array.of(-3), 1, 1);
    // Rank one: u vᵀ, whose norm is ‖u‖·‖v‖ and whose Frobenius norm is already exact.
    const u = gaussianArray(random, 30);
    const v = gaussianArray(random, 20);
    const rank1 = new Float64Array(600);
    for (let i = 0; i < 30; i++) for (let j = 0; j < 20; j++) rank1[i * 20 + j] = u[i] * v[j];
    checkRatio(rank1, 30, 20);
    // Orthogonal-like (all singular values equal) is the slowest case for Gram iteration.
    checkRatio(matrixWithSingularValues(random, 40, 40, Array(40).fill(2)), 40, 40);
    // Two nearly tied top singular values and a long tail.
    const sigma = [5, 4.999, ...Array.from({ length: 28 }, (_, i) => 4 - i * 0.1)];
    checkRatio(matrixWithSingularValues(random, 30, 35, sigma), 30, 35);
    // A rank-deficient matrix (rank 3 of 25).
    checkRatio(matrixWithSingularValues(random, 25, 25, [3, 2, 1, ...Array(22).fill(0)]), 25, 25);
  });

  it('stays sound and within 1% on larger layers (shifted-Cholesky shortcut)', () => {
    const random = seededRandom(5);
    checkRatio(gaussianArray(random, 60 * 80), 60, 80);
    checkRatio(gaussianArray(random, 100 * 50), 100, 50);
    checkRatio(matrixWithSingularValues(random, 64, 64, Array(64).fill(0.7)), 64, 64);
    const sigma = [3, 2.9999, ...Array.from({ length: 58 }, (_, i) => 2.5 - i * 0.04)];
    checkRatio(matrixWithSingularValues(random, 60, 60, sigma), 60, 60);
  });

  it('returns exactly 0 for the zero matrix', () => {
    expect(denseSpectralUpperBound(new Float32Array(12), 3, 4)).toBe(0);
  });

  it('neither overflows nor underflows on extreme magnitudes', () => {
    const random = seededRandom(3);
    for (const scale of [1e300, 1e-300, 1e-310]) {
      const w = Float64Array.from(gaussianArray(random, 64), (x) => x * scale);
      const bound = denseSpectralUpperBound(w, 8, 8);
      const exact = exactSpectralNorm(
        Float64Array.from(w, (x) => x / scale),
        8,
        8,
      );
      expect(bound / scale).toBeGreaterThanOrEqual(exact * (1 - 1e-9));
      expect(bound / scale).toBeLessThanOrEqual(exact * 1.02);
      expect(Number.isFinite(bound)).toBe(true);
    }
  });

  it('is sound for arbitrary small matrices (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.float({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 64, maxLength: 64 }),
        (rows, cols, values) => {
          const w = Float32Array.from(values.slice(0, rows * cols));
          const exact = exactSpectralNorm(w, rows, cols);
          const bound = denseSpectralUpperBound(w, rows, cols);
          return bound >= exact && bound <= exact * 1.01 * (1 + BOUND_RELATIVE_SLACK);
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });

  it('stops later and gets tighter with a smaller tolerance', () => {
    const random = seededRandom(4);
    const w = matrixWithSingularValues(random, 30, 30, Array(30).fill(1));
    const loose = denseSpectralUpperBound(w, 30, 30, { tolerance: 0.05 });
    const tight = denseSpectralUpperBound(w, 30, 30, { tolerance: 1e-4 });
    const exact = exactSpectralNorm(w, 30, 30);
    expect(tight).toBeGreaterThanOrEqual(exact);
    expect(tight).toBeLessThan(loose);
    expect(tight / exact).toBeLessThanOrEqual((1 + 1e-4) * (1 + BOUND_RELATIVE_SLACK) + 1e-12);
    // With no squaring at all the bound is the Frobenius norm: still sound.
    const frobenius = denseSpectralUpperBound(w, 30, 30, { maxIterations: 0 });
    expect(frobenius).toBeGreaterThanOrEqual(Math.sqrt(30) * exact * (1 - 1e-12));
  });

  it('rejects bad shapes and non-finite weights with RelaxCertError', () => {
    expect(() => denseSpectralUpperBound(new Float32Array(5), 2, 3)).toThrow(RelaxCertError);
    expect(() => denseSpectralUpperBound(new Float32Array(0), 0, 3)).toThrow(/positive integers/);
    expect(() => denseSpectralUpperBound(Float32Array.of(1, Number.NaN), 1, 2)).toThrow(/NaN/);
    expect(() => denseSpectralUpperBound(Float32Array.of(1, Infinity), 2, 1)).toThrow(
      RelaxCertError,
    );
  });
});
