/**
 * The Gram matrix G = Wᵀ·W of the last layer's weights [in, C] (network.ts: the C×C distances
 * ‖w_j − w_i‖ of the training-time Lipschitz matrix), with its gradient dW = W·(dG + dGᵀ).
 * With the native kernels both products run in the SGEMM. tfjs' own gradient of
 * matMul(transpose(W), W) runs a transposed-operand matMul that WASM does slowly: for 100
 * classes and 256 inputs about 9 ms a step (docs/PERFORMANCE.md), for 5 million multiply-adds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activeNative, nativeMatMul } from '../native/matmul.ts';
import { customGrad } from './custom-grad.ts';

const gramNativeOp = customGrad(([w], save) => {
  save([w]);
  return {
    value: nativeMatMul(w, w, true, false),
    gradFunc: (dg: tf.Tensor, [ws]: tf.Tensor[]) =>
      tf.tidy(() => nativeMatMul(ws, tf.add(dg, tf.transpose(dg)))),
  };
});

/** Wᵀ·W for w [in, C]; native kernels when they are available. */
export function gram(w: tf.Tensor2D, tfOnly = false): tf.Tensor2D {
  if (!tfOnly && activeNative() !== undefined) return gramNativeOp(w) as tf.Tensor2D;
  return tf.matMul(tf.transpose(w), w);
}
