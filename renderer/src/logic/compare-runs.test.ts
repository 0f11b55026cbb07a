import { describe, expect, it } from 'vitest';
import { comparabilityNotes, configDiff, flattenConfig } from './compare-runs.ts';
import { makeConfig } from '../testing/fixtures.ts';

describe('comparing runs', () => {
  it('flattens a config to dotted leaf paths, sets kept whole', () => {
    const flat = flattenConfig(
      makeConfig({ guarantee: { kind: 'affinity', sets: [[0, 1], [2]] } }),
    );
    expect(flat.get('training.epsilon')).toBe('0.3');
    expect(flat.get('guarantee.sets')).toBe('[[0,1],[2]]');
    expect(flat.get('dataset.kind')).toBe('blobs-2d');
  });

  it('lists only the fields that differ, with each run’s value', () => {
    const a = makeConfig({ name: 'a' });
    const b = makeConfig({
      name: 'b',
      guarantee: { kind: 'rtk', k: 3 },
      training: { ...a.training, epsilon: 0.5 },
    });
    expect(configDiff([a, b])).toEqual([
      { path: 'guarantee.kind', values: ['standard', 'rtk'] },
      { path: 'guarantee.k', values: ['—', '3'] },
      { path: 'training.epsilon', values: ['0.3', '0.5'] },
    ]);
    expect(configDiff([a, { ...a, name: 'other name' }])).toEqual([]);
  });

  it('says when runs are not comparable, and why', () => {
    const a = { name: 'a', config: makeConfig() };
    expect(comparabilityNotes([a, { ...a, name: 'b' }])).toEqual([]);
    const shapes = { name: 's', config: makeConfig({ dataset: { kind: 'shapes-32' } }) };
    expect(comparabilityNotes([a, shapes])[0]).toMatch(
      /^Different data sets \(blobs-2d, shapes-32\)/,
    );
    const wide = {
      name: 'w',
      config: makeConfig({
        guarantee: { kind: 'rtk', k: 2 },
        training: { ...a.config.training, epsilon: 1 },
      }),
    };
    const notes = comparabilityNotes([a, wide]);
    expect(notes).toEqual([
      expect.stringMatching(/^Trained at different ε \(0\.3, 1\)/),
      expect.stringMatching(/^Different guarantees \(standard, RT2\)/),
    ]);
    const otherSeed = {
      name: 'o',
      config: makeConfig({ dataset: { ...a.config.dataset, seed: 9 } }),
    };
    expect(comparabilityNotes([a, otherSeed])[0]).toMatch(/generated test sets differ/);
  });
});
