import { describe, expect, it } from 'vitest';
import { legacyWhatIfStorage } from './legacy-what-if.ts';

function memory(): Pick<Storage, 'getItem' | 'removeItem' | 'setItem'> & {
  items: Map<string, string>;
} {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}

const a = { name: 'pairs', sets: [[0, 1]], names: ['Set 1'], savedAt: '2026-01-01T00:00:00Z' };

describe('legacy what-if sets (localStorage)', () => {
  it('reads the entries of one run that have the right shape, and clears them', () => {
    const m = memory();
    m.setItem('relaxcert.what-if-sets.r1', JSON.stringify([a, { name: 3 }, { ...a, sets: 'x' }]));
    m.setItem('relaxcert.what-if-sets.r2', JSON.stringify([{ ...a, name: 'other' }]));
    const s = legacyWhatIfStorage(m);
    expect(s.load('r1')).toEqual([a]);
    s.clear('r1');
    expect(s.load('r1')).toEqual([]);
    expect(m.items.has('relaxcert.what-if-sets.r2')).toBe(true);
  });

  it('treats a value that does not parse as no entries', () => {
    const m = memory();
    m.setItem('relaxcert.what-if-sets.r1', '{not json');
    expect(legacyWhatIfStorage(m).load('r1')).toEqual([]);
  });
});
