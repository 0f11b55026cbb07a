import { describe, expect, it } from 'vitest';
import {
  addClass,
  addSet,
  affinityWarnings,
  deleteSet,
  draftFrom,
  moveClass,
  removeClass,
  renameSet,
  usableSets,
} from './affinity-edit.ts';
import { suggestAffinitySets } from './suggest-affinity.ts';

const names = ['a', 'b', 'c', 'd'];

describe('affinity draft operations', () => {
  it('moves, copies and removes classes without mutating the input', () => {
    const d0 = draftFrom([[0, 1], [2]]);
    const moved = moveClass(d0, 1, 0, 1);
    expect(moved.sets).toEqual([[0], [1, 2]]);
    expect(d0.sets).toEqual([[0, 1], [2]]);
    const copied = addClass(d0, 0, 1);
    expect(copied.sets).toEqual([
      [0, 1],
      [0, 2],
    ]); // a class may sit in several sets
    expect(addClass(copied, 0, 1)).toBe(copied);
    expect(removeClass(copied, 0, 0).sets).toEqual([[1], [0, 2]]);
  });

  it('creates, renames and deletes sets with names kept aligned', () => {
    let d = draftFrom([[0]], ['first']);
    d = addSet(d, [2, 2, 3]);
    expect(d).toEqual({ sets: [[0], [2, 3]], names: ['first', 'Set 2'] });
    d = renameSet(d, 1, 'shapes');
    d = deleteSet(d, 0);
    expect(d).toEqual({ sets: [[2, 3]], names: ['shapes'] });
  });

  it('warns about unassigned classes, large, empty and repeated sets', () => {
    const d = draftFrom([[0, 1, 2], [], [2, 1, 0]]);
    const kinds = affinityWarnings(d, names, 2).map((w) => w.kind);
    expect(kinds).toEqual(['unassigned', 'too-large', 'empty', 'too-large', 'duplicate']);
    expect(affinityWarnings(d, names, 2)[0].message).toContain('d');
    expect(usableSets(d)).toEqual({ sets: [[0, 1, 2]], names: ['Set 1'] });
  });
});

describe('suggestAffinitySets', () => {
  it('groups the most confused classes up to the size limit', () => {
    // 0↔1 confused a lot, 2↔3 a little, 1↔2 once.
    const m = [
      [50, 9, 0, 0],
      [8, 40, 1, 0],
      [0, 0, 30, 3],
      [0, 0, 2, 30],
    ];
    expect(suggestAffinitySets(m, 2)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(suggestAffinitySets(m, 4)).toEqual([[0, 1, 2, 3]]);
    expect(suggestAffinitySets(m, 2, 6)).toEqual([[0, 1]]);
  });
});
