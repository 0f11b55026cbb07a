import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../shared/errors.ts';
import { checkExportOptions } from './export-options.ts';

describe('checkExportOptions', () => {
  it('defaults to tfjs and accepts each format', () => {
    expect(checkExportOptions(undefined)).toBe('tfjs');
    expect(checkExportOptions({})).toBe('tfjs');
    expect(checkExportOptions({ format: 'onnx', gloroHead: true })).toBe('onnx');
    expect(checkExportOptions({ format: 'nnet' })).toBe('nnet');
  });

  it.each([
    [{ format: 'pdf' }, 'format'],
    [{ format: 'nnet', gloroHead: true }, 'gloroHead'],
    [{ gloroHead: true }, 'gloroHead'],
    [{ gloroHead: 'yes', format: 'onnx' }, 'gloroHead'],
    [{ colour: 'red' }, 'colour'],
    ['onnx', 'options'],
  ])('%j is refused naming %s', (options, field) => {
    try {
      checkExportOptions(options);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RelaxCertError);
      expect((error as RelaxCertError).field).toBe(field);
    }
  });
});
