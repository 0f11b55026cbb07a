import { describe, expect, it } from 'vitest';
import { allInputs } from './inputs.ts';
import {
  BLOBS_CLASS_SPACING,
  BLOBS_GROUP_SPACING,
  BLOBS_RECOMMENDED_EPSILON,
  blobsCentres,
  makeBlobs2d,
} from './blobs-2d.ts';
import { classCounts } from './raw-dataset.ts';

const dist = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

describe('blobs-2d', () => {
  it('has 12 balanced classes named A1..D3 and a "groups" preset', () => {
    const ds = makeBlobs2d(1200, 240, 0);
    expect(ds.classNames).toEqual([
      'A1',
      'A2',
      'A3',
      'B1',
      'B2',
      'B3',
      'C1',
      'C2',
      'C3',
      'D1',
      'D2',
      'D3',
    ]);
    expect(classCounts(ds.train.y, 12)).toEqual(new Array(12).fill(100));
    expect(ds.affinityPresets[0]).toEqual({
      name: 'groups',
      sets: [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
        [9, 10, 11],
      ],
      setNames: ['A', 'B', 'C', 'D'],
    });
    expect(ds.inputShape).toEqual([2]);
  });

  it('is deterministic per seed', () => {
    const inputs = (seed: number) => allInputs(makeBlobs2d(100, 10, seed).train);
    expect(inputs(4)).toEqual(inputs(4));
    expect(inputs(4)).not.toEqual(inputs(5));
  });

  it('puts classes of a group close and groups far apart', () => {
    const c = blobsCentres();
    for (let i = 0; i < 12; i++)
      for (let j = i + 1; j < 12; j++) {
        const d = dist(c[i], c[j]);
        if (Math.floor(i / 3) === Math.floor(j / 3)) expect(d).toBeCloseTo(BLOBS_CLASS_SPACING, 9);
        else expect(d).toBeGreaterThan(BLOBS_GROUP_SPACING - 2 * BLOBS_CLASS_SPACING);
      }
  });

  it('recommends an ε below half the distance between the empirical class means, certifiable for most points', () => {
    const ds = makeBlobs2d(3000, 1000, 1);
    const means: Array<[number, number]> = Array.from({ length: 12 }, () => [0, 0]);
    const counts = classCounts(ds.train.y, 12);
    const train = allInputs(ds.train);
    const test = allInputs(ds.test);
    for (let i = 0; i < ds.train.n; i++) {
      means[ds.train.y[i]][0] += train[2 * i] / counts[ds.train.y[i]];
      means[ds.train.y[i]][1] += train[2 * i + 1] / counts[ds.train.y[i]];
    }
    let nearest = Infinity;
    for (let i = 0; i < 12; i++)
      for (let j = i + 1; j < 12; j++) nearest = Math.min(nearest, dist(means[i], means[j]));
    expect(BLOBS_RECOMMENDED_EPSILON).toBeLessThan(nearest / 2);
    // The ideal (nearest-mean) classifier: a point is certifiable at ε when its margin to every
    // bisector with another class exceeds ε.
    let certified = 0;
    for (let i = 0; i < ds.test.n; i++) {
      const p: [number, number] = [test[2 * i], test[2 * i + 1]];
      const own = means[ds.test.y[i]];
      let margin = Infinity;
      for (let j = 0; j < 12; j++) {
        if (j === ds.test.y[i]) continue;
        const o = means[j];
        const d = dist(own, o);
        margin = Math.min(margin, (dist(p, o) ** 2 - dist(p, own) ** 2) / (2 * d));
      }
      if (margin > BLOBS_RECOMMENDED_EPSILON) certified++;
    }
    expect(certified / ds.test.n).toBeGreaterThan(0.8);
  });
});
