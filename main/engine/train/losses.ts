/**
 * Losses of GloRo training (PAPER.md, "Losses"), written with ops that have gradients on every
 * backend (no LogSoftmax kernel on WASM).
 */
import * as tf from '@tensorflow/tfjs-core';
import { softmaxCrossEntropy } from '../ops/softmax-cross-entropy.ts';
import { logSumExpRows } from '../ops/log-sum-exp.ts';

/** GloRo cross-entropy: over the C + 1 outputs of g, label y. */
export function gloroCrossEntropy(g: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return softmaxCrossEntropy(g, labels);
}

/**
 * TRADES for GloRo: CE(f, y) + λ·KL(p ‖ q), p = softmax(f) extended with 0 for ⊥, q =
 * softmax(g). Since g's first C outputs are f, log p_i − log q_i = lse(g) − lse(f) for every
 * i < C, so KL(p ‖ q) = lse(g) − lse(f) exactly: the probability mass q puts on ⊥, in log form.
 */
export function tradesLoss(
  f: tf.Tensor2D,
  g: tf.Tensor2D,
  labels: tf.Tensor1D,
  lambda: number,
): tf.Scalar {
  return tf.tidy(() => {
    const kl = tf.mean(tf.sub(logSumExpRows(g), logSumExpRows(f)));
    return tf.add(softmaxCrossEntropy(f, labels), tf.mul(kl, lambda)) as tf.Scalar;
  });
}
