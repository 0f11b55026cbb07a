/**
 * The gradient of the GloRo loss on a (part of a) batch: shared by every replica and by the
 * one-replica step (makeTrainStep).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Network } from '../model/network.ts';
import type { GloroHead } from '../heads/head-spec.ts';
import { gloroCrossEntropy, tradesLoss } from '../train/losses.ts';
import { releaseSavedViews } from '../ops/saved-views.ts';

/** Loss (mean over the m points) and its gradients in `net.trainableVariables()` order. */
export function lossGradients(
  net: Network,
  head: GloroHead,
  xs: Float32Array,
  ys: Int32Array,
  m: number,
  epsilon: number,
  lambda: number | undefined,
): { loss: tf.Scalar; grads: tf.Tensor[] } {
  const vars = net.trainableVariables();
  try {
    return tf.tidy(() => {
      const x = tf.tensor(xs, [m, ...net.plan.inputShape]);
      const y = tf.tensor1d(ys, 'int32');
      const { value, grads } = tf.variableGrads(() => {
        const { logits: f, k } = net.logitsAndLipschitz(x);
        const g = head.apply(f, k, epsilon);
        return lambda === undefined ? gloroCrossEntropy(g, y) : tradesLoss(f, g, y, lambda);
      }, vars);
      return { loss: value, grads: vars.map((v) => grads[v.name]) };
    });
  } finally {
    // Views kept for a backward pass that did not run (an error): none after a normal step.
    releaseSavedViews();
  }
}
