/**
 * Cost of the evaluation pass with its per-point rounding-error bound (float64 logits plus the
 * absolute-value products, main/engine/float64-pass.ts, and the bound itself) against the plain
 * float32 forward pass for the logits (tfjs, WASM, one thread), in the same run: on one thread,
 * and on one thread per core (float64-parallel.ts). Two nets with seeded
 * weights: the ACAS Xu-size dense-3x1000 and a cnn-c2f2 on 28×28×1 images.
 */
import { selectBackend } from '../main/engine/backend.ts';
import { buildLayerPlan } from '../shared/config/layer-plan.ts';
import type { ArchitectureSpec } from '../shared/config/experiment.ts';
import { Network } from '../main/engine/model/network.ts';
import { soundLipschitz } from '../main/engine/evaluate.ts';
import { roundingErrorBounds } from '../main/engine/bounds/float-error.ts';
import {
  exactLogitsWithMeasurements,
  float64Network,
  layerWeights,
} from '../main/engine/float64-pass.ts';
import { exactLogitsInParallel } from '../main/engine/float64-parallel.ts';
import { availableParallelism } from 'node:os';
import { predictLogits } from '../main/engine/train/epoch-metrics.ts';
import { Rng } from '../main/engine/rng.ts';

export interface ErrorBoundCost {
  plainSeconds: number;
  boundSeconds: number;
  /** boundSeconds / plainSeconds. */
  ratio: number;
  /** The same pass on one thread per core. */
  parallelSeconds: number;
}

export async function errorBoundCost(
  arch: ArchitectureSpec,
  inputShape: number[],
  classes: number,
  n: number,
): Promise<ErrorBoundCost> {
  await selectBackend('wasm');
  const plan = buildLayerPlan(arch, inputShape, classes);
  const net = new Network(plan, 3);
  try {
    const size = inputShape.reduce((a, b) => a * b, 1);
    const rng = new Rng(7);
    const split = {
      n,
      x: Float32Array.from({ length: n * size }, () => rng.next()),
      y: new Int32Array(n),
    };
    const arrays = await net.exportArrays();
    const sound = soundLipschitz(plan, arrays);
    const weights = layerWeights(arrays);
    const warm = { ...split, n: Math.min(n, 256) };
    predictLogits(net, warm);
    exactLogitsWithMeasurements(float64Network(plan, weights), warm, sound.errorSpec);
    let t = performance.now();
    predictLogits(net, split);
    const plainSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const m = exactLogitsWithMeasurements(float64Network(plan, weights), split, sound.errorSpec);
    roundingErrorBounds(sound.errorSpec, m, n, classes);
    const boundSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const mp = await exactLogitsInParallel(plan, weights, split, sound.errorSpec);
    roundingErrorBounds(sound.errorSpec, mp, n, classes);
    const parallelSeconds = (performance.now() - t) / 1000;
    return { plainSeconds, boundSeconds, ratio: boundSeconds / plainSeconds, parallelSeconds };
  } finally {
    net.dispose();
  }
}

export default async function errorBoundBench(): Promise<void> {
  const cases: [string, ArchitectureSpec, number[], number, number][] = [
    ['dense-3x1000', { name: 'dense-3x1000' }, [5], 5, 4_000],
    ['cnn-c2f2.28x28x1', { name: 'cnn-c2f2' }, [28, 28, 1], 10, 1_000],
  ];
  for (const [name, arch, shape, classes, n] of cases) {
    const r = await errorBoundCost(arch, shape, classes, n);
    console.log(`BENCH evaluate.${name}.logits ${r.plainSeconds.toFixed(2)} s (${n} points)`);
    console.log(`BENCH evaluate.${name}.logits+error-bound ${r.boundSeconds.toFixed(2)} s`);
    console.log(`BENCH evaluate.${name}.error-bound-ratio ${r.ratio.toFixed(2)} x`);
    console.log(
      `BENCH evaluate.${name}.logits+error-bound.threads ${r.parallelSeconds.toFixed(2)} s ` +
        `(${availableParallelism()} threads)`,
    );
  }
}
