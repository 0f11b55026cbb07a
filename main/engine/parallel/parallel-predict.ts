/**
 * When predicting on both cores pays: a helper replica (data-parallel.ts) computes half of the
 * test-set logits of the epoch metrics. Worth it only for large jobs: starting the helper
 * (loading tfjs and WASM) takes about a second.
 */
import type { Network } from '../model/network.ts';

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
