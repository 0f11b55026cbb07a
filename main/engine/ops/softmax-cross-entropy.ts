/**
 * Mean softmax cross-entropy of logits [n, m] against integer labels, as one op computed in
 * float64 with its gradient (softmax − one-hot)/n written out. As tfjs ops (logSumExp, a
 * one-hot, a product, sums and a mean) it was 38 kernels forward and backward (a dense step's
 * 68 became 30), each costing tfjs' per-kernel work more than its arithmetic
 * (docs/PERFORMANCE.md).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from './custom-grad.ts';
import { tensorFilledBy, valuesOf } from './wasm-heap.ts';

/** The labels as integers in [0, m), or an error naming the first that is not. */
function checkedLabels(labels: tf.Tensor, n: number, m: number): Int32Array {
  if (labels.rank !== 1 || labels.shape[0] !== n) {
    throw new Error(`cross-entropy: ${n} rows of logits but labels of shape [${labels.shape}]`);
  }
  const values = Int32Array.from(labels.dataSync());
  const bad = values.findIndex((v) => !(v >= 0 && v < m));
  if (bad >= 0) {
    throw new Error(
      `cross-entropy: label ${values[bad]} of row ${bad} is not a class of 0..${m - 1}`,
    );
  }
  return values;
}

/** logits: [n, m], labels: int32 [n] → the mean over rows of lse(row) − row[label]. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const [n, m] = logits.shape;
  const y = checkedLabels(labels, n, m);
  const op = customGrad(([x]) => {
    const xv = valuesOf(x);
    // Softmax rows kept for the gradient; each row shifted by its maximum (exp stays finite).
    const softmax = new Float64Array(n * m);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let j = 0; j < m; j++) max = Math.max(max, xv[i * m + j]);
      let sum = 0;
      for (let j = 0; j < m; j++) sum += softmax[i * m + j] = Math.exp(xv[i * m + j] - max);
      for (let j = 0; j < m; j++) softmax[i * m + j] /= sum;
      total += max + Math.log(sum) - xv[i * m + y[i]];
    }
    return {
      value: tf.scalar(total / n),
      gradFunc: (dy: tf.Tensor) => {
        const scale = valuesOf(dy)[0] / n;
        return tensorFilledBy([n, m], (dx) => {
          for (let e = 0; e < n * m; e++) dx[e] = softmax[e] * scale;
          for (let i = 0; i < n; i++) dx[i * m + y[i]] -= scale;
        });
      },
    };
  });
  return op(logits) as tf.Scalar;
}
