import { describe, expect, it } from 'vitest';
import { makeSchedule } from './schedules.ts';

describe('epoch schedules', () => {
  it('follows the shared parser, e.g. constant then decay after half', () => {
    const lr = makeSchedule('1e-3 -> 1e-6 after half', 'training.learningRate');
    expect(lr(0, 11)).toBeCloseTo(1e-3, 12);
    expect(lr(5, 11)).toBeCloseTo(1e-3, 12);
    expect(lr(10, 11)).toBeCloseTo(1e-6, 12);
    expect(lr(7, 11)).toBeLessThan(1e-3);
  });

  it('names the config field of a bad schedule', () => {
    expect(() => makeSchedule('fast please', 'training.tradesLambda')).toThrow(
      expect.objectContaining({ code: 'INVALID_SCHEDULE', field: 'training.tradesLambda' }),
    );
  });
});
