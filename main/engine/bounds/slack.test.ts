import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../../shared/errors.ts';
import { BOUND_RELATIVE_SLACK, inflateBound } from './slack.ts';

describe('slack', () => {
  it('inflates bounds by the documented relative slack', () => {
    expect(inflateBound(2)).toBe(2 * (1 + BOUND_RELATIVE_SLACK));
    expect(inflateBound(0)).toBe(0);
    expect(() => inflateBound(-1)).toThrow(RelaxCertError);
  });
});
