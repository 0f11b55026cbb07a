import { describe, expect, it } from 'vitest';
import { plannedSchedule, plannedSchedules } from './schedule-series.ts';
import { makeConfig } from '../testing/fixtures.ts';

describe('plannedSchedule', () => {
  it('samples a decaying schedule from the first to the last epoch', () => {
    const s = plannedSchedule('lr', '1e-3 -> 1e-6 after half', 11, 1);
    expect(s.error).toBeUndefined();
    expect(s.points[0]).toEqual([1, 1e-3]);
    expect(s.points[s.points.length - 1][0]).toBe(11);
    expect(s.points[s.points.length - 1][1]).toBeCloseTo(1e-6, 12);
    // Constant for the first half, then decreasing.
    expect(s.points[4][1]).toBeCloseTo(1e-3);
    expect(s.points[8][1]).toBeLessThan(1e-4);
  });

  it('reports unparsable schedules instead of throwing', () => {
    const s = plannedSchedule('lr', 'fast please', 5);
    expect(s.points).toEqual([]);
    expect(s.error).toBeTruthy();
  });

  it('includes λ only for TRADES', () => {
    const t = makeConfig().training;
    expect(plannedSchedules(t).map((s) => s.name)).toEqual(['learning rate']);
    expect(
      plannedSchedules({
        ...t,
        loss: 'trades',
        tradesLambda: '0.01 -> 1.2 log, by half',
        epsilonSchedule: '0 -> 0.3',
      }).map((s) => s.name),
    ).toEqual(['learning rate', 'TRADES λ', 'ε']);
  });
});
