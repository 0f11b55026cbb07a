import { describe, expect, it } from 'vitest';
import { formatDuration, progressView } from './progress.ts';

describe('progressView', () => {
  it('computes fractions and time left from samples/s', () => {
    const v = progressView(
      { runId: 'r', epoch: 1, batch: 4, batchesPerEpoch: 10, loss: 1, samplesPerSecond: 100 },
      4,
      50,
    );
    expect(v.epochFraction).toBeCloseTo(0.5);
    expect(v.runFraction).toBeCloseTo(15 / 40);
    expect(v.secondsLeft).toBeCloseTo((25 * 50) / 100);
    expect(v.label).toBe('epoch 2/4 · batch 5/10');
  });
  it('has no estimate before throughput is known', () => {
    const v = progressView(
      { runId: 'r', epoch: 0, batch: 0, batchesPerEpoch: 1, loss: 1, samplesPerSecond: 0 },
      1,
      8,
    );
    expect(v.secondsLeft).toBeUndefined();
    expect(formatDuration(v.secondsLeft)).toBe('—');
    expect(formatDuration(3725)).toBe('1 h 2 min');
  });
});
