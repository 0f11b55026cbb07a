/**
 * Training throughput of the engine (docs/PERFORMANCE.md): `dense-3x1000` MinMax affinity
 * GloRo with 2 power iterations a batch, and `cnn-c2f2` on 32×32×3 with 100 classes, standard
 * GloRo; batch 256, on WASM, with one replica and with two data-parallel replicas (one core
 * each), measured in the same run so their ratio is meaningful on a shared machine.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../main/engine/backend.ts';
import type { BackendChoice } from '../main/engine/backend.ts';
import { buildLayerPlan } from '../main/engine/model/layer-plan.ts';
import type { ArchitectureSpec, Guarantee } from '../shared/config/experiment.ts';
import { Network } from '../main/engine/model/network.ts';
import { headSpec, makeGloroHead } from '../main/engine/heads/gloro-head.ts';
import { Adam } from '../main/engine/train/adam.ts';
import { makeTrainStep } from '../main/engine/train/trainer.ts';
import { DataParallel } from '../main/engine/parallel/data-parallel.ts';
import { Rng } from '../main/engine/rng.ts';

export interface TrainBenchCase {
  name: string;
  arch: ArchitectureSpec;
  inputShape: number[];
  classes: number;
  guarantee: Guarantee;
  steps: number;
  warmup: number;
}

export const denseCase: TrainBenchCase = {
  name: 'dense-3x1000',
  arch: { name: 'dense-3x1000' },
  inputShape: [5],
  classes: 5,
  guarantee: {
    kind: 'affinity',
    sets: [
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 4],
    ],
  },
  steps: 12,
  warmup: 2,
};

export const cnnCase: TrainBenchCase = {
  name: 'cnn-c2f2',
  arch: { name: 'cnn-c2f2' },
  inputShape: [32, 32, 3],
  classes: 100,
  guarantee: { kind: 'standard' },
  steps: 2,
  warmup: 1,
};

export interface Throughput {
  /** Wall-clock samples per second. */
  wall: number;
  /**
   * Samples per second if every thread had a core to itself: batch·steps over the process CPU
   * time divided by the replica count. On a shared machine this is the figure to compare.
   */
  cpuEstimate: number;
}

/** Throughput of `steps` training steps (after `warmup` untimed ones). */
export async function trainThroughput(
  c: TrainBenchCase,
  backend: BackendChoice,
  replicas: number,
  batch = 256,
): Promise<Throughput> {
  await selectBackend(backend);
  const net = new Network(buildLayerPlan(c.arch, c.inputShape, c.classes), 1);
  const head = makeGloroHead(headSpec(c.guarantee, c.classes));
  const adam = new Adam(net.trainableVariables(), net.trainableKeys(), replicas > 1);
  const size = c.inputShape.reduce((a, b) => a * b, 1);
  const rng = new Rng(3);
  const x = Float32Array.from({ length: batch * size }, () => rng.normal());
  const y = Int32Array.from({ length: batch }, (_, i) => i % c.classes);
  let dp: DataParallel | undefined;
  if (replicas > 1) {
    dp = await DataParallel.start({
      backend,
      net,
      adam,
      head,
      seed: 1,
      powerIterations: 2,
      maxBatch: batch,
    });
    await dp.sync(net, adam);
  }
  const single = makeTrainStep(net, head, adam, 2);
  const step = (): void => {
    if (dp !== undefined) {
      dp.step(net, head, adam, x, y, batch, 1e-4, 0.01, undefined);
    } else {
      const loss = single(x, y, batch, 1e-4, 0.01);
      loss.dataSync();
      loss.dispose();
    }
  };
  for (let i = 0; i < c.warmup; i++) step();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < c.steps; i++) step();
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await dp?.close();
  adam.dispose();
  net.dispose();
  tf.disposeVariables();
  const samples = c.steps * batch;
  return { wall: samples / seconds, cpuEstimate: samples / (cpuSeconds / replicas) };
}

export default async function trainBench(): Promise<void> {
  for (const c of [denseCase, cnnCase]) {
    for (const replicas of [1, 2]) {
      const rate = await trainThroughput(c, 'wasm', replicas);
      const name = `train.${c.name}.${replicas === 1 ? 'wasm-1replica' : 'wasm'}`;
      console.log(`BENCH ${name} ${Math.round(rate.wall)} samples/s`);
      console.log(`BENCH ${name}.cpu-estimate ${Math.round(rate.cpuEstimate)} samples/s`);
    }
  }
}
