/**
 * Tiny separable data sets for tests and benches (no dependency on main/data's generators):
 * Gaussian clusters around well-separated centres in `dims` dimensions.
 */
import type { LoadedDataset, Split } from '../../data/types.ts';
import { Rng } from '../rng.ts';

export function clusters(options: {
  classes: number;
  dims?: number;
  trainSize: number;
  testSize: number;
  spread?: number;
  seed?: number;
  inputShape?: number[];
}): LoadedDataset {
  const { classes, trainSize, testSize } = options;
  const inputShape = options.inputShape ?? [options.dims ?? 2];
  const dims = inputShape.reduce((a, b) => a * b, 1);
  const spread = options.spread ?? 0.15;
  const rng = new Rng(options.seed ?? 7);
  // Centres on a circle (2-D) or random unit directions, radius 1.
  const centres = Array.from({ length: classes }, (_, k) => {
    if (dims === 2)
      return [Math.cos((2 * Math.PI * k) / classes), Math.sin((2 * Math.PI * k) / classes)];
    const v = Array.from({ length: dims }, () => rng.normal());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
  const make = (n: number): Split => {
    const x = new Float32Array(n * dims);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % classes;
      y[i] = k;
      for (let d = 0; d < dims; d++) x[i * dims + d] = centres[k][d] + spread * rng.normal();
    }
    return { n, x, y };
  };
  return {
    name: `clusters-${classes}`,
    kind: 'blobs-2d',
    classNames: Array.from({ length: classes }, (_, k) => `c${k}`),
    inputShape,
    train: make(trainSize),
    test: make(testSize),
    affinityPresets: [],
  };
}
