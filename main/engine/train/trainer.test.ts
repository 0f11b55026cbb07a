import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train } from './trainer.ts';
import type { TrainHooks, TrainRequest } from './trainer.ts';
import type { EpochMetrics } from '../../../shared/api/run-types.ts';
import type { ExperimentConfig, Guarantee } from '../../../shared/config/experiment.ts';
import { clusters } from '../testing/synthetic.ts';
import { allInputs, byteImages } from '../../data/inputs.ts';
import type { ByteImages, Split } from '../../data/types.ts';
import { useBackend } from '../testing/use-backend.ts';

const dirs: string[] = [];
async function runDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'rc-train-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const dataset = clusters({ classes: 6, trainSize: 480, testSize: 240, spread: 0.1, seed: 11 });

function config(epochs: number, guarantee: Guarantee = { kind: 'standard' }): ExperimentConfig {
  return {
    name: 't',
    dataset: { kind: 'blobs-2d' },
    architecture: { name: 'dense-small', width: 32, depth: 2 },
    guarantee,
    training: {
      epochs,
      batchSize: 48,
      learningRate: '5e-3',
      loss: 'crossentropy',
      epsilon: 0.1,
      powerIterations: 2,
      seed: 21,
    },
  };
}

function hooks(epochs: EpochMetrics[], tensors: number[]): TrainHooks {
  return {
    progress: () => {},
    epoch: (m) => {
      epochs.push(m);
      tensors.push(tf.memory().numTensors);
    },
    log: () => {},
    isCancelled: () => false,
  };
}

type RunRequest = Omit<TrainRequest, 'dataset' | 'runId'> & { interruptBefore?: number };

async function run({ interruptBefore, ...req }: RunRequest, data = dataset) {
  const epochs: EpochMetrics[] = [];
  const tensors: number[] = [];
  const injected = hooks(epochs, tensors);
  if (interruptBefore !== undefined) injected.interruptBeforeEpoch = (e) => e >= interruptBefore;
  const result = await train({ ...req, runId: 'r', dataset: data }, injected);
  const arrays = result.net ? await result.net.exportArrays() : [];
  result.net?.dispose();
  return { result, epochs, tensors, arrays };
}

describe.each(['wasm', 'cpu'] as const)('training on %s', (backend) => {
  it('reaches a VRA well above chance without leaking tensors', async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const { result, epochs, tensors } = await run({
      runDir: await runDir(),
      config: config(4),
      resume: false,
    });
    expect(result.status).toBe('done');
    expect(epochs).toHaveLength(4);
    // Chance is 1/6; a robustly separable set should be certified for most points.
    expect(epochs[3].estimatedStandardVra).toBeGreaterThan(0.6);
    expect(epochs[3].cleanAccuracy).toBeGreaterThanOrEqual(epochs[3].estimatedStandardVra);
    // What the engine sends (and the store writes to metrics.jsonl): every figure that needs a
    // Lipschitz bound is named as an estimate.
    expect(Object.keys(epochs[3]).sort()).toEqual(
      [
        'epoch',
        'trainLoss',
        'cleanAccuracy',
        'estimatedStandardVra',
        ...(epochs[3].estimatedGuaranteeVra === undefined ? [] : ['estimatedGuaranteeVra']),
        'estimatedRejectionRate',
        'estimatedLipschitz',
        'learningRate',
        'epsilon',
        'seconds',
        'samplesPerSecond',
      ].sort(),
    );
    expect(new Set(tensors).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('image bytes', () => {
  it('train exactly as the float32 values they stand for', async () => {
    await useBackend('wasm');
    // The clusters as 2×2 RGB "images", quantised to bytes with a per-channel table.
    const floats = clusters({ classes: 6, inputShape: [2, 2, 3], trainSize: 240, testSize: 96 });
    const toBytes = (s: Split): Split => {
      const bytes = Uint8Array.from(allInputs(s), (v) =>
        Math.max(0, Math.min(255, Math.round((v + 1.5) * 80))),
      );
      const images = byteImages(bytes, 3);
      images.table = images.table.map((_, k) => ((k & 255) + 0.1 * (k >> 8)) / 80 - 1.5);
      return { n: s.n, x: images, y: s.y };
    };
    const asBytes = { ...floats, train: toBytes(floats.train), test: toBytes(floats.test) };
    // The values the bytes stand for, computed here, not by the code under test.
    const toFloats = (s: Split): Split => {
      const { bytes, table } = s.x as ByteImages;
      return { ...s, x: Float32Array.from(bytes, (v, k) => table[(k % 3) * 256 + v]) };
    };
    const asFloats = { ...floats, train: toFloats(asBytes.train), test: toFloats(asBytes.test) };
    const a = await run({ runDir: await runDir(), config: config(2), resume: false }, asBytes);
    const b = await run({ runDir: await runDir(), config: config(2), resume: false }, asFloats);
    const strip = (m: EpochMetrics) => ({ ...m, seconds: 0, samplesPerSecond: 0 });
    expect(a.epochs.map(strip)).toEqual(b.epochs.map(strip));
    expect(a.epochs[1].cleanAccuracy).toBeGreaterThan(0.5);
    a.arrays.forEach((x, i) => expect(x.data).toEqual(b.arrays[i].data));
  });
});

describe('configuration errors', () => {
  it('checks the config with the shared validator, naming the field', async () => {
    await useBackend('cpu');
    const before = tf.memory().numTensors;
    const bad = config(1);
    bad.training.powerIterations = 0;
    await expect(run({ runDir: await runDir(), config: bad, resume: false })).rejects.toMatchObject(
      { code: 'INVALID_CONFIG', field: 'training.powerIterations' },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects affinity sets that do not fit the data before training', async () => {
    await useBackend('cpu');
    const epochs: EpochMetrics[] = [];
    await expect(
      run({
        runDir: await runDir(),
        config: config(1, { kind: 'affinity', sets: [[0, 9]] }),
        resume: false,
      }).then((r) => epochs.push(...r.epochs)),
    ).rejects.toMatchObject({ code: 'INVALID_AFFINITY' });
    expect(epochs).toHaveLength(0);
  });
});

describe('checkpoints', () => {
  it('refuses a checkpoint of another architecture and leaves no tensors behind', async () => {
    await useBackend('wasm');
    const dir = await runDir();
    await run({ runDir: dir, config: config(1), resume: false });
    const before = tf.memory().numTensors;
    const other = config(2);
    other.architecture = { name: 'dense-small', width: 16, depth: 2 };
    await expect(run({ runDir: dir, config: other, resume: true })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resuming after an interruption gives the same run as no interruption', async () => {
    await useBackend('wasm');
    const guarantee: Guarantee = { kind: 'rtk', k: 2 };
    const full = await run({ runDir: await runDir(), config: config(3, guarantee), resume: false });
    const dir = await runDir();
    const first = await run({
      runDir: dir,
      config: config(3, guarantee),
      resume: false,
      interruptBefore: 1,
    });
    expect(first.result.status).toBe('stopped');
    expect(first.epochs).toHaveLength(1);
    const rest = await run({ runDir: dir, config: config(3, guarantee), resume: true });
    expect(rest.epochs.map((m) => m.epoch)).toEqual([2, 3]);
    const strip = (m: EpochMetrics) => ({ ...m, seconds: 0, samplesPerSecond: 0 });
    expect([...first.epochs, ...rest.epochs].map(strip)).toEqual(full.epochs.map(strip));
    expect(rest.arrays.map((a) => a.name)).toEqual(full.arrays.map((a) => a.name));
    rest.arrays.forEach((a, i) => expect(a.data).toEqual(full.arrays[i].data));
  });
});
