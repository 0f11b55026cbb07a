import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataParallel } from './data-parallel.ts';
import { Network } from '../model/network.ts';
import { buildLayerPlan } from '../../../shared/config/layer-plan.ts';
import { makeGloroHead } from '../heads/gloro-head.ts';
import { headSpec } from '../heads/head-spec.ts';
import { Adam } from '../train/adam.ts';
import { makeTrainStep, train } from '../train/trainer.ts';
import type { ExperimentConfig } from '../../../shared/config/experiment.ts';
import type { EpochMetrics } from '../../../shared/api/run-types.ts';
import { clusters } from '../testing/synthetic.ts';
import { Rng } from '../rng.ts';
import { predictLogits } from '../train/epoch-metrics.ts';
import { allInputs, byteImages } from '../../data/inputs.ts';
import { useBackend } from '../testing/use-backend.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('data-parallel training (two WASM replicas)', () => {
  it('keeps the replicas identical and follows the single-replica step closely', async () => {
    await useBackend('wasm');
    const plan = buildLayerPlan({ name: 'dense-small', width: 16, depth: 2 }, [3], 4);
    const spec = headSpec({ kind: 'rtk', k: 2 }, 4);
    const rng = new Rng(1);
    const m = 33; // odd: unequal halves
    const x = Float32Array.from({ length: m * 3 }, () => rng.normal());
    const y = Int32Array.from({ length: m }, (_, i) => i % 4);

    const single = new Network(plan, 5);
    const singleAdam = new Adam(single.trainableVariables(), single.trainableKeys());
    const step = makeTrainStep(single, makeGloroHead(spec), singleAdam, 2);

    const net = new Network(plan, 5);
    const head = makeGloroHead(spec);
    const adam = new Adam(net.trainableVariables(), net.trainableKeys(), true);
    const dp = await DataParallel.start({
      backend: 'wasm',
      net,
      adam,
      head,
      seed: 5,
      powerIterations: 2,
      maxBatch: m,
    });
    try {
      await dp.sync(net, adam);
      for (let i = 0; i < 4; i++) {
        const a = step(x, y, m, 1e-2, 0.1);
        const lossSingle = a.dataSync()[0];
        a.dispose();
        const lossParallel = dp.step(net, head, adam, x, y, m, 1e-2, 0.1, undefined);
        expect(lossParallel).toBeCloseTo(lossSingle, 4);
      }
      const mine = await net.exportArrays();
      const helper = await dp.exportHelper();
      expect(helper.adamStep).toBe(4);
      mine.forEach((a, i) => expect(helper.arrays[i].data).toEqual(a.data));
      const ref = await single.exportArrays();
      ref.forEach((a, i) => {
        const d = a.data.reduce((mx, v, j) => Math.max(mx, Math.abs(v - mine[i].data[j])), 0);
        expect(d).toBeLessThan(1e-4);
      });
      // Logits on both replicas, the helper's half sent as image bytes, equal this thread's.
      const n = 21;
      const bytes = Uint8Array.from({ length: n * 3 }, () => rng.nextU32() & 255);
      const split = { n, x: byteImages(bytes, 3), y: new Int32Array(n) };
      const both = await dp.predict(net, split, 4);
      expect(both).toEqual(predictLogits(net, { ...split, x: allInputs(split) }));
    } finally {
      await dp.close();
      net.dispose();
      single.dispose();
    }
  });

  it('a resumed two-replica run equals an uninterrupted one', async () => {
    await useBackend('wasm');
    const dataset = clusters({ classes: 4, trainSize: 240, testSize: 80, seed: 3 });
    const config: ExperimentConfig = {
      name: 'dp',
      dataset: { kind: 'blobs-2d' },
      architecture: { name: 'dense-small', width: 16, depth: 2 },
      guarantee: {
        kind: 'affinity',
        sets: [
          [0, 1],
          [2, 3],
        ],
      },
      training: {
        epochs: 2,
        batchSize: 50,
        learningRate: '5e-3',
        loss: 'trades',
        tradesLambda: '0.5',
        epsilon: 0.1,
        powerIterations: 2,
        seed: 9,
      },
    };
    const runOnce = async (dir: string, resume: boolean, interruptBefore?: number) => {
      const epochs: EpochMetrics[] = [];
      const result = await train(
        {
          runId: 'r',
          runDir: dir,
          config,
          dataset,
          resume,
          replicas: 2,
          backend: 'wasm',
        },
        {
          progress: () => {},
          epoch: (e) => epochs.push(e),
          log: () => {},
          isCancelled: () => false,
          interruptBeforeEpoch: (e) => interruptBefore !== undefined && e >= interruptBefore,
        },
      );
      const arrays = result.net ? await result.net.exportArrays() : [];
      result.net?.dispose();
      return { epochs, arrays };
    };
    const mk = async () => {
      const d = await mkdtemp(join(tmpdir(), 'rc-dp-'));
      dirs.push(d);
      return d;
    };
    const full = await runOnce(await mk(), false);
    const dir = await mk();
    const first = await runOnce(dir, false, 1);
    const rest = await runOnce(dir, true);
    const strip = (e: EpochMetrics) => ({ ...e, seconds: 0, samplesPerSecond: 0 });
    expect([...first.epochs, ...rest.epochs].map(strip)).toEqual(full.epochs.map(strip));
    rest.arrays.forEach((a, i) => expect(a.data).toEqual(full.arrays[i].data));
    expect(full.epochs[1].estimatedGuaranteeVra).toBeGreaterThan(0.5);
    expect(tf.memory().numTensors).toBeLessThan(100);
  });
});
