import { describe, expect, it } from 'vitest';
import { isEdited, peekSetAside, setAsideDraft, takeSetAside } from './affinity-draft-guard.ts';
import { addSet, draftFrom } from '../logic/affinity-edit.ts';

describe('affinity draft guard', () => {
  it('counts a draft as edited only when it certifies with other sets', () => {
    const trained = { kind: 'affinity' as const, sets: [[0, 1], [2]] };
    expect(isEdited(draftFrom([[2], [1, 0]]), trained)).toBe(false);
    // An empty set being built is not yet a change of what is certified.
    expect(isEdited(addSet(draftFrom(trained.sets)), trained)).toBe(false);
    expect(isEdited(draftFrom([[0, 1, 2]]), trained)).toBe(true);
    expect(isEdited(draftFrom([]), { kind: 'standard' })).toBe(false);
    expect(isEdited(draftFrom([[0, 1]]), { kind: 'rtk', k: 2 })).toBe(true);
  });

  it('keeps drafts set aside per run until taken back', () => {
    const entry = { runName: 'one', draft: draftFrom([[0, 1]]) };
    setAsideDraft('r1', entry);
    expect(peekSetAside('r1')).toEqual(entry);
    expect(peekSetAside('r2')).toBeUndefined();
    expect(takeSetAside('r1')).toEqual(entry);
    expect(peekSetAside('r1')).toBeUndefined();
  });
});
