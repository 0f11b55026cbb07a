/**
 * log Σ_j exp(x_ij) along the rows of [n, m] logits, with the gradient dy·softmax(x) written
 * out. tfjs' own logSumExp subtracts the row maximum for stability and derives the gradient
 * through it as well: the maximum's gradient is a broadcast Equal mask, and on WASM that one
 * Equal took 4.9 ms for cnn-c2f2's [256, 101] (the whole logSumExp gradient 5.7 ms;
 * docs/PERFORMANCE.md). The maximum is only a shift, so its terms cancel: the gradient is
 * exp(x − lse) alone.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from './custom-grad.ts';

const logSumExpOp = customGrad(([x], save) => {
  const value = tf.logSumExp(x, 1);
  save([x, value]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, [xs, lse]: tf.Tensor[]) => {
      const column = [xs.shape[0], 1];
      return tf.mul(tf.reshape(dy, column), tf.exp(tf.sub(xs, tf.reshape(lse, column))));
    },
  };
});

/** x: [n, m] → [n]. */
export function logSumExpRows(x: tf.Tensor2D): tf.Tensor1D {
  return logSumExpOp(x) as tf.Tensor1D;
}
