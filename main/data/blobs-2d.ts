/**
 * `blobs-2d`: a 2-D Gaussian mixture with a two-level class hierarchy, small enough to train in
 * seconds and to draw decision regions.
 *
 * Geometry (why these numbers): 4 groups A–D centred at (±3, ±3), so adjacent groups are 6 apart;
 * each group holds 3 classes at the corners of an equilateral triangle of side 1.5 around the group
 * centre; every class is an isotropic Gaussian with σ = 0.25. The closest class centres are thus
 * 1.5 apart, i.e. 0.75 from their bisector. The recommended ε = 0.3 is well below that half
 * distance: a point is certifiable at ε = 0.3 by the ideal classifier when it lies within
 * 0.75 − 0.3 = 0.45 = 1.8σ of its centre towards its neighbours, which holds for the large majority
 * of points (tested in blobs-2d.test.ts). Groups are 6 apart, so an affinity guarantee over groups
 * can use ε up to ~2.
 */
import type { RawDataset } from './raw-dataset.ts';
import { createRng } from './rng.ts';

export const BLOBS_GROUPS = ['A', 'B', 'C', 'D'] as const;
export const BLOBS_PER_GROUP = 3;
export const BLOBS_GROUP_SPACING = 6;
export const BLOBS_CLASS_SPACING = 1.5;
export const BLOBS_SIGMA = 0.25;
export const BLOBS_RECOMMENDED_EPSILON = 0.3;
export const BLOBS_DEFAULT_TRAIN = 3000;
export const BLOBS_DEFAULT_TEST = 1000;

/** Class centres, class id = group * 3 + member. */
export function blobsCentres(): Array<[number, number]> {
  const h = BLOBS_GROUP_SPACING / 2;
  const groupCentres: Array<[number, number]> = [
    [-h, h],
    [h, h],
    [-h, -h],
    [h, -h],
  ];
  const circumradius = BLOBS_CLASS_SPACING / Math.sqrt(3);
  const centres: Array<[number, number]> = [];
  for (const [gx, gy] of groupCentres) {
    for (let m = 0; m < BLOBS_PER_GROUP; m++) {
      const angle = Math.PI / 2 + (2 * Math.PI * m) / BLOBS_PER_GROUP;
      centres.push([gx + circumradius * Math.cos(angle), gy + circumradius * Math.sin(angle)]);
    }
  }
  return centres;
}

export function blobsClassNames(): string[] {
  return BLOBS_GROUPS.flatMap((g) =>
    Array.from({ length: BLOBS_PER_GROUP }, (_, m) => `${g}${m + 1}`),
  );
}

export function makeBlobs2d(
  trainSize = BLOBS_DEFAULT_TRAIN,
  testSize = BLOBS_DEFAULT_TEST,
  seed = 0,
): RawDataset {
  const centres = blobsCentres();
  const classes = centres.length;
  const rng = createRng(seed);
  const sample = (n: number) => {
    const x = new Float32Array(n * 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      // Balanced classes in random order: a seeded class draw per point would leave small sets unbalanced.
      y[i] = i % classes;
    }
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = y[i];
      y[i] = y[j];
      y[j] = t;
    }
    for (let i = 0; i < n; i++) {
      const [cx, cy] = centres[y[i]];
      x[2 * i] = cx + BLOBS_SIGMA * rng.normal();
      x[2 * i + 1] = cy + BLOBS_SIGMA * rng.normal();
    }
    return { n, x, y };
  };
  const train = sample(trainSize);
  const test = sample(testSize);
  return {
    name: 'Blobs 2-D (12 classes in 4 groups)',
    kind: 'blobs-2d',
    classNames: blobsClassNames(),
    inputShape: [2],
    train,
    test,
    affinityPresets: [
      {
        name: 'groups',
        sets: BLOBS_GROUPS.map((_, g) =>
          Array.from({ length: BLOBS_PER_GROUP }, (_, m) => g * BLOBS_PER_GROUP + m),
        ),
        setNames: [...BLOBS_GROUPS],
      },
    ],
    isImage: false,
  };
}
