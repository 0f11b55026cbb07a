/**
 * Adam's native loop (native/src/adam.cc) against the JavaScript one: the same weights and
 * moments bit for bit, for the single-replica update and the data-parallel combined update, so
 * a run resumed without the native kernels (or a replica without them) takes the same steps.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from './adam.ts';
import { Rng } from '../rng.ts';
import { nativeKernels } from '../native/load.ts';
import { useBackend } from '../testing/use-backend.ts';
import type { NamedArray } from '../model/network.ts';

const native = nativeKernels();

function makeAdam(
  seed: number,
  useNative: boolean,
  rows = 60,
): { adam: Adam; vars: tf.Variable[] } {
  const rng = new Rng(seed);
  const vars = [
    tf.variable(
      tf.tensor(
        Array.from({ length: rows * 50 }, () => rng.normal()),
        [rows, 50],
      ),
    ),
    tf.variable(
      tf.tensor(
        Array.from({ length: 50 }, () => rng.normal()),
        [50],
      ),
    ),
  ];
  const adam = new Adam(vars, ['w', 'b']);
  adam.useNative = useNative;
  return { adam, vars };
}

async function state(adam: Adam): Promise<number[][]> {
  const arrays: NamedArray[] = await adam.exportArrays();
  return [Array.from(adam.params), ...arrays.map((a) => Array.from(a.data))];
}

describe.skipIf(native === undefined)('native Adam', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('updates weights and moments exactly as the JavaScript loop does', async () => {
    const js = makeAdam(1, false);
    const nat = makeAdam(1, true);
    const rng = new Rng(2);
    const n = js.adam.layout.total;
    for (let t = 1; t <= 5; t++) {
      // Gradients of very different sizes, zeros included (v = 0: the ε branch).
      const g0 = Float32Array.from({ length: n }, (_, i) =>
        i % 7 === 0 ? 0 : rng.normal() * 10 ** ((i % 5) - 3),
      );
      const g1 = Float32Array.from({ length: n }, () => rng.normal());
      for (const { adam } of [js, nat]) {
        adam.update(g0, 1e-3 * t, t);
        // The data-parallel form on two ranges, as two replicas would.
        adam.updateCombined(g0, g1, 0.5078125, 0.4921875, 3e-4, t, 0, 1234);
        adam.updateCombined(g0, g1, 0.5078125, 0.4921875, 3e-4, t, 1234, n);
      }
    }
    const [a, b] = [await state(js.adam), await state(nat.adam)];
    const initial = js.vars[0].dataSync();
    expect(a[0].slice(0, initial.length).some((v, i) => v !== initial[i])).toBe(true); // moved
    expect(b).toEqual(a);
    tf.dispose([...js.vars, ...nat.vars]);
  });

  it.each(['cpu', 'wasm'] as const)(
    'apply() reads each gradient in place, writes the variables in the same pass and takes the same step as the JavaScript loop (%s)',
    async (backend) => {
      await useBackend(backend);
      const js = makeAdam(5, false);
      const nat = makeAdam(5, true);
      const rng = new Rng(6);
      for (let t = 1; t <= 3; t++) {
        const grads = js.vars.map((v) =>
          tf.tensor(
            Array.from({ length: v.size }, (_, i) => (i % 11 === 0 ? 0 : rng.normal())),
            v.shape,
          ),
        );
        js.adam.apply(grads, 1e-3);
        nat.adam.apply(grads, 1e-3);
        tf.dispose(grads);
      }
      expect(nat.adam.step).toBe(3);
      expect(await state(nat.adam)).toEqual(await state(js.adam));
      // The variables hold the updated weights.
      expect(Array.from(nat.vars[0].dataSync())).toEqual(Array.from(js.vars[0].dataSync()));
      expect(Array.from(nat.vars[1].dataSync())).toEqual(
        Array.from(nat.adam.params.subarray(nat.adam.layout.offsets[1])),
      );
      tf.dispose([...js.vars, ...nat.vars]);
      await useBackend('cpu');
    },
  );

  it.each([1, 2, 3])(
    'on %i thread(s) updates 400,000 parameters exactly as the JavaScript loop does',
    async (threads) => {
      const kernels = native as NonNullable<typeof native>;
      const saved = kernels.info().threads;
      kernels.setThreads(threads);
      try {
        const js = makeAdam(3, false, 8000);
        const nat = makeAdam(3, true, 8000);
        const rng = new Rng(4);
        const n = js.adam.layout.total;
        for (let t = 1; t <= 2; t++) {
          const g = Float32Array.from({ length: n }, () => rng.normal());
          for (const { adam } of [js, nat]) adam.update(g, 1e-3, t);
        }
        expect(Array.from(nat.adam.params)).toEqual(Array.from(js.adam.params));
        expect(await state(nat.adam)).toEqual(await state(js.adam));
        tf.dispose([...js.vars, ...nat.vars]);
      } finally {
        kernels.setThreads(saved);
      }
    },
  );
});
