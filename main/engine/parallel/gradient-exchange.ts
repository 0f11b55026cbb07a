/**
 * Moving gradients from tfjs into the shared regions, and waiting on the control words. (Both
 * replicas combine the regions in Adam.updateCombined with the same expression, each on its
 * half of the parameters.)
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { FlatLayout } from '../train/adam.ts';
import { valuesOf } from '../ops/wasm-heap.ts';

export type Layout = FlatLayout;

/** Downloads `grads` (in variable order) into `region`. */
export function writeGradients(grads: tf.Tensor[], region: Float32Array, layout: Layout): void {
  grads.forEach((g, i) => region.set(valuesOf(g), layout.offsets[i]));
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
