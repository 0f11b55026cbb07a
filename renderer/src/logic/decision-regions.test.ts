import { describe, expect, it } from 'vitest';
import { decisionRegions, modelRegions } from './decision-regions.ts';

describe('decisionRegions', () => {
  it('takes majority predictions per cell, rejected fractions, and fills only near the data', () => {
    // Two clusters far apart: class 0 near (0,0) (one of three rejected), class 1 near (10,10).
    const inputs = Float32Array.from([0, 0, 0.1, 0.1, 0.05, 0, 10, 10, 9.9, 9.9]);
    const predicted = Int32Array.from([0, 0, 1, 1, 1]);
    const certified = Uint8Array.from([1, 1, 0, 1, 1]);
    const g = decisionRegions(inputs, predicted, certified, 2, 20, 2);
    expect(g.cls[0]).toBe(0);
    expect(g.rejected[0]).toBeCloseTo(1 / 3);
    expect(g.cls[g.size * g.size - 1]).toBe(1);
    expect(g.rejected[g.size * g.size - 1]).toBe(0);
    // Cell two steps right of the first: filled; the middle of the map: blank.
    expect(g.cls[2]).toBe(0);
    expect(g.cls[10 * g.size + 10]).toBe(-1);
  });
});

describe('modelRegions', () => {
  it('centres one cell on each grid point and greys the points not certified', () => {
    // 3 × 3 grid over [0, 2]²: row r (y = r), column s (x = s).
    const grid = { side: 3, xMin: 0, xMax: 2, yMin: 0, yMax: 2 };
    const predicted = Int32Array.from([0, 0, 1, 0, 1, 1, 2, 2, 1]);
    const certified = Uint8Array.from([1, 0, 1, 1, 1, 1, 0, 1, 1]);
    const g = modelRegions(grid, predicted, certified);
    expect(g.source).toBe('model');
    expect([g.xMin, g.xMax, g.yMin, g.yMax]).toEqual([-0.5, 2.5, -0.5, 2.5]);
    expect([...g.cls]).toEqual([...predicted]);
    expect(g.rejected[1]).toBe(1);
    expect(g.rejected[6]).toBe(1);
    expect(g.rejected[4]).toBe(0);
    expect(() => modelRegions(grid, predicted.subarray(1), certified)).toThrow(/9 grid points/);
  });
});
