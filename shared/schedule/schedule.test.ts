import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatSchedule, parseSchedule, scheduleValue } from './schedule.ts';
import { RelaxCertError } from '../errors.ts';

const at = (text: string, epoch: number, total: number) =>
  scheduleValue(parseSchedule(text), epoch, total);

describe('paper schedules', () => {
  it('constants', () => {
    for (const e of [0, 3.5, 199]) expect(at('1e-3', e, 200)).toBe(1e-3);
    expect(at(' 2 ', 0, 1)).toBe(2);
  });

  it('"1e-3 -> 1e-6 after half": constant, then geometric decay to 1e-6 at the last epoch', () => {
    const E = 201; // last epoch 200, half at 100
    expect(at('1e-3 -> 1e-6 after half', 0, E)).toBe(1e-3);
    expect(at('1e-3 -> 1e-6 after half', 50, E)).toBe(1e-3);
    expect(at('1e-3 -> 1e-6 after half', 100, E)).toBe(1e-3);
    // Geometric: halfway through the decay is the geometric mean.
    expect(at('1e-3 -> 1e-6 after half', 150, E)).toBeCloseTo(Math.sqrt(1e-3 * 1e-6), 15);
    expect(at('1e-3 -> 1e-6 after half', 200, E)).toBeCloseTo(1e-6, 18);
    expect(at('1e-3 -> 1e-6 after half', 200.5, E)).toBe(1e-6);
    // Decreasing throughout the second half.
    let prev = Infinity;
    for (let e = 100; e <= 200; e += 0.25) {
      const v = at('1e-3 -> 1e-6 after half', e, E);
      expect(v).toBeLessThanOrEqual(prev);
      prev = v;
    }
  });

  it('"0.01 -> 1.2 log half": logarithmic growth to 1.2 by mid-training, then constant', () => {
    const E = 201;
    const s = '0.01 -> 1.2 log half';
    expect(at(s, 0, E)).toBeCloseTo(0.01, 12);
    const u = 50 / 100;
    const expected = Math.log((Math.exp(1.2) - Math.exp(0.01)) * u + Math.exp(0.01));
    expect(at(s, 50, E)).toBeCloseTo(expected, 12);
    // Log grows fast first: above the linear midpoint.
    expect(at(s, 50, E)).toBeGreaterThan((0.01 + 1.2) / 2);
    expect(at(s, 100, E)).toBeCloseTo(1.2, 12);
    expect(at(s, 150, E)).toBeCloseTo(1.2, 12);
    expect(at(s, 200, E)).toBeCloseTo(1.2, 12);
    expect(at('0.01 -> 1.2 log, by half', 50, E)).toBeCloseTo(expected, 12);
    expect(at('0.01 → 1.2 log, by half', 50, E)).toBeCloseTo(expected, 12);
  });

  it('"1.0 -> 1.2": linear over all epochs', () => {
    expect(at('1.0 -> 1.2', 0, 11)).toBe(1.0);
    expect(at('1.0 -> 1.2', 5, 11)).toBeCloseTo(1.1, 12);
    expect(at('1.0 -> 1.2', 10, 11)).toBeCloseTo(1.2, 12);
    expect(at('1.0 -> 1.2', 2.5, 11)).toBeCloseTo(1.05, 12);
  });

  it('"1.0 -> 10.0, by half": linear to 10 by the middle', () => {
    expect(at('1.0 -> 10.0, by half', 25, 101)).toBeCloseTo(5.5, 12);
    expect(at('1.0 -> 10.0, by half', 75, 101)).toBe(10);
  });

  it('exp and cos variants and explicit times', () => {
    expect(at('1 -> 100 exp', 5, 11)).toBeCloseTo(10, 12);
    expect(at('0 -> 2 cos', 5, 11)).toBeCloseTo(1, 12);
    expect(at('0 -> 2 cos', 2.5, 11)).toBeCloseTo(1 - Math.cos(Math.PI / 4), 12);
    expect(at('1 -> 0.5 after 80%', 8, 11)).toBe(1);
    expect(at('1 -> 0.25 after 80%', 9, 11)).toBeCloseTo(0.5, 12);
    expect(at('1 -> 0 linear after 80%', 9, 11)).toBeCloseTo(0.5, 12);
    expect(at('0 -> 1 by 20', 10, 101)).toBeCloseTo(0.5, 12);
  });

  it('one-epoch runs start at the first value', () => {
    expect(at('1e-3 -> 1e-6 after half', 0, 1)).toBe(1e-3);
    expect(at('0.5 -> 1', 0, 1)).toBe(0.5);
  });
});

describe('reference segment syntax', () => {
  it('[1e-3]-[50%:1e-3]-exp-[1e-6] equals "1e-3 -> 1e-6 after half"', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (E, f) => {
          const e = f * E;
          const a = at('[1e-3]-[50%:1e-3]-exp-[1e-6]', e, E);
          const b = at('1e-3 -> 1e-6 after half', e, E);
          expect(a).toBeCloseTo(b, 15);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('linear by default, epoch-number times, log and cos segments', () => {
    expect(at('[0]-[10:1]-[2]', 5, 21)).toBeCloseTo(0.5, 12);
    expect(at('[0]-[10:1]-[2]', 15, 21)).toBeCloseTo(1.5, 12);
    expect(at('[0.01]-log-[50%:1.2]-[1.2]', 0, 101)).toBeCloseTo(0.01, 12);
    expect(at('[0.01]-log-[50%:1.2]-[1.2]', 25, 101)).toBeCloseTo(
      at('0.01 -> 1.2 log half', 25, 101),
      12,
    );
    expect(at('[1] - cos - [0]', 5, 11)).toBeCloseTo(0.5, 12);
    // Untimed middle knots spread evenly.
    expect(at('[0]-[1]-[4]', 5, 11)).toBeCloseTo(1, 12);
  });

  it('every parsed schedule survives format → parse', () => {
    for (const text of [
      '1e-3',
      '1e-3 -> 1e-6 after half',
      '0.01 -> 1.2 log half',
      '[0]-[10:1]-cos-[2]',
    ]) {
      const s = parseSchedule(text);
      const back = parseSchedule(formatSchedule(s));
      for (const e of [0, 3, 7.5, 10])
        expect(scheduleValue(back, e, 11)).toBeCloseTo(scheduleValue(s, e, 11), 15);
    }
  });

  it('log interpolation stays finite for large values', () => {
    const v = at('800 -> 1000 log', 5, 11);
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThan(800);
    expect(v).toBeLessThan(1000);
  });
});

describe('schedule errors', () => {
  const bad: Array<[string, string]> = [
    ['', 'empty'],
    ['abc', 'expected a number'],
    ['1e-3 ->', 'expected a number'],
    ['1e-3 -> 1e-6 sideways', 'unexpected'],
    ['1e-3 -> 1e-6 after', 'expected a number'],
    ['1e-3 -> 1e-6 after 150%', 'outside 0..100'],
    ['0 -> 1e-6 after half', 'exp'],
    ['1 2', 'expected "->"'],
    ['[1e-3]-[50%:1e-3]-warp-[1e-6]', 'unknown interpolation "warp"'],
    ['[1e-3]-[50%:1e-3', 'expected "]"'],
    ['[1]-[60%:2]-[40%:3]', 'backwards'],
    ['[1] [2]', 'expected "-"'],
    ['1e-3 -> 1e-6 exp log', 'second interpolation'],
  ];
  for (const [text, message] of bad) {
    it(`"${text}" → ${message}`, () => {
      try {
        parseSchedule(text);
        throw new Error('no error');
      } catch (e) {
        expect(e).toBeInstanceOf(RelaxCertError);
        expect((e as RelaxCertError).code).toBe('INVALID_SCHEDULE');
        expect((e as RelaxCertError).message).toContain(message);
        expect((e as RelaxCertError).message).toContain(`"${text}"`);
      }
    });
  }

  it('mixed units that cross at evaluation time are reported then', () => {
    const s = parseSchedule('[0]-[50%:1]-[10:2]-[3]');
    expect(() => scheduleValue(s, 1, 101)).toThrow(/backwards/);
    expect(scheduleValue(s, 1, 11)).toBeCloseTo(0.2, 12);
  });

  it('positions are quoted', () => {
    expect(() => parseSchedule('1e-3 -> x')).toThrow(/position 9/);
  });
});
