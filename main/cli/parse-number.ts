/**
 * Strict decimal numbers for CLI options. Number() accepts hex (0x10), binary (0b11), octal
 * (0o7), "Infinity" and silently rounds 1e-400 to 0; an option that certifies at a radius must
 * take exactly the number the user wrote, so only plain decimals are read and underflow to 0
 * or overflow to ∞ is refused.
 */
import { RelaxCertError } from '../../shared/errors.ts';

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export interface NumberRule {
  integer?: boolean;
  min?: number;
  exclusiveMin?: boolean;
}

/** The number `text` writes, or a user error naming the option `--name` of `command`. */
export function parseNumberOption(
  command: string,
  name: string,
  text: string,
  rule: NumberRule = {},
): number {
  const fail = (why: string): never => {
    throw new RelaxCertError('INVALID_INPUT', `${command}: --${name} ${why} (got '${text}')`, {
      field: name,
    });
  };
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) {
    fail(`must be a decimal number such as 0.25 or 1e-3`);
  }
  const n = Number(trimmed);
  if (!Number.isFinite(n)) fail('is too large for a double');
  // Non-zero digits that became 0: the value underflowed.
  if (n === 0 && /[1-9]/.test(trimmed.replace(/[eE].*$/, ''))) {
    fail('is too small: it rounds to 0 in double precision');
  }
  if (rule.integer && !Number.isInteger(n)) fail('must be an integer');
  if (rule.min !== undefined) {
    if (n < 0 && rule.min >= 0) fail('must not be negative');
    if (rule.exclusiveMin ? n <= rule.min : n < rule.min) {
      fail(`must be ${rule.exclusiveMin ? '>' : '≥'} ${rule.min}`);
    }
  }
  return n;
}
