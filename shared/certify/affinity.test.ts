import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  affinityBitmaps,
  affinitySetsToJson,
  formatAffinitySets,
  parseAffinitySets,
  setHasClass,
  validateAffinitySets,
} from './affinity.ts';
import { setsArb } from './testing/oracle.ts';
import { RelaxCertError } from '../errors.ts';

function affinityError(fn: () => unknown): RelaxCertError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RelaxCertError);
    expect((e as RelaxCertError).code).toBe('INVALID_AFFINITY');
    return e as RelaxCertError;
  }
  throw new Error('expected an error');
}

describe('parseAffinitySets', () => {
  it('reads the reference string form, whitespace tolerated', () => {
    expect(parseAffinitySets('[0,1][0,2][1,3]', 4).sets).toEqual([
      [0, 1],
      [0, 2],
      [1, 3],
    ]);
    expect(parseAffinitySets('  [ 0 , 1 ]  [2]\n[3, 1] ', 4).sets).toEqual([[0, 1], [2], [3, 1]]);
    expect(parseAffinitySets('[0,1],[2,3]', 4).sets).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('reads both JSON forms, with names', () => {
    expect(parseAffinitySets('[[0,1],[0,2]]', 3).sets).toEqual([
      [0, 1],
      [0, 2],
    ]);
    const a = parseAffinitySets('{"sets":[[3,8]],"names":["water"]}', 10);
    expect(a).toEqual({ numClasses: 10, sets: [[3, 8]], names: ['water'] });
  });

  it('accepts class names as tokens when given (case-insensitive)', () => {
    const names = ['AnnualCrop', 'Forest', 'HerbaceousVegetation', 'Highway', 'River'];
    expect(parseAffinitySets('[Highway, river][0,Forest]', 5, names).sets).toEqual([
      [3, 4],
      [0, 1],
    ]);
    expect(affinityError(() => parseAffinitySets('[Lake]', 5, names)).message).toContain('Lake');
  });

  it('round-trips format → parse and JSON → parse', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((c) => fc.tuple(fc.constant(c), setsArb(c))),
        ([c, sets]) => {
          fc.pre(sets.length > 0);
          const a = parseAffinitySets(formatAffinitySets(sets), c);
          expect(a.sets).toEqual(sets);
          expect(parseAffinitySets(affinitySetsToJson(a), c).sets).toEqual(sets);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('gives clear errors', () => {
    expect(affinityError(() => parseAffinitySets('[0,5]', 5)).message).toContain(
      'unknown class id 5',
    );
    expect(affinityError(() => parseAffinitySets('[0,1][]', 5)).message).toContain('empty');
    expect(affinityError(() => parseAffinitySets('[0,1,0]', 5)).message).toContain('twice');
    expect(affinityError(() => parseAffinitySets('[0,1][1,0]', 5)).message).toContain(
      'duplicates set 1',
    );
    expect(affinityError(() => parseAffinitySets('[0,1.5]', 5)).message).toContain('1.5');
    expect(affinityError(() => parseAffinitySets('[0,1', 5)).message).toContain('never closed');
    expect(affinityError(() => parseAffinitySets('0,1', 5)).message).toContain('position 1');
    expect(affinityError(() => parseAffinitySets('[0,,1]', 5)).message).toContain('missing');
    expect(affinityError(() => parseAffinitySets('', 5)).message).toContain('empty');
    expect(affinityError(() => parseAffinitySets('[[0,1]', 5)).message).toContain('JSON');
    expect(
      affinityError(() => parseAffinitySets('{"sets":[[0]],"names":["a","b"]}', 5)).message,
    ).toContain('names');
    expect(affinityError(() => validateAffinitySets([[-1]], 5)).message).toContain('-1');
  });
});

describe('affinityBitmaps', () => {
  it('marks exactly the members, for any number of classes and sets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 260 }).chain((c) => fc.tuple(fc.constant(c), setsArb(c))),
        ([c, sets]) => {
          const b = affinityBitmaps({ numClasses: c, sets });
          expect(b.classWords).toBe(Math.ceil(c / 32));
          expect(b.maxSetSize).toBe(Math.max(1, ...sets.map((s) => s.length)));
          // Count mismatches and assert once: an expect per bit would dominate the run time.
          let wrong = 0;
          sets.forEach((set, s) => {
            const members = new Set(set);
            for (let cls = 0; cls < c; cls++) {
              const inClassSets =
                (b.classSets[cls * b.setWordsPerClass + (s >>> 5)] & (1 << (s & 31))) !== 0;
              if (setHasClass(b, s, cls) !== members.has(cls)) wrong++;
              if (inClassSets !== members.has(cls)) wrong++;
            }
          });
          expect(wrong).toBe(0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('handles 40 overlapping sets over 200 classes (multi-word on both axes)', () => {
    const sets = Array.from({ length: 40 }, (_, s) => [s * 5, s * 5 + 1, (s * 5 + 7) % 200]);
    const b = affinityBitmaps({ numClasses: 200, sets });
    expect(b.setWordsPerClass).toBe(2);
    expect(setHasClass(b, 39, 195)).toBe(true);
    expect(setHasClass(b, 39, 2)).toBe(true);
    expect(setHasClass(b, 39, 0)).toBe(false);
  });
});
