import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { downsample, prepareCurve, smoothSeries } from './smoothing.ts';

describe('smoothSeries', () => {
  it('is the identity at weight 0 and debiased at the start', () => {
    expect(smoothSeries([1, 5, 2], 0)).toEqual([1, 5, 2]);
    // With debiasing, the first smoothed value equals the first raw value.
    expect(smoothSeries([4, 4, 4], 0.9)[0]).toBeCloseTo(4);
    expect(smoothSeries([4, 4, 4], 0.9)[2]).toBeCloseTo(4);
  });

  it('never changes earlier smoothed values when points are appended (history is stable)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { maxLength: 20 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        (head, tail, w) => {
          const a = smoothSeries(head, w);
          const b = smoothSeries([...head, ...tail], w).slice(0, head.length);
          expect(b).toEqual(a);
        },
      ),
    );
  });

  it('stays within the range of the data', () => {
    const s = smoothSeries([0, 10, 0, 10, 0], 0.6);
    for (const v of s) expect(v >= 0 && v <= 10).toBe(true);
  });
});

describe('downsample', () => {
  it('keeps endpoints and extremes and respects the budget', () => {
    const pts: [number, number][] = Array.from({ length: 10_000 }, (_, i) => [i, Math.sin(i / 50)]);
    pts[5000] = [5000, 42];
    const d = downsample(pts, 300);
    expect(d.length).toBeLessThanOrEqual(300);
    expect(d[0]).toEqual(pts[0]);
    expect(d[d.length - 1]).toEqual(pts[9999]);
    expect(d.some(([x, y]) => x === 5000 && y === 42)).toBe(true);
    for (let i = 1; i < d.length; i++) expect(d[i][0]).toBeGreaterThan(d[i - 1][0]);
  });

  it('smooths before downsampling', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const ys = xs.map((i) => (i % 2 === 0 ? 0 : 1));
    const curve = prepareCurve(xs, ys, 0.95, 100);
    // Raw alternation 0/1 would keep the extremes 0 and 1; smoothed first, the late points sit near 0.5.
    expect(Math.abs(curve[curve.length - 1][1] - 0.5)).toBeLessThan(0.1);
  });
});
