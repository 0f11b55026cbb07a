import { describe, expect, it } from 'vitest';
import { countStatuses, filterPoints, sortPoints, visibleRange } from './point-filter.ts';
import { confusionMatrix } from '../../../shared/certify/index.ts';

const r = {
  predicted: Int32Array.from([0, 1, 2, 2, 1]),
  kStar: Int32Array.from([1, 2, 0, 1, 0]),
  certified: Uint8Array.from([1, 1, 0, 1, 0]),
};
const labels = Int32Array.from([0, 2, 2, 1, 1]);

describe('point filters', () => {
  it('counts each status once and misclassified separately', () => {
    expect(countStatuses(r, labels)).toEqual({
      all: 5,
      top1: 2,
      relaxed: 1,
      rejected: 2,
      misclassified: 2,
    });
  });

  it('filters by status, class and affinity set together', () => {
    const ids = (f: Parameters<typeof filterPoints>[2]) => [...filterPoints(r, labels, f)];
    expect(ids({ status: 'rejected', classId: -1 })).toEqual([2, 4]);
    expect(ids({ status: 'relaxed', classId: -1 })).toEqual([1]);
    expect(ids({ status: 'misclassified', classId: -1 })).toEqual([1, 3]);
    expect(ids({ status: 'all', classId: 1 })).toEqual([3, 4]);
    expect(ids({ status: 'rejected', classId: -1, setClasses: [1] })).toEqual([4]);
  });

  it('filters by a confusion-matrix cell, ⊥ column included, as the matrix counts it', () => {
    const c = 3;
    const out = { ...r, n: 5, c, maxK: 1, order: r.predicted } as unknown as Parameters<
      typeof confusionMatrix
    >[0];
    const m = confusionMatrix(out, labels);
    for (let y = 0; y < c; y++)
      for (let col = 0; col <= c; col++) {
        const ids = filterPoints(
          r,
          labels,
          { status: 'all', classId: -1, cell: { label: y, column: col } },
          c,
        );
        expect(ids.length, `cell ${y},${col}`).toBe(m[y][col]);
      }
    // Point 4: label 1, rejected → the ⊥ column of row 1; point 3: label 1, predicted 2.
    expect([
      ...filterPoints(r, labels, { status: 'all', classId: -1, cell: { label: 1, column: 3 } }, c),
    ]).toEqual([4]);
    expect([
      ...filterPoints(r, labels, { status: 'all', classId: -1, cell: { label: 1, column: 2 } }, c),
    ]).toEqual([3]);
  });

  it('sorts the shown points by margin or radius, ties in index order', () => {
    const values = {
      margin: Float64Array.from([0.5, -1, Infinity, 0.5, 0.2]),
      radius: Float64Array.from([0.1, 0, 0.3, 0.2, NaN]),
    };
    const shown = Int32Array.from([0, 1, 2, 3, 4]);
    expect([...sortPoints(shown, values, 'margin', 'asc')]).toEqual([1, 4, 0, 3, 2]);
    expect([...sortPoints(shown, values, 'margin', 'desc')]).toEqual([2, 0, 3, 4, 1]);
    expect([...sortPoints(shown, values, 'radius', 'desc')]).toEqual([2, 3, 0, 1, 4]);
    expect([...sortPoints(Int32Array.from([0, 4, 3]), values, 'index', 'desc')]).toEqual([4, 3, 0]);
  });

  it('computes the rendered window of a virtual list', () => {
    expect(visibleRange(0, 320, 32, 100_000, 5)).toEqual({ start: 0, end: 15 });
    expect(visibleRange(32 * 50_000, 320, 32, 100_000, 5)).toEqual({ start: 49_995, end: 50_015 });
    expect(visibleRange(32 * 99_999, 320, 32, 100_000, 5).end).toBe(100_000);
  });
});
