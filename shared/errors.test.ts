import { describe, expect, it } from 'vitest';
import { RelaxCertError, fromErrorInfo, toErrorInfo } from './errors.ts';

describe('RelaxCertError', () => {
  it('round-trips through its serialised form', () => {
    const e = new RelaxCertError('DATA_FORMAT', 'a.nnet line 7: expected 5 numbers', {
      file: 'a.nnet',
      line: 7,
    });
    const back = fromErrorInfo(JSON.parse(JSON.stringify(e)));
    expect(back).toBeInstanceOf(RelaxCertError);
    expect(back.code).toBe('DATA_FORMAT');
    expect(back.line).toBe(7);
    expect(back.message).toBe(e.message);
  });

  it('turns foreign errors into INTERNAL', () => {
    expect(toErrorInfo(new TypeError('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(toErrorInfo('str')).toEqual({ code: 'INTERNAL', message: 'str' });
  });
});
