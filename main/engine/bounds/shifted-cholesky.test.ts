import { describe, expect, it } from 'vitest';
import { lanczosLargestEigenvalue } from './lanczos-estimate.ts';
import { proveLargestEigenvalueBelow } from './shifted-cholesky.ts';
import { matrixWithSingularValues } from './testing/known-matrices.ts';
import { seededRandom } from './testing/seeded-random.ts';

/** G = A Aᵀ for a square A with the given singular values: eigenvalues are their squares. */
function gramWithEigenvalues(seed: number, eigenvalues: number[]): Float64Array {
  const n = eigenvalues.length;
  const a = matrixWithSingularValues(seededRandom(seed), n, n, eigenvalues.map(Math.sqrt));
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * a[j * n + k];
      g[i * n + j] = s;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g[i * n + j] = g[j * n + i];
  return g;
}

describe('proveLargestEigenvalueBelow', () => {
  const cases: Array<[string, number[]]> = [
    ['spread', Array.from({ length: 37 }, (_, i) => 4 / (1 + i))],
    ['flat', Array(30).fill(2.5)],
    ['near tie', [9, 8.9999, ...Array(20).fill(1)]],
    ['rank deficient', [5, 1, ...Array(15).fill(0)]],
  ];
  for (const [name, eigenvalues] of cases) {
    it(`proves a shift just above λ_max and refuses one below (${name})`, () => {
      const g = gramWithEigenvalues(11, eigenvalues);
      const n = eigenvalues.length;
      const top = Math.max(...eigenvalues);
      const proven = proveLargestEigenvalueBelow(g, n, top * (1 + 1e-6));
      expect(proven).not.toBeNull();
      expect(proven as number).toBeGreaterThanOrEqual(top);
      expect(proven as number).toBeLessThanOrEqual(top * (1 + 2e-6));
      expect(proveLargestEigenvalueBelow(g, n, top * (1 - 1e-6))).toBeNull();
    });
  }

  it('the Lanczos estimate is within 1e-6 of λ_max, from below', () => {
    for (const [, eigenvalues] of cases) {
      const g = gramWithEigenvalues(12, eigenvalues);
      const top = Math.max(...eigenvalues);
      const estimate = lanczosLargestEigenvalue(g, eigenvalues.length);
      expect(estimate).toBeLessThanOrEqual(top * (1 + 1e-12));
      expect(estimate).toBeGreaterThanOrEqual(top * (1 - 1e-6));
    }
  });
});
