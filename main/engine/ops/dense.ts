/**
 * Dense layer y = x·W + b with a hand-written gradient: tfjs derives dx and dW with matMul
 * transpose flags, which the WASM backend runs ~7–12× slower than a matMul after an explicit
 * tf.transpose (docs/PERFORMANCE.md), so the backward pass transposes explicitly. With the
 * native kernels (main/engine/native) all three products run natively, transposes included.
 *
 * `inputGradient: false` (the network's first layer in training, as for conv2d): the backward
 * pass returns zeros for x instead of dy·Wᵀ, a product as large as the layer's forward pass
 * for a first layer on images (784 or 3,072 inputs).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad, customGradMulti } from './custom-grad.ts';
import {
  activeNative,
  nativeColumnSums,
  nativeMatMul,
  nativeStackedGradient,
} from '../native/matmul.ts';
import { backwardViews, keepForBackward, releaseViews } from './saved-views.ts';

export interface DenseOptions {
  /** false: zeros for x's gradient, for inputs nothing differentiates (the data). */
  inputGradient?: boolean;
}

function makeDenseOp(inputGradient: boolean) {
  return customGrad(([x, w, b]) => {
    const x2 = x as tf.Tensor2D;
    const w2 = w as tf.Tensor2D;
    const saved = keepForBackward([x2, w2]);
    // A plain matMul plus a bias add costs less CPU than tf.fused.matMul on WASM (measured).
    const value = tf.add(tf.matMul(x2, w2), b);
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const [xs, ws] = backwardViews(saved) as [tf.Tensor2D, tf.Tensor2D];
        const dy2 = dy as tf.Tensor2D;
        // dx = dy·Wᵀ computed as (W·dyᵀ)ᵀ: XNNPACK packs the right operand on every call, and
        // dyᵀ (batch × out) is much smaller than Wᵀ (in × out); ~40% less CPU (measured).
        const dx = inputGradient
          ? tf.transpose(tf.matMul(ws, tf.transpose(dy2)))
          : tf.zeros(xs.shape);
        const dw = tf.matMul(tf.transpose(xs), dy2);
        const db = tf.sum(dy2, 0);
        releaseViews([xs, ws]);
        return [dx, dw, db];
      },
    };
  });
}

function makeDenseNativeOp(inputGradient: boolean) {
  return customGrad(([x, w, b]) => {
    const saved = keepForBackward([x, w]);
    return {
      value: nativeMatMul(x, w, false, false, b),
      gradFunc: (dy: tf.Tensor) => {
        const [xs, ws] = backwardViews(saved);
        const grads = [
          inputGradient ? nativeMatMul(dy, ws, false, true) : tf.zeros(xs.shape), // dy·Wᵀ
          nativeMatMul(xs, dy, true, false), // xᵀ·dy
          nativeColumnSums(dy),
        ];
        releaseViews([xs, ws]);
        return grads;
      },
    };
  });
}

/**
 * The layer and the row u·W of its norm estimate (no bias) as one op, so that the backward pass
 * gets both gradients at once: W's is then one product, [x; u]ᵀ·[dy; dr].
 */
function makeDenseWithRowNativeOp(inputGradient: boolean) {
  return customGradMulti(([x, w, b, u]) => {
    const saved = keepForBackward([x, w, u]);
    return {
      values: [nativeMatMul(x, w, false, false, b), nativeMatMul(u, w)],
      gradFunc: ([dy, dr]) => {
        const [xs, ws, us] = backwardViews(saved);
        const grads = [
          inputGradient ? nativeMatMul(dy, ws, false, true) : tf.zeros(xs.shape),
          nativeStackedGradient(xs, us, dy, dr),
          nativeColumnSums(dy),
          tf.zerosLike(us), // u is a constant (the power iteration's iterate)
        ];
        releaseViews([xs, ws, us]);
        return grads;
      },
    };
  });
}

/** Each op with and without the input gradient, made once. */
const denseOps = [makeDenseOp(false), makeDenseOp(true)];
const denseNativeOps = [makeDenseNativeOp(false), makeDenseNativeOp(true)];
const denseWithRowNativeOps = [makeDenseWithRowNativeOp(false), makeDenseWithRowNativeOp(true)];

/**
 * A hidden dense layer y = x·W + b and r = u·W for the iterate u [1, in] of its norm estimate
 * ‖u·W‖, differentiable in x, W and b; native kernels only (activeNative()).
 */
export function denseWithNormRow(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  u: tf.Tensor2D,
  { inputGradient = true }: DenseOptions = {},
): { y: tf.Tensor2D; r: tf.Tensor2D } {
  if (activeNative() === undefined) throw new Error('denseWithNormRow needs the native kernels');
  const [y, r] = denseWithRowNativeOps[Number(inputGradient)](x, w, b, u);
  return { y: y as tf.Tensor2D, r: r as tf.Tensor2D };
}

/** x: [n, in], w: [in, out], b: [out] → [n, out]; native kernels when they are available. */
export function dense(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  { inputGradient = true }: DenseOptions = {},
): tf.Tensor2D {
  const ops = activeNative() !== undefined ? denseNativeOps : denseOps;
  return ops[Number(inputGradient)](x, w, b) as tf.Tensor2D;
}

/** The same with tfjs ops only (the path without native kernels, and their reference). */
export function denseTf(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  { inputGradient = true }: DenseOptions = {},
): tf.Tensor2D {
  return denseOps[Number(inputGradient)](x, w, b) as tf.Tensor2D;
}
