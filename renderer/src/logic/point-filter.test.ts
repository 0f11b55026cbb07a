import { describe, expect, it } from 'vitest';
import { countStatuses, filterPoints, visibleRange } from './point-filter.ts';

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

  it('computes the rendered window of a virtual list', () => {
    expect(visibleRange(0, 320, 32, 100_000, 5)).toEqual({ start: 0, end: 15 });
    expect(visibleRange(32 * 50_000, 320, 32, 100_000, 5)).toEqual({ start: 49_995, end: 50_015 });
    expect(visibleRange(32 * 99_999, 320, 32, 100_000, 5).end).toBe(100_000);
  });
});
