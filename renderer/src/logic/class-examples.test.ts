import { describe, expect, it } from 'vitest';
import { firstIndexPerClass } from './class-examples.ts';

describe('firstIndexPerClass', () => {
  it('finds the first example of each class and marks absent classes', () => {
    expect(firstIndexPerClass(Int32Array.from([2, 0, 2, 0, 1]), 4)).toEqual([1, 4, 0, -1]);
  });
});
