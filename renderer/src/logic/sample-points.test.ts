import { describe, expect, it } from 'vitest';
import { samplePoints } from './sample-points.ts';

describe('samplePoints', () => {
  it('keeps everything under the budget and strides evenly above it', () => {
    expect([...samplePoints(3, undefined, 10)]).toEqual([0, 1, 2]);
    expect([...samplePoints(10, undefined, 5)]).toEqual([0, 2, 4, 6, 8]);
    expect([...samplePoints(100, Int32Array.from([5, 7, 9, 11]), 2)]).toEqual([5, 9]);
  });
});
