/**
 * The training-time estimate of the Lipschitz matrix (network.ts lipschitzMatrix), as one op
 * with its gradient written out:
 *
 *   n_l = ‖r_l‖ (r_l = A_l·u_l, the power-iteration row of hidden layer l), P = Π n_l,
 *   K[j, i] = ‖w_j − w_i‖ · P for j ≠ i, 0 on the diagonal (w_j: column j of the last layer's W).
 *
 * As tfjs ops this was 132 kernels forward and backward for dense-3x1000 (5 classes, three
 * hidden layers; a step's 200 became 68), 5.7 ms of a ~40 ms step, nearly all of it tfjs' work
 * per kernel (docs/PERFORMANCE.md). Here the C×C arithmetic runs in JavaScript in float64, and the two
 * products with W (the Gram matrix WᵀW and the gradient W·S) in the native kernels where they
 * are loaded (tfjs' own gradient of WᵀW uses a transposed-operand matMul that WASM runs slowly).
 * An estimate for training only: certificates use the proven bounds of main/engine/bounds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGradMulti } from './custom-grad.ts';
import { tensorFilledBy, valuesOf } from './wasm-heap.ts';
import { backwardViews, keepForBackward, releaseViews } from './saved-views.ts';
import { activeNative, nativeMatMul } from '../native/matmul.ts';

/** a·b for 2-D float32 tensors (op(a) = aᵀ with transA), native where loaded. */
function product(a: tf.Tensor, b: tf.Tensor, transA: boolean): tf.Tensor2D {
  if (activeNative() !== undefined) return nativeMatMul(a, b, transA, false);
  return tf.matMul((transA ? tf.transpose(a) : a) as tf.Tensor2D, b as tf.Tensor2D);
}

/** ‖r‖ of each row, summed in float64: the hidden layers' norm estimates n_l. */
export function rowNorms(rows: tf.Tensor[]): number[] {
  return rows.map((r) => {
    const values = valuesOf(r);
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
    return Math.sqrt(sum);
  });
}

const estimatedLipschitzOp = customGradMulti((inputs) => {
  const [w, ...rows] = inputs;
  const saved = keepForBackward(inputs);
  const c = w.shape[1] as number;
  const norms = rowNorms(rows);
  const prefix = norms.reduce((a, b) => a * b, 1);
  const g = product(w, w, true);
  const gv = valuesOf(g);
  // dist[j·C + i] = ‖w_j − w_i‖ from the Gram matrix; 0 where the squared distance rounds to ≤ 0.
  const dist = new Float64Array(c * c);
  for (let j = 0; j < c; j++) {
    for (let i = 0; i < c; i++) {
      const d2 = gv[j * c + j] + gv[i * c + i] - 2 * gv[j * c + i];
      dist[j * c + i] = i !== j && d2 > 0 ? Math.sqrt(d2) : 0;
    }
  }
  g.dispose();
  const k = tensorFilledBy([c, c], (out) => {
    for (let e = 0; e < c * c; e++) out[e] = dist[e] * prefix;
  });
  const p = tf.scalar(prefix);
  return {
    values: [k, p],
    gradFunc: ([dk, dp]) => {
      const [ws, ...rowViews] = backwardViews(saved);
      const dkv = valuesOf(dk);
      let dPrefix = valuesOf(dp)[0];
      for (let e = 0; e < c * c; e++) dPrefix += dkv[e] * dist[e];
      // ∂K/∂d2 = P / (2‖w_j − w_i‖); d2 = G_jj + G_ii − 2·G_ji, and dW = W·(dG + dGᵀ).
      const dd2 = new Float64Array(c * c);
      for (let e = 0; e < c * c; e++) dd2[e] = dist[e] > 0 ? (dkv[e] * prefix) / (2 * dist[e]) : 0;
      const symmetric = tensorFilledBy([c, c], (s) => {
        for (let j = 0; j < c; j++) {
          let diagonal = 0;
          for (let i = 0; i < c; i++) diagonal += dd2[j * c + i] + dd2[i * c + j];
          for (let i = 0; i < c; i++) {
            s[j * c + i] = i === j ? 2 * diagonal : -2 * (dd2[j * c + i] + dd2[i * c + j]);
          }
        }
      });
      const dw = product(ws, symmetric, false);
      symmetric.dispose();
      // ∂P/∂n_l = Π_{m≠l} n_m (a product, not P / n_l: a norm may be 0), ∂n_l/∂r_l = r_l / n_l.
      const drs = rowViews.map((r, l) => {
        const others = norms.reduce((a, n, m) => (m === l ? a : a * n), 1);
        const scale = norms[l] > 0 ? (dPrefix * others) / norms[l] : 0;
        return tensorFilledBy(r.shape, (out) => {
          const rv = valuesOf(r);
          for (let i = 0; i < rv.length; i++) out[i] = rv[i] * scale;
        });
      });
      releaseViews([ws, ...rowViews]);
      return [dw, ...drs];
    },
  };
});

/**
 * K [C, C] and the prefix P (the product of the hidden layers' norm estimates) from the last
 * layer's weights w [in, C] and the hidden layers' power-iteration rows, differentiable in w
 * and the rows.
 */
export function estimatedLipschitz(
  w: tf.Tensor2D,
  rows: tf.Tensor[],
): { k: tf.Tensor2D; prefix: tf.Scalar } {
  const [k, prefix] = estimatedLipschitzOp(w, ...rows);
  return { k: k as tf.Tensor2D, prefix: prefix as tf.Scalar };
}
