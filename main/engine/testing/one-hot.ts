/**
 * Float one-hot. tfjs-backend-wasm 4.22 returns all zeros from oneHot when asked for a float32
 * result directly (measured), so build it as int32 and cast.
 */
import * as tf from '@tensorflow/tfjs-core';

export function oneHotFloat(indices: tf.Tensor, depth: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.oneHot(indices, depth), 'float32'));
}
