/**
 * Reshape for the layers' activations, differentiable without a copy. tfjs' own Reshape saves
 * its input for the backward pass, only to read its shape, and saving clones: on WASM a full
 * copy of the activations (in cnn-c2f2 on 28×28×1: both space-to-depth layers' two reshapes
 * and the flatten, about 100 MB a step). This one keeps the shape in the closure; its value
 * shares the input's memory as tf.reshape's does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from './custom-grad.ts';

export function reshapeActivations<T extends tf.Tensor>(x: tf.Tensor, shape: number[]): T {
  const inShape = x.shape;
  const op = customGrad(([t]) => ({
    value: tf.reshape(t, shape),
    gradFunc: (dy: tf.Tensor) => tf.reshape(dy, inShape),
  }));
  return op(x) as T;
}
