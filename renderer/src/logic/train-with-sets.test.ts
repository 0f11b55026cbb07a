import { describe, expect, it } from 'vitest';
import { validateExperimentConfig } from '../../../shared/config/validate-experiment.ts';
import { makeConfig } from '../testing/fixtures.ts';
import { configWithSets } from './train-with-sets.ts';

describe('train a new run with these sets', () => {
  it("keeps the run's config, replaces only the guarantee and names where it came from", () => {
    const config = makeConfig({ guarantee: { kind: 'rtk', k: 2 } });
    const run = { name: 'blobs rtk', config };
    const next = configWithSets(run, [[0, 1], [2]], ['near', 'far'], 'grouped');
    expect(next).toEqual({
      ...config,
      name: 'blobs rtk · grouped',
      guarantee: { kind: 'affinity', sets: [[0, 1], [2]], names: ['near', 'far'] },
    });
    // The form edits its copy, never the run's config.
    next.training.epochs = 99;
    expect(config.training.epochs).not.toBe(99);
    expect(config.guarantee).toEqual({ kind: 'rtk', k: 2 });
    expect(() => validateExperimentConfig(next)).not.toThrow();
  });
});
