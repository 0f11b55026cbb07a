/**
 * The decision-region grid is the model's own output at the grid points, with error bounds that
 * hold there (against a float64 forward pass), and is computed for 2-D inputs only.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { buildLayerPlan } from '../../shared/config/layer-plan.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import type { LoadedDataset } from '../data/types.ts';
import { GRID_SIDE, gridExtent, gridPoints } from './decision-grid.ts';
import { evaluationArtifacts } from './evaluate.ts';
import { Network } from './model/network.ts';
import { Rng } from './rng.ts';
import { referenceLogits } from './testing/reference-forward.ts';
import { useBackend } from './testing/use-backend.ts';

function dataset(x: Float32Array, features: number, c: number): LoadedDataset {
  const split = { n: x.length / features, x, y: new Int32Array(x.length / features) };
  return {
    name: 'grid',
    kind: 'blobs-2d',
    classNames: Array.from({ length: c }, (_, i) => `c${i}`),
    inputShape: [features],
    train: split,
    test: split,
    affinityPresets: [],
  };
}

const config = {
  guarantee: { kind: 'standard' },
  training: { epsilon: 0.1 },
} as unknown as ExperimentConfig;

describe('decision-region grid', () => {
  it('lays the grid over the padded extent of the test inputs, row-major in y then x', () => {
    const extent = gridExtent(Float32Array.from([0, 10, 4, 20, 2, 15]));
    expect(extent).toEqual([-0.4, 4.4, 9, 21]);
    const p = gridPoints(3, [0, 2, 10, 20]);
    expect(Array.from(p)).toEqual([0, 10, 1, 10, 2, 10, 0, 15, 1, 15, 2, 15, 0, 20, 1, 20, 2, 20]);
    expect(gridExtent(Float32Array.from([1, 1]))).toEqual([0, 2, 0, 2]);
  });

  it('stores the model logits on the grid with error bounds that hold against float64', async () => {
    await useBackend('wasm');
    const c = 3;
    const plan = buildLayerPlan({ name: 'dense-small', width: 16, depth: 2 }, [2], c);
    const net = new Network(plan, 7);
    try {
      const rng = new Rng(1);
      const x = Float32Array.from({ length: 40 }, () => rng.normal() * 3);
      const a = await evaluationArtifacts(net, 'r', config, dataset(x, 2, c));
      const g = a.regions;
      if (g === undefined) throw new Error('no grid for 2-D inputs');
      expect(g.side).toBe(GRID_SIDE);
      expect([g.xMin, g.xMax, g.yMin, g.yMax]).toEqual(gridExtent(a.inputs as Float32Array));
      const cells = g.side * g.side;
      expect(g.logits).toHaveLength(cells * c);
      const points = gridPoints(g.side, [g.xMin, g.xMax, g.yMin, g.yMax]);
      // The network itself at the grid points: the float32 forward pass agrees to rounding.
      const direct = tf.tidy(() => net.forward(tf.tensor2d(points, [cells, 2])).dataSync());
      direct.forEach((v, t) =>
        expect(Math.abs(g.logits[t] - v)).toBeLessThan(1e-4 * (1 + Math.abs(v))),
      );
      const arrays = new Map((await net.exportArrays()).map((w) => [w.name, w.data]));
      const weights = (i: number) => ({
        w: arrays.get(`L${i}.w`) as Float32Array,
        b: arrays.get(`L${i}.b`) as Float32Array,
      });
      let bounded = 0;
      for (let p = 0; p < cells; p += 37) {
        const exact = referenceLogits(plan, weights, points.subarray(2 * p, 2 * p + 2));
        for (let j = 0; j < c; j++) {
          for (let i = 0; i < c; i++) {
            const f = g.logits.subarray(p * c, p * c + c);
            const err = Math.abs(f[j] - f[i] - (exact[j] - exact[i]));
            // The exact claim's bound covers the stored logits at x; the float32 claim's more.
            expect(err).toBeLessThanOrEqual(g.errorBounds.exact.base[p]);
          }
        }
        expect(g.errorBounds.exact.base[p]).toBeGreaterThan(0);
        expect(g.errorBounds.float32.base[p]).toBeGreaterThanOrEqual(g.errorBounds.exact.base[p]);
        bounded++;
      }
      expect(bounded).toBeGreaterThan(100);
    } finally {
      net.dispose();
    }
  });

  it('is not computed for inputs of another dimension', async () => {
    await useBackend('wasm');
    const plan = buildLayerPlan({ name: 'dense-small', width: 8, depth: 1 }, [3], 2);
    const net = new Network(plan, 1);
    try {
      const a = await evaluationArtifacts(net, 'r', config, dataset(new Float32Array(12), 3, 2));
      expect(a.regions).toBeUndefined();
    } finally {
      net.dispose();
    }
  });
});
