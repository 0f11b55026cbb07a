/**
 * The custom-gradient ops keep what their backward pass reads as views of the same memory
 * (saved-views.ts), not as tfjs' copies: no Identity kernel runs, nothing is left kept after a
 * gradient, nothing is kept without a tape, and leftovers are released. Run with and without
 * the native kernels (RELAXCERT_NATIVE=0: the tfjs ops of the WASM fallback).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { dense } from './dense.ts';
import { conv2d } from './conv2d.ts';
import type { ConvGeometry } from './conv2d.ts';
import { releaseSavedViews, savedViewCount } from './saved-views.ts';
import { useBackend } from '../testing/use-backend.ts';
import { randomTensor } from '../testing/tensors.ts';
import { nativeKernels } from '../native/load.ts';

const g: ConvGeometry = { kh: 3, kw: 3, stride: 1, padding: 'same' };
const savedEnv = process.env.RELAXCERT_NATIVE;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.RELAXCERT_NATIVE;
  else process.env.RELAXCERT_NATIVE = savedEnv;
});

const paths = nativeKernels() === undefined ? ['tfjs'] : ['tfjs', 'native'];

describe.each(paths)('saved views, %s ops', (path) => {
  /** conv → dense on a small batch, with every weight a variable. */
  async function setup() {
    if (path === 'tfjs') process.env.RELAXCERT_NATIVE = '0';
    else delete process.env.RELAXCERT_NATIVE;
    await useBackend('wasm');
    const x = randomTensor([2, 6, 6, 3], 1) as tf.Tensor4D;
    const f = tf.variable(randomTensor([3, 3, 3, 4], 2));
    const b = tf.variable(randomTensor([4], 3));
    const w = tf.variable(randomTensor([6 * 6 * 4, 5], 4));
    const c = tf.variable(randomTensor([5], 5));
    const forward = () => {
      const h = conv2d(x, f as tf.Tensor4D, b as tf.Tensor1D, g);
      return dense(tf.reshape(h, [2, -1]) as tf.Tensor2D, w as tf.Tensor2D, c as tf.Tensor1D);
    };
    const dispose = () => tf.dispose([x, f, b, w, c]);
    return { forward, dispose, vars: [f, b, w, c] };
  }

  it('a gradient copies no saved tensor and leaves nothing kept', async () => {
    const { forward, dispose, vars } = await setup();
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(forward())), vars);
      tf.dispose([value, ...Object.values(grads)]);
    });
    // tfjs' own kernels clone what they save (Reshape and Square here): only the shapes the
    // two layers save (conv: x and filter; dense: x and w) must never be copied.
    const ours = ['2,6,6,3', '3,3,3,4', '2,144', '144,5'];
    const copies = info.kernels.filter((k) => k.name === 'Identity');
    expect(copies.length).toBeGreaterThan(0);
    expect(copies.filter((k) => ours.includes(k.inputShapes[0]?.join(',') ?? ''))).toEqual([]);
    expect(savedViewCount()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it('gradients equal those of a fresh input (the views read the values of the forward pass)', async () => {
    const { forward, dispose, vars } = await setup();
    const grads = () =>
      tf.tidy(() => {
        const { value, grads: gr } = tf.variableGrads(() => tf.sum(tf.square(forward())), vars);
        value.dispose();
        return vars.map((v) => Array.from(gr[v.name].dataSync()));
      });
    const first = grads();
    expect(first.every((a) => a.some((v) => v !== 0))).toBe(true);
    expect(grads()).toEqual(first);
    dispose();
  });

  it('keeps nothing without a tape', async () => {
    const { forward, dispose } = await setup();
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      forward();
    });
    expect(savedViewCount()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it('releases the views of a backward pass that never ran', async () => {
    const { forward, dispose, vars } = await setup();
    const before = tf.memory().numTensors;
    // The layers' outputs do not reach the loss: tfjs skips their backward passes.
    const { value, grads } = tf.variableGrads(
      () => {
        forward();
        return tf.sum(tf.square(vars[2]));
      },
      vars.slice(2, 3),
    );
    tf.dispose([value, ...Object.values(grads)]);
    expect(savedViewCount()).toBe(4);
    releaseSavedViews();
    expect(savedViewCount()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });
});
