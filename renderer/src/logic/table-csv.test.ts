import { describe, expect, it } from 'vitest';
import { confusionCsv, csvField } from './table-csv.ts';

describe('table CSV', () => {
  it('quotes only fields that need it', () => {
    expect(csvField('cat')).toBe('cat');
    expect(csvField(3)).toBe('3');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });

  it('writes the confusion matrix with its ⊥ column, one row per true class', () => {
    const csv = confusionCsv(
      [
        [5, 1, 2],
        [0, 7, 3],
      ],
      ['cat', 'dog, big'],
    );
    expect(csv).toBe(
      'true \\ predicted,cat,"dog, big",⊥ (rejected)\ncat,5,1,2\n"dog, big",0,7,3\n',
    );
  });
});
