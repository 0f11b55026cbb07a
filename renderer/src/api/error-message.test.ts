import { describe, expect, it } from 'vitest';
import { errorMessage } from './error-message.ts';
import { RelaxCertError } from '../../../shared/errors.ts';

describe('errorMessage', () => {
  it('shows a user error as its message, without the internal field name', () => {
    const e = new RelaxCertError('NOT_FOUND', 'No run named r-42.', { field: 'runId' });
    expect(errorMessage(e)).toBe('No run named r-42.');
  });

  it('marks internal failures and plain errors as unexpected', () => {
    expect(errorMessage(new RelaxCertError('INTERNAL', 'worker exited'))).toBe(
      'Unexpected error: worker exited',
    );
    expect(errorMessage(new TypeError('x is undefined'))).toBe('Unexpected error: x is undefined');
    expect(errorMessage({ message: 'from a worker' })).toBe('from a worker');
    expect(errorMessage('text')).toBe('text');
  });
});
