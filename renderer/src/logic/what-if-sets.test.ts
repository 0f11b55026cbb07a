import { describe, expect, it } from 'vitest';
import { webStorage, withWhatIf, withoutWhatIf, type WhatIfSets } from './what-if-sets.ts';

function memory(): Pick<Storage, 'getItem' | 'setItem'> & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
  };
}

const a: WhatIfSets = { name: 'pairs', sets: [[0, 1]], names: ['Set 1'], savedAt: 't1' };
const b: WhatIfSets = { name: 'triples', sets: [[0, 1, 2]], names: ['all'], savedAt: 't2' };

describe('what-if sets', () => {
  it('saves per run and reads back', () => {
    const m = memory();
    const s = webStorage(m);
    s.save('r1', [a, b]);
    expect(s.load('r1')).toEqual([a, b]);
    expect(s.load('r2')).toEqual([]);
  });

  it('skips entries that do not parse instead of failing', () => {
    const m = memory();
    m.setItem(
      'relaxcert.what-if-sets.r1',
      JSON.stringify([a, { name: 3 }, { ...b, sets: [[-1]] }]),
    );
    expect(webStorage(m).load('r1')).toEqual([a]);
    m.setItem('relaxcert.what-if-sets.r1', '{not json');
    expect(webStorage(m).load('r1')).toEqual([]);
  });

  it('replaces an entry of the same name and removes by name', () => {
    const newer = { ...a, sets: [[1, 2]], savedAt: 't3' };
    expect(withWhatIf([a, b], newer)).toEqual([b, newer]);
    expect(withoutWhatIf([a, b], 'pairs')).toEqual([b]);
  });
});
