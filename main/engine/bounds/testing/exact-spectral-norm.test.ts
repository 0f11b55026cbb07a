import { describe, expect, it } from 'vitest';
import { exactSpectralNorm, singularValues } from './exact-spectral-norm.ts';
import { matrixWithSingularValues } from './known-matrices.ts';
import { seededRandom } from './seeded-random.ts';

describe('reference singular values (one-sided Jacobi)', () => {
  it('recovers prescribed singular values of tall, wide and square matrices', () => {
    const random = seededRandom(7);
    for (const [rows, cols] of [
      [5, 5],
      [9, 4],
      [3, 8],
      [12, 12],
    ]) {
      const r = Math.min(rows, cols);
      const sigma = Array.from({ length: r }, () => 0.1 + 3 * random()).sort((a, b) => b - a);
      const a = matrixWithSingularValues(random, rows, cols, sigma);
      const got = singularValues(a, rows, cols).slice(0, r);
      got.forEach((value, i) => expect(value).toBeCloseTo(sigma[i], 12));
    }
  });

  it('handles a diagonal matrix, a single row and the zero matrix', () => {
    expect(exactSpectralNorm([3, 0, 0, 0, -5, 0], 2, 3)).toBeCloseTo(5, 14);
    expect(exactSpectralNorm([3, 4], 1, 2)).toBeCloseTo(5, 14);
    expect(exactSpectralNorm([0, 0, 0, 0], 2, 2)).toBe(0);
  });
});
