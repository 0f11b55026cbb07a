/**
 * Test-set logits on both cores: a helper replica (data-parallel.ts) gets the weights and
 * computes the second half while this thread computes the first. Worth it only for large
 * jobs: starting the helper (loading tfjs and WASM) takes about a second.
 */
import type { BackendChoice } from '../backend.ts';
import type { Network } from '../model/network.ts';
import { makeGloroHead } from '../heads/gloro-head.ts';
import { headSpec } from '../heads/head-spec.ts';
import { Adam } from '../train/adam.ts';
import { predictLogits } from '../train/epoch-metrics.ts';
import type { Split } from '../../data/types.ts';
import { DataParallel } from './data-parallel.ts';

/** Multiply-adds below which one core is faster than starting a helper (~0.5 s of work). */
export const PARALLEL_PREDICT_MIN_WORK = 5e9;

export function predictWork(net: Network, n: number): number {
  const params = net.trainableVariables().reduce((s, v) => s + v.size, 0);
  // Conv layers reuse each weight at every position: count the output positions too.
  const positions = net.plan.layers.reduce(
    (s, l) => (l.kind === 'conv' ? Math.max(s, l.outShape[0] * l.outShape[1]) : s),
    1,
  );
  return n * params * positions;
}

export async function parallelLogits(
  net: Network,
  split: Split,
  backend: BackendChoice | undefined,
  replicas: number,
): Promise<Float32Array> {
  if (
    replicas < 2 ||
    backend === undefined ||
    predictWork(net, split.n) < PARALLEL_PREDICT_MIN_WORK
  ) {
    return predictLogits(net, split);
  }
  const adam = new Adam(net.trainableVariables(), net.trainableKeys(), true);
  const head = makeGloroHead(headSpec({ kind: 'standard' }, net.plan.numClasses));
  const dp = await DataParallel.start({
    backend,
    net,
    adam,
    head,
    seed: 0,
    powerIterations: 0,
    maxBatch: 2,
  });
  try {
    await dp.sync(net, adam);
    return await dp.predict(net, split);
  } finally {
    await dp.close();
  }
}
