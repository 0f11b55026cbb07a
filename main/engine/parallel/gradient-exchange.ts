/**
 * Moving gradients between tfjs and the shared regions. Both replicas combine the two regions
 * with the same expression in the same order, so they obtain bit-identical gradients.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { FlatLayout } from '../train/adam.ts';

export type Layout = FlatLayout;

/** Downloads `grads` (in variable order) into `region`. */
export function writeGradients(grads: tf.Tensor[], region: Float32Array, layout: Layout): void {
  grads.forEach((g, i) => region.set(g.dataSync() as Float32Array, layout.offsets[i]));
}

/** w0·g0 + w1·g1 into out[lo, hi) (w1 = 0: g1 is ignored, whatever it holds). */
export function combine(
  g0: Float32Array,
  g1: Float32Array,
  w0: number,
  w1: number,
  out: Float32Array,
  lo: number,
  hi: number,
): void {
  if (w1 === 0) {
    for (let j = lo; j < hi; j++) out[j] = w0 * g0[j];
  } else {
    for (let j = lo; j < hi; j++) out[j] = w0 * g0[j] + w1 * g1[j];
  }
}

/** Blocks until ctrl[slot] === value, or throws when `failed()` says so. */
export function waitFor(
  ctrl: Int32Array,
  slot: number,
  value: number,
  failed: () => string | undefined,
): void {
  for (;;) {
    const now = Atomics.load(ctrl, slot);
    if (now === value) return;
    Atomics.wait(ctrl, slot, now, 200);
    const why = failed();
    if (why !== undefined) throw new Error(why);
  }
}
