import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../shared/errors.ts';
import { parseNumberOption } from './parse-number.ts';

const eps = (text: string) => parseNumberOption('certify', 'eps', text, { min: 0 });

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RelaxCertError);
    expect((e as RelaxCertError).field).toBe('eps');
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('parseNumberOption', () => {
  it('reads plain decimals exactly as Number does', () => {
    for (const text of ['0', '0.25', '.5', '3.', '1e-3', '2E+2', '+1.5', '1e-310']) {
      expect(eps(text)).toBe(Number(text));
    }
  });

  it('refuses hex, binary, octal, Infinity and words, naming the option', () => {
    for (const text of ['0x10', '0b11', '0o7', 'Infinity', 'NaN', '', ' ', '1,5', '1e', '--1']) {
      expect(message(() => eps(text))).toBe(
        `certify: --eps must be a decimal number such as 0.25 or 1e-3 (got '${text}')`,
      );
    }
  });

  it('refuses underflow to 0, overflow and negatives with a reason', () => {
    expect(message(() => eps('1e-400'))).toMatch(/too small: it rounds to 0/);
    expect(eps('0e-400')).toBe(0);
    expect(eps('0.000')).toBe(0);
    expect(message(() => eps('1e400'))).toMatch(/too large/);
    expect(message(() => eps('-0.1'))).toMatch(/must not be negative/);
  });

  it('checks integers and lower bounds', () => {
    const k = (text: string) =>
      parseNumberOption('certify', 'rtk', text, { integer: true, min: 1 });
    expect(k('3')).toBe(3);
    expect(() => k('2.5')).toThrow(/must be an integer/);
    expect(() => k('0')).toThrow(/must be ≥ 1/);
    expect(() => parseNumberOption('x', 'lr', '0', { min: 0, exclusiveMin: true })).toThrow(
      /must be > 0/,
    );
  });
});
