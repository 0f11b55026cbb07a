import { describe, expect, it } from 'vitest';
import { RUN_COLUMNS, cellText, columnByKey, sortRuns, type RunRow } from './run-columns.ts';
import { makeConfig, makeMetrics, makeRun } from '../testing/fixtures.ts';

const affinity = { kind: 'affinity' as const, sets: [[0, 1], [2]] };
const trainedOnly: RunRow = makeRun('a', {
  config: makeConfig({ guarantee: affinity }),
  latest: makeMetrics(3, {
    estimatedStandardVra: 0.733,
    estimatedGuaranteeVra: 0.9,
    estimatedRejectionRate: 0.207,
  }),
  evaluated: false,
});
const evaluated: RunRow = {
  ...trainedOnly,
  id: 'b',
  evaluated: true,
  sound: { cleanAccuracy: 0.53, standardVra: 0.66, guaranteeVra: 0.8, rejectionRate: 0.305 },
};
/** Columns whose figures depend on Lipschitz bounds (estimated during training). */
const CERTIFICATE_COLUMNS = ['standardVra', 'guaranteeVra', 'rejectionRate'] as const;

describe('runs table columns', () => {
  it('labels every training-time figure as an estimate', () => {
    for (const key of CERTIFICATE_COLUMNS)
      expect(cellText(columnByKey(key), trainedOnly), key).toMatch(/^≈ [\d.]+% \(estimate\)$/);
    expect(cellText(columnByKey('standardVra'), trainedOnly)).toBe('≈ 73.3% (estimate)');
  });

  it('shows the sound figures of an evaluated run, with the estimate beside', () => {
    expect(cellText(columnByKey('standardVra'), evaluated)).toBe('66.0% (estimate 73.3%)');
    expect(cellText(columnByKey('guaranteeVra'), evaluated)).toBe('80.0% (estimate 90.0%)');
    expect(cellText(columnByKey('rejectionRate'), evaluated)).toBe('30.5% (estimate 20.7%)');
    // Clean accuracy needs no bound: the same on both sides, shown once.
    const same = { ...evaluated, sound: { ...evaluated.sound!, cleanAccuracy: 0.53 } };
    expect(cellText(columnByKey('cleanAccuracy'), same)).toBe('53.0%');
  });

  it('has no guarantee VRA for a standard run', () => {
    const std: RunRow = makeRun('s', { latest: makeMetrics(2) });
    expect(cellText(columnByKey('guaranteeVra'), std)).toBe('—');
  });

  it('sorts by the figure shown, sound where there is one', () => {
    const low: RunRow = { ...evaluated, id: 'low' };
    const high: RunRow = { ...trainedOnly, id: 'high' };
    // Estimated 73.3% beats sound 66.0%: each run sorts by the figure its cell shows.
    expect(sortRuns([low, high], 'standardVra', 'desc').map((r) => r.id)).toEqual(['high', 'low']);
  });

  it('gives every certificate column the vocabulary definition as its tooltip', () => {
    for (const key of CERTIFICATE_COLUMNS)
      expect(RUN_COLUMNS.find((c) => c.key === key)?.title).toMatch(/fraction/);
  });
});
