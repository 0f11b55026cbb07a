import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../shared/errors.ts';
import { checkedNumber, numberOption, parseCommand, parseDecimal } from './args.ts';

const options = {
  seed: { type: 'string' },
  eps: { type: 'string' },
  json: { type: 'boolean' },
} as const;

describe('parseCommand', () => {
  it('reads a negative number after a valued option as its value (issue 14, failure 9)', () => {
    const { values } = parseCommand('train', ['--seed', '-1', '--eps', '-.5', '--json'], options);
    expect(values).toMatchObject({ seed: '-1', eps: '-.5', json: true });
    // …which the option's own check then refuses with a clear message.
    expect(() => numberOption('train', 'seed', values.seed, { integer: true, min: 0 })).toThrow(
      "train: --seed must be an integer ≥ 0 (got '-1')",
    );
  });

  it('still refuses an unknown option, and a dash word that is not a number', () => {
    expect(() => parseCommand('train', ['--bogus'], options)).toThrow(/Unknown option '--bogus'/);
    expect(() => parseCommand('train', ['--seed', '-x'], options)).toThrow(RelaxCertError);
    expect(() => parseCommand('runs', ['--json', '-1'], options)).toThrow(RelaxCertError);
  });
});

describe('parseDecimal / checkedNumber', () => {
  it('accepts plain decimal notation', () => {
    for (const [text, value] of [
      ['3', 3],
      ['-1', -1],
      ['+2.5', 2.5],
      ['.25', 0.25],
      ['1e-3', 0.001],
      ['0', 0],
      ['0.000e5', 0],
    ] as const) {
      expect(parseDecimal(text)).toBe(value);
    }
  });

  it('refuses hex, binary, octal, Infinity, empty text, overflow and underflow', () => {
    for (const text of [
      '0x10',
      '0b11',
      '0o7',
      'Infinity',
      '',
      ' ',
      '1_000',
      '1e400',
      '1e-400',
      'NaN',
    ]) {
      expect(typeof parseDecimal(text), text).toBe('object');
    }
    expect(() => checkedNumber('certify: --eps', 'eps', '0x10', { min: 0 })).toThrow(
      "certify: --eps must be a number ≥ 0: '0x10' is not a decimal number",
    );
    expect(() => checkedNumber('certify: --eps', 'eps', '1e-400', { min: 0 })).toThrow(
      /'1e-400' is too small to represent/,
    );
  });

  it('checks integers and both bounds', () => {
    expect(
      checkedNumber('serve: --port', 'port', '8080', { integer: true, min: 0, max: 65535 }),
    ).toBe(8080);
    expect(() =>
      checkedNumber('serve: --port', 'port', '70000', { integer: true, min: 0, max: 65535 }),
    ).toThrow("serve: --port must be an integer ≥ 0 and ≤ 65535 (got '70000')");
    expect(() => checkedNumber('x', 'n', '2.5', { integer: true })).toThrow(/must be an integer/);
    expect(() => checkedNumber('x', 'n', '1e20', { integer: true })).toThrow(/must be an integer/);
  });
});
