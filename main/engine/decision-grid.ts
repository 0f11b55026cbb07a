/**
 * The decision-region grid of a 2-D model, computed at evaluation time by the network itself:
 * logits on a regular grid over the test inputs (padded by a tenth of their range on each side)
 * with the same per-point rounding-error bound as the test points, so the map of certified regions
 * and of ⊥ is a certificate like the rest, not an interpolation of the test points.
 */
import type { DecisionGrid } from '../../shared/api/workbench-api.ts';
import type { Split } from '../data/types.ts';
import { roundingErrorBounds } from './bounds/index.ts';
import type { ErrorNetworkSpec } from './bounds/index.ts';
import { exactLogitsWithMeasurements, float64Network } from './float64-pass.ts';
import type { LayerWeights } from './float64-pass.ts';
import type { LayerPlan } from '../../shared/config/layer-plan.ts';

/** Points per side: 64² = 4096 forward passes, a fraction of a test set. */
export const GRID_SIDE = 64;

/** [min, max] of each of the two features, padded; a zero range becomes ±1 around the value. */
export function gridExtent(inputs: Float32Array): [number, number, number, number] {
  const out: number[] = [];
  for (const axis of [0, 1]) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let p = axis; p < inputs.length; p += 2) {
      if (inputs[p] < lo) lo = inputs[p];
      if (inputs[p] > hi) hi = inputs[p];
    }
    if (!(hi >= lo)) [lo, hi] = [-1, 1];
    const pad = hi > lo ? (hi - lo) / 10 : 1;
    out.push(lo - pad, hi + pad);
  }
  return [out[0], out[1], out[2], out[3]];
}

/** The grid's input points, row-major (r over y, s over x), as float32 features. */
export function gridPoints(
  side: number,
  [xMin, xMax, yMin, yMax]: [number, number, number, number],
): Float32Array {
  const points = new Float32Array(side * side * 2);
  for (let r = 0; r < side; r++) {
    for (let s = 0; s < side; s++) {
      const at = (r * side + s) * 2;
      points[at] = xMin + (s * (xMax - xMin)) / (side - 1);
      points[at + 1] = yMin + (r * (yMax - yMin)) / (side - 1);
    }
  }
  return points;
}

/** Logits and error bounds of the network on the grid over `inputs` (n × 2 test features). */
export function decisionGrid(
  plan: LayerPlan,
  weights: LayerWeights,
  inputs: Float32Array,
  spec: ErrorNetworkSpec,
  side = GRID_SIDE,
): DecisionGrid {
  const extent = gridExtent(inputs);
  const n = side * side;
  const split: Split = { n, x: gridPoints(side, extent), y: new Int32Array(n) };
  const measured = exactLogitsWithMeasurements(float64Network(plan, weights), split, spec);
  const [xMin, xMax, yMin, yMax] = extent;
  return {
    side,
    xMin,
    xMax,
    yMin,
    yMax,
    logits: measured.logits,
    errorBounds: roundingErrorBounds(spec, measured, n, plan.numClasses),
  };
}
