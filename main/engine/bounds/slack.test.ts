import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../../shared/errors.ts';
import { BOUND_RELATIVE_SLACK, inflateBound, logitSlack } from './slack.ts';

describe('slack', () => {
  it('inflates bounds by the documented relative slack', () => {
    expect(inflateBound(2)).toBe(2 * (1 + BOUND_RELATIVE_SLACK));
    expect(inflateBound(0)).toBe(0);
    expect(() => inflateBound(-1)).toThrow(RelaxCertError);
  });

  it('logit slack grows with depth, fan-in and the logit scale, with a floor at scale 1', () => {
    const base = logitSlack(10, 4);
    expect(base).toBeGreaterThan(0);
    expect(logitSlack(10, 8)).toBeCloseTo(2 * base, 12);
    expect(logitSlack(20, 4)).toBeCloseTo(2 * base, 12);
    expect(logitSlack(10, 4, { maxFanIn: 100 })).toBeLessThan(base);
    expect(logitSlack(0, 4)).toBe(logitSlack(1, 4));
    // It covers the worst-case float32 error of a length-4096 sum of unit terms, 4·L times over.
    expect(base).toBeGreaterThanOrEqual(4 * 4 * 4098 * 2 ** -24 * 10);
    expect(() => logitSlack(Number.NaN, 4)).toThrow(/maxAbsLogit/);
    expect(() => logitSlack(1, 0)).toThrow(/numLayers/);
  });
});
