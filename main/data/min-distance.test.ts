import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minDiffLabelDistance } from './min-distance.ts';
import { createRng } from './rng.ts';

function brute(x: Float32Array, y: Int32Array, dim: number): number {
  let best = Infinity;
  for (let i = 0; i < y.length; i++)
    for (let j = i + 1; j < y.length; j++) {
      if (y[i] === y[j]) continue;
      let s = 0;
      for (let d = 0; d < dim; d++) s += (x[i * dim + d] - x[j * dim + d]) ** 2;
      best = Math.min(best, s);
    }
  return Math.sqrt(best);
}

function randomSet(n: number, dim: number, classes: number, seed: number, grid = 0) {
  const rng = createRng(seed);
  const x = new Float32Array(n * dim);
  // A coarse grid makes duplicates and ties likely, the hard cases for pruning.
  for (let k = 0; k < x.length; k++)
    x[k] = grid > 0 ? Math.floor(rng.next() * grid) / grid : rng.next();
  const y = Int32Array.from({ length: n }, () => rng.int(classes));
  return { x, y };
}

describe('smallest distance between differently labelled points', () => {
  it('matches brute force on random sets of several sizes, dimensions and label counts', () => {
    for (const [n, dim, classes, grid] of [
      [2, 1, 2, 0],
      [50, 2, 2, 0],
      [300, 5, 5, 0],
      [400, 3, 3, 4],
      [500, 2, 12, 0],
      [257, 7, 2, 0],
    ]) {
      for (let seed = 0; seed < 3; seed++) {
        const { x, y } = randomSet(n, dim, classes, seed, grid);
        const got = minDiffLabelDistance(x, y, dim);
        expect(got.distance).toBeCloseTo(brute(x, y, dim), 12);
        if (Number.isFinite(got.distance)) {
          expect(y[got.i]).not.toBe(y[got.j]);
          let s = 0;
          for (let d = 0; d < dim; d++) s += (x[got.i * dim + d] - x[got.j * dim + d]) ** 2;
          expect(Math.sqrt(s)).toBeCloseTo(got.distance, 12);
        }
      }
    }
  });

  it('matches brute force on arbitrary small point sets (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: -20, max: 20 }),
            fc.integer({ min: -20, max: 20 }),
            fc.integer({ min: 0, max: 2 }),
          ),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        (pts) => {
          const x = Float32Array.from(pts.flatMap(([a, b]) => [a / 4, b / 4]));
          const y = Int32Array.from(pts.map(([, , l]) => l));
          expect(minDiffLabelDistance(x, y, 2).distance).toBe(brute(x, y, 2));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is Infinity with one label and 0 for a duplicate point with two labels', () => {
    expect(
      minDiffLabelDistance(new Float32Array([0, 1, 2]), new Int32Array([4, 4, 4]), 1).distance,
    ).toBe(Infinity);
    const x = new Float32Array([0, 0, 1, 1, 1, 1, 5, 5]);
    expect(minDiffLabelDistance(x, new Int32Array([0, 1, 0, 0]), 2).distance).toBe(0);
  });

  it('handles 100,000 points in 5-D (a k-d tree, not O(n²))', () => {
    const { x, y } = randomSet(100_000, 5, 5, 7);
    const got = minDiffLabelDistance(x, y, 5);
    // Brute force over a sample: the global minimum can only be smaller or equal.
    const sub = 2000;
    expect(got.distance).toBeLessThanOrEqual(brute(x.subarray(0, sub * 5), y.subarray(0, sub), 5));
    expect(got.distance).toBeGreaterThan(0);
  });
});
