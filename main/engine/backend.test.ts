import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './backend.ts';
import { packageInstalled } from './testing/package-installed.ts';

const hasGpu = packageInstalled('@tensorflow/tfjs-node-gpu');

const saved = process.env.RELAXCERT_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.RELAXCERT_BACKEND;
  else process.env.RELAXCERT_BACKEND = saved;
});

describe('backend selection', () => {
  it('loads a forced backend and says which', async () => {
    process.env.RELAXCERT_BACKEND = 'cpu';
    expect(await selectBackend()).toMatchObject({ choice: 'cpu', tfName: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await selectBackend('wasm');
    expect(wasm.description).toContain('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('fails clearly when the forced backend cannot load or does not exist', async () => {
    // tfjs-node-gpu is an optional dependency, usually not installed.
    if (!hasGpu) {
      await expect(selectBackend('gpu')).rejects.toMatchObject({
        code: 'BACKEND_UNAVAILABLE',
        message: expect.stringContaining('gpu'),
      });
    }
    process.env.RELAXCERT_BACKEND = 'tpu';
    await expect(selectBackend()).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      field: 'RELAXCERT_BACKEND',
    });
  });

  it('without a choice picks the first that loads (GPU when installed, else WASM)', async () => {
    delete process.env.RELAXCERT_BACKEND;
    expect((await selectBackend()).choice).toBe(hasGpu ? 'gpu' : 'wasm');
  });
});
