/**
 * Networks with chosen weights, and the data set and config around them, for the tests that
 * evaluate them (evaluate.ts) and check their certificates against exact arithmetic.
 */
import type { ArchitectureSpec, ExperimentConfig } from '../../../shared/config/experiment.ts';
import type { LayerPlan } from '../../../shared/config/layer-plan.ts';
import type { LoadedDataset } from '../../data/types.ts';
import { Network } from '../model/network.ts';
import type { NamedArray } from '../model/network.ts';
import type { Rng } from '../rng.ts';

/** Weights and biases by plan layer index (tfjs layouts). */
export type Weights = Map<number, { w: Float32Array; b: Float32Array }>;

/** A network of `plan` with exactly these weights (power-iteration iterates zero). */
export function networkWith(plan: LayerPlan, weights: Weights): Network {
  const net = new Network(plan, 0);
  const arrays: NamedArray[] = [];
  for (const p of net.linear) {
    const { w, b } = weights.get(p.index)!;
    arrays.push({ name: p.keys[0], shape: [...p.w.shape], data: w });
    arrays.push({ name: p.keys[1], shape: [...p.b.shape], data: b });
    arrays.push({ name: p.keys[2], shape: [...p.u.shape], data: new Float32Array(p.u.size) });
  }
  net.importArrays(arrays);
  return net;
}

/** A data set whose train and test splits are both (x, y). */
export function dataset(
  x: Float32Array,
  y: Int32Array,
  inputShape: number[],
  c: number,
): LoadedDataset {
  const split = { n: y.length, x, y };
  return {
    name: 'crafted',
    kind: 'blobs-2d',
    classNames: Array.from({ length: c }, (_, i) => `c${i}`),
    inputShape,
    train: split,
    test: split,
    affinityPresets: [],
  };
}

/** A one-epoch standard-guarantee config around `arch`, trained for `epsilon`. */
export function config(arch: ArchitectureSpec, epsilon: number): ExperimentConfig {
  return {
    name: 'crafted',
    dataset: { kind: 'blobs-2d' },
    architecture: arch,
    guarantee: { kind: 'standard' },
    training: {
      epochs: 1,
      batchSize: 8,
      learningRate: '1e-3',
      loss: 'crossentropy',
      epsilon,
      powerIterations: 2,
      seed: 0,
    },
  };
}

/** Random weights with scale and offsets drawn wide, to make float32 rounding visible. */
export function randomWeights(plan: LayerPlan, rng: Rng, offset: number): Weights {
  const weights: Weights = new Map();
  plan.layers.forEach((spec, index) => {
    if (spec.kind !== 'dense' && spec.kind !== 'conv') return;
    const fanIn = spec.kind === 'dense' ? spec.inFeatures : spec.kernel ** 2 * spec.inShape[2];
    const units = spec.kind === 'dense' ? spec.units : spec.filters;
    const scale = (0.5 + 2 * rng.next()) / Math.sqrt(fanIn);
    const w = Float32Array.from({ length: fanIn * units }, () => rng.normal() * scale);
    const b = Float32Array.from({ length: units }, () => rng.normal() * offset);
    weights.set(index, { w, b });
  });
  return weights;
}
