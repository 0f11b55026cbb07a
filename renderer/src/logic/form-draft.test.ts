import { describe, expect, it } from 'vitest';
import { DRAFT_KEY, loadDraft, saveDraft, type DraftStorage } from './form-draft.ts';
import { makeConfig } from '../testing/fixtures.ts';

function memory(): DraftStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

describe('form draft', () => {
  it('restores a saved draft with its time and the problems of its fields', () => {
    const s = memory();
    const config = makeConfig({ training: { ...makeConfig().training, epochs: 0 } });
    saveDraft(s, config, new Date('2026-12-01T02:00:00Z'));
    const draft = loadDraft(s);
    expect(draft?.config).toEqual(config);
    expect(draft?.savedAt).toBe('2026-12-01T02:00:00.000Z');
    expect(draft?.problems).toEqual([expect.stringMatching(/^training\.epochs/)]);
  });

  it('drops a draft the form could not show', () => {
    const s = memory();
    s.setItem(DRAFT_KEY, '{not json');
    expect(loadDraft(s)).toBeUndefined();
    expect(s.map.size).toBe(0);
    s.setItem(DRAFT_KEY, JSON.stringify({ savedAt: 'x', config: { name: 'no sections' } }));
    expect(loadDraft(s)).toBeUndefined();
    expect(s.map.size).toBe(0);
    expect(loadDraft(s)).toBeUndefined();
  });

  it('survives a storage that refuses to write', () => {
    const s = memory();
    s.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    expect(() => saveDraft(s, makeConfig(), new Date())).not.toThrow();
  });
});
