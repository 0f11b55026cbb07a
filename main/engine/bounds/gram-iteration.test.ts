import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GRAM_TOLERANCE,
  gramIterationLog2,
  SHIFTED_CHOLESKY_MIN_SIZE,
} from './gram-iteration.ts';
import { exactSpectralNorm } from './testing/exact-spectral-norm.ts';
import { matrixWithSingularValues } from './testing/known-matrices.ts';
import { gaussianArray, seededRandom } from './testing/seeded-random.ts';

/** The real 2n×2m matrix [[Re, −Im], [Im, Re]] has the singular values of Re + i·Im (twice). */
function realEmbedding(re: Float64Array, im: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(4 * n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      out[i * 2 * m + j] = re[i * m + j];
      out[i * 2 * m + m + j] = -im[i * m + j];
      out[(n + i) * 2 * m + j] = im[i * m + j];
      out[(n + i) * 2 * m + m + j] = re[i * m + j];
    }
  }
  return out;
}

describe('gramIterationLog2', () => {
  it('bounds σ₁ of complex matrices from above, within the tolerance', () => {
    const random = seededRandom(21);
    for (let c = 0; c < 20; c++) {
      const n = 1 + Math.floor(random() * 12);
      const m = 1 + Math.floor(random() * 12);
      const re = Float64Array.from(gaussianArray(random, n * m));
      const im = Float64Array.from(gaussianArray(random, n * m));
      const exact = exactSpectralNorm(realEmbedding(re, im, n, m), 2 * n, 2 * m);
      const result = gramIterationLog2(re.slice(), im.slice(), n, m, { tolerance: 0.002 });
      const bound = 2 ** result.log2Upper;
      expect(bound).toBeGreaterThanOrEqual(exact);
      expect(bound).toBeLessThanOrEqual(exact * 1.002 * (1 + 1e-9));
      // The lower estimate really is (almost) below σ₁.
      expect(2 ** result.log2LowerEstimate).toBeLessThanOrEqual(exact * (1 + 1e-9));
    }
  });

  it('stops at once for rank one and as soon as the bound is below the target', () => {
    const u = [1, -2, 3];
    const v = [0.5, 4];
    const rank1 = Float64Array.from({ length: 6 }, (_, k) => u[Math.floor(k / 2)] * v[k % 2]);
    const result = gramIterationLog2(rank1, null, 3, 2);
    expect(result.iterations).toBe(1);
    expect(2 ** result.log2Upper).toBeCloseTo(Math.sqrt(14) * Math.sqrt(16.25), 10);
    const random = seededRandom(22);
    const w = Float64Array.from(gaussianArray(random, 100));
    const frobenius = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    const early = gramIterationLog2(w.slice(), null, 10, 10, {
      stopAtLog2: Math.log2(frobenius * 2),
    });
    expect(early.iterations).toBe(0);
    const full = gramIterationLog2(w.slice(), null, 10, 10);
    expect(full.iterations).toBeGreaterThan(1);
  });

  it('uses one squaring plus a Cholesky proof for large real matrices, many squarings otherwise', () => {
    const random = seededRandom(23);
    const n = SHIFTED_CHOLESKY_MIN_SIZE + 2;
    const flat = matrixWithSingularValues(random, n, n, Array(n).fill(1.5));
    const shortcut = gramIterationLog2(flat.slice(), null, n, n);
    expect(shortcut.iterations).toBe(1);
    expect(2 ** shortcut.log2Upper).toBeGreaterThanOrEqual(1.5);
    expect(2 ** shortcut.log2Upper).toBeLessThanOrEqual(1.5 * (1 + DEFAULT_GRAM_TOLERANCE));
    // Without the shortcut, the same flat spectrum needs many squarings.
    const plain = gramIterationLog2(flat.slice(), null, n, n, { choleskyShortcut: false });
    expect(plain.iterations).toBeGreaterThan(5);
    expect(2 ** plain.log2Upper).toBeGreaterThanOrEqual(1.5);
    expect(2 ** plain.log2Upper).toBeLessThanOrEqual(1.5 * (1 + DEFAULT_GRAM_TOLERANCE));
    // A complex matrix takes the shortcut through its real symmetric embedding.
    const half = SHIFTED_CHOLESKY_MIN_SIZE / 2;
    const random2 = seededRandom(24);
    const re = Float64Array.from(gaussianArray(random2, half * half));
    const im = Float64Array.from(gaussianArray(random2, half * half));
    const exact = exactSpectralNorm(realEmbedding(re, im, half, half), 2 * half, 2 * half);
    const complex = gramIterationLog2(re, im, half, half);
    expect(complex.iterations).toBe(1);
    expect(2 ** complex.log2Upper).toBeGreaterThanOrEqual(exact);
    expect(2 ** complex.log2Upper).toBeLessThanOrEqual(exact * (1 + DEFAULT_GRAM_TOLERANCE));
  });

  it('is ≥ σ₁ before any slack on matrices whose norm is known exactly', () => {
    const n = 60;
    const cases: Array<[string, Float64Array, number]> = [];
    const identity = new Float64Array(n * n);
    for (let i = 0; i < n; i++) identity[i * n + i] = 3;
    cases.push(['3·I', identity, 3]);
    const diagonal = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      diagonal[i * n + ((i * 7) % n)] = i === 17 ? 1 : 0.5 + 2 ** -(i + 1);
    cases.push(['permuted diagonal', diagonal, 1]);
    const ones = new Float64Array(n * n).fill(0.25);
    cases.push(['rank one', ones, 0.25 * n]);
    for (const [, matrix, sigma] of cases) {
      for (const choleskyShortcut of [true, false]) {
        const real = gramIterationLog2(matrix.slice(), null, n, n, { choleskyShortcut });
        expect(2 ** real.log2Upper).toBeGreaterThanOrEqual(sigma);
        expect(2 ** real.log2Upper).toBeLessThanOrEqual(sigma * (1 + DEFAULT_GRAM_TOLERANCE));
        const complex = gramIterationLog2(new Float64Array(n * n), matrix.slice(), n, n, {
          choleskyShortcut,
        });
        expect(2 ** complex.log2Upper).toBeGreaterThanOrEqual(sigma);
      }
    }
  });
});
