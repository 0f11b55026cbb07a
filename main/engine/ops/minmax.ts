/**
 * MinMax activation: the first half of the channels is paired with the second half, and each
 * pair (a, b) becomes (min(a, b), max(a, b)). It permutes values, so it is 1-Lipschitz and
 * preserves gradient norms. The custom gradient routes dy with one select per half; tfjs'
 * own gradient of a reshape + min/max (broadcast Equal masks) is very slow on WASM.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from './custom-grad.ts';

const minMaxOp = customGrad(([x], save) => {
  const axis = x.rank - 1;
  const [a, b] = tf.split(x, 2, axis);
  // The comparison is made in the backward pass only: inference skips it.
  save([a, b]);
  const value = tf.concat([tf.minimum(a, b), tf.maximum(a, b)], axis);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const lo = tf.lessEqual(saved[0], saved[1]);
      const [dMin, dMax] = tf.split(dy, 2, axis);
      return tf.concat([tf.where(lo, dMin, dMax), tf.where(lo, dMax, dMin)], axis);
    },
  };
});

/** Channels-last MinMax; the last dimension must be even. */
export function minMax<T extends tf.Tensor>(x: T): T {
  const channels = x.shape[x.rank - 1];
  if (channels % 2 !== 0) throw new Error(`MinMax needs an even channel count (got ${channels})`);
  return minMaxOp(x) as T;
}
