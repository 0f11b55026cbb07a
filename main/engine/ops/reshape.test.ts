import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { reshapeActivations } from './reshape.ts';
import { spaceToDepth2 } from './space-to-depth.ts';
import { useBackend } from '../testing/use-backend.ts';
import { randomTensor } from '../testing/tensors.ts';

describe.each(['cpu', 'wasm'] as const)('reshapeActivations on %s', (backend) => {
  it('has the values and gradient of tf.reshape, and copies nothing for the backward pass', async () => {
    await useBackend(backend);
    const x = randomTensor([3, 4, 4, 2], 1);
    const dy = randomTensor([3, 32], 2);
    const loss = (r: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.mul(r(t), dy));
    const ours = (t: tf.Tensor) => reshapeActivations(t, [3, -1]);
    const theirs = (t: tf.Tensor) => tf.reshape(t, [3, -1]);
    expect(ours(x).shape).toEqual([3, 32]);
    expect(Array.from(ours(x).dataSync())).toEqual(Array.from(x.dataSync()));
    const gOurs = tf.grad(loss(ours))(x);
    expect(gOurs.shape).toEqual(x.shape);
    expect(Array.from(gOurs.dataSync())).toEqual(Array.from(tf.grad(loss(theirs))(x).dataSync()));
    // tfjs' Reshape clones its input for the backward pass (an Identity kernel); this one does not.
    const copiesOf = async (r: (t: tf.Tensor) => tf.Tensor) => {
      const info = await tf.profile(() => tf.grad(loss(r))(x));
      return info.kernels.filter((k) => k.name === 'Identity' && k.inputShapes[0]?.length === 4);
    };
    expect(await copiesOf(theirs)).toHaveLength(1);
    expect(await copiesOf(ours)).toHaveLength(0);
  });

  it('keeps space-to-depth a permutation with the matching gradient', async () => {
    await useBackend(backend);
    const x = randomTensor([2, 4, 6, 3], 3);
    const y = spaceToDepth2(x as tf.Tensor4D);
    expect(y.shape).toEqual([2, 2, 3, 12]);
    const sorted = (t: tf.Tensor) => Array.from(t.dataSync()).sort((a, b) => a - b);
    expect(sorted(y)).toEqual(sorted(x));
    // The gradient of <s2d(x), dy> is s2d⁻¹(dy): the same permutation backwards.
    const dy = randomTensor([2, 2, 3, 12], 4);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(spaceToDepth2(t as tf.Tensor4D), dy)))(x);
    expect(Array.from(spaceToDepth2(g as tf.Tensor4D).dataSync())).toEqual(
      Array.from(dy.dataSync()),
    );
  });
});
