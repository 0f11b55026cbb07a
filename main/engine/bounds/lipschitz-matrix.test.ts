import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../../shared/errors.ts';
import { lipschitzMatrix, lipschitzMatrixFromClassRows } from './lipschitz-matrix.ts';
import { BOUND_RELATIVE_SLACK } from './slack.ts';
import { gaussianArray, seededRandom } from './testing/seeded-random.ts';

describe('lipschitzMatrix', () => {
  it('reads the tfjs [inputs, classes] layout: K_ji = ‖w_j − w_i‖·prefix, inflated', () => {
    // inputs = 2, classes = 3; columns are w_0 = (1, 0), w_1 = (4, 4), w_2 = (1, 2).
    const kernel = Float32Array.of(1, 4, 1, 0, 4, 2);
    const k = lipschitzMatrix(kernel, 2, 3, 2);
    const slack = 1 + BOUND_RELATIVE_SLACK;
    expect(k[0 * 3 + 1]).toBeGreaterThanOrEqual(5 * 2 * slack);
    expect(k[0 * 3 + 1]).toBeCloseTo(10 * slack, 9);
    expect(k[0 * 3 + 2]).toBeCloseTo(4 * slack, 9);
    expect(k[1 * 3 + 2]).toBeCloseTo(2 * Math.sqrt(13) * slack, 9);
    for (let i = 0; i < 3; i++) {
      expect(k[i * 3 + i]).toBe(0);
      for (let j = 0; j < 3; j++) expect(k[i * 3 + j]).toBe(k[j * 3 + i]);
    }
  });

  it('agrees with the class-rows layout on the transposed weights', () => {
    const random = seededRandom(31);
    const inputs = 17;
    const classes = 6;
    const kernel = gaussianArray(random, inputs * classes);
    const rows = new Float32Array(classes * inputs);
    for (let t = 0; t < inputs; t++)
      for (let j = 0; j < classes; j++) rows[j * inputs + t] = kernel[t * classes + j];
    const a = lipschitzMatrix(kernel, inputs, classes, 1.7);
    const b = lipschitzMatrixFromClassRows(rows, classes, inputs, 1.7);
    expect(Array.from(a)).toEqual(Array.from(b));
    // Every entry dominates the distance computed independently.
    for (let j = 0; j < classes; j++) {
      for (let i = 0; i < classes; i++) {
        let s = 0;
        for (let t = 0; t < inputs; t++)
          s += (kernel[t * classes + j] - kernel[t * classes + i]) ** 2;
        expect(a[j * classes + i]).toBeGreaterThanOrEqual(Math.sqrt(s) * 1.7);
      }
    }
  });

  it('rejects wrong sizes, bad prefix bounds and non-finite weights', () => {
    expect(() => lipschitzMatrix(new Float32Array(5), 2, 3, 1)).toThrow(RelaxCertError);
    expect(() => lipschitzMatrix(new Float32Array(6), 2, 3, -1)).toThrow(/prefixBound/);
    expect(() => lipschitzMatrix(Float32Array.of(1, Number.NaN), 1, 2, 1)).toThrow(/NaN/);
  });
});
