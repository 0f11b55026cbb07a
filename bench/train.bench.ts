/**
 * Training throughput of the engine (docs/PERFORMANCE.md): `dense-3x1000` MinMax affinity
 * GloRo with 2 power iterations a batch, and `cnn-c2f2` on 32×32×3 with 100 classes, standard
 * GloRo; batch 256, on WASM, with one replica and with two data-parallel replicas (one core
 * each), and with the native kernels (main/engine/native: dense products and MinMax in C++ on
 * all cores) when they are built, all in the same run so their ratios are meaningful on a
 * shared machine.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../main/engine/backend.ts';
import type { BackendChoice } from '../main/engine/backend.ts';
import { buildLayerPlan } from '../shared/config/layer-plan.ts';
import type { ArchitectureSpec, Guarantee } from '../shared/config/experiment.ts';
import { Network } from '../main/engine/model/network.ts';
import { makeGloroHead } from '../main/engine/heads/gloro-head.ts';
import { headSpec } from '../main/engine/heads/head-spec.ts';
import { Adam } from '../main/engine/train/adam.ts';
import { defaultReplicas, makeTrainStep } from '../main/engine/train/trainer.ts';
import { DataParallel } from '../main/engine/parallel/data-parallel.ts';
import { Rng } from '../main/engine/rng.ts';
import { nativeKernels } from '../main/engine/native/load.ts';
import { withNative } from './with-native.ts';
import { flopsQualifier, trainStepFlops } from './step-flops.ts';
import { measureSgemmPeak, sgemmGflops, sgemmProduct } from './sgemm-peak.ts';

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
  steps: 4,
  warmup: 1,
};

/** The cnn-c2f2 step on 28×28×1 images, 10 classes: the step of the 60,000-image epoch. */
export const cnn28Case: TrainBenchCase = {
  ...cnnCase,
  name: 'cnn-c2f2-28x28x1',
  inputShape: [28, 28, 1],
  classes: 10,
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

/**
 * Throughput of `steps` training steps (after `warmup` untimed ones). `native`: with the native
 * kernels (when built) or without (RELAXCERT_NATIVE=0, also in the helper replica).
 */
export async function trainThroughput(
  c: TrainBenchCase,
  backend: BackendChoice,
  replicas: number,
  batch = 256,
  native = false,
): Promise<Throughput> {
  return withNative(native, () => measure(c, backend, replicas, batch));
}

/** A training step of the case on random data, ready to run, and what ends it. */
async function prepareSteps(
  c: TrainBenchCase,
  backend: BackendChoice,
  replicas: number,
  batch: number,
): Promise<{ step: () => void; close: () => Promise<void> }> {
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
  const close = async (): Promise<void> => {
    await dp?.close();
    adam.dispose();
    net.dispose();
    tf.disposeVariables();
  };
  return { step, close };
}

async function measure(
  c: TrainBenchCase,
  backend: BackendChoice,
  replicas: number,
  batch: number,
): Promise<Throughput> {
  const { step, close } = await prepareSteps(c, backend, replicas, batch);
  for (let i = 0; i < c.warmup; i++) step();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < c.steps; i++) step();
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await close();
  const samples = c.steps * batch;
  // The native kernels run their products on every core: count their threads too.
  const threads = Math.max(replicas, nativeKernels()?.info().threads ?? 1);
  return { wall: samples / seconds, cpuEstimate: samples / (cpuSeconds / threads) };
}

/**
 * Steps of one replica on the native kernels, each followed by a 1024³ product timed apart
 * from it, so that steps and products meet the same moments of a host whose speed varies: the
 * ms of each, `steps` of both.
 */
async function interleavedSteps(
  c: TrainBenchCase,
  steps: number,
): Promise<{ stepMs: number[]; productMs: number[] }> {
  return withNative(true, async () => {
    const product = sgemmProduct();
    if (product === undefined) throw new Error('interleavedSteps needs the native kernels');
    const { step, close } = await prepareSteps(c, 'wasm', 1, 256);
    for (let i = 0; i < c.warmup; i++) step();
    product(); // warm-up
    const stepMs: number[] = [];
    const productMs: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      step();
      stepMs.push(performance.now() - t0);
      productMs.push(product());
    }
    await close();
    return { stepMs, productMs };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** GFLOP/s of training steps of batch 256 at `samplesPerSecond` (step-flops.ts counts them). */
function stepGflops(c: TrainBenchCase, samplesPerSecond: number): number {
  const flops = trainStepFlops(buildLayerPlan(c.arch, c.inputShape, c.classes), 256, 2);
  return (flops * samplesPerSecond) / 256 / 1e9;
}

export default async function trainBench(): Promise<void> {
  const native = nativeKernels() !== undefined;
  if (!native) console.log('train bench: native kernels not built, WASM figures only');
  for (const c of [denseCase, cnnCase]) {
    const runs: Array<[string, number, boolean]> = [
      ['wasm-1replica', 1, false],
      ['wasm', 2, false],
    ];
    if (native) runs.push(['native', 1, true], ['native-2replicas', 2, true]);
    const wall = new Map<string, number>();
    // Direct-equivalent rates for conv nets (step-flops.ts), against the peak too.
    const qualifier = flopsQualifier(buildLayerPlan(c.arch, c.inputShape, c.classes));
    // The default line is put against the SGEMM peak read right before and right after it, the
    // higher of the two: the host's speed moves by a third within minutes (docs/PERFORMANCE.md).
    const defaultLabel = defaultReplicas('wasm') > 1 ? 'native-2replicas' : 'native';
    const peaks: number[] = [];
    const readPeak = (): void => {
      const p = measureSgemmPeak();
      if (p !== undefined) peaks.push(p.gflops);
    };
    for (const [label, replicas, useNative] of runs) {
      if (label === defaultLabel) readPeak();
      const rate = await trainThroughput(c, 'wasm', replicas, 256, useNative);
      if (label === defaultLabel) readPeak();
      const name = `train.${c.name}.${label}`;
      wall.set(label, rate.wall);
      console.log(`BENCH ${name} ${Math.round(rate.wall)} samples/s`);
      console.log(
        `BENCH ${name}.gflops ${stepGflops(c, rate.wall).toFixed(1)} GFLOP/s${qualifier}`,
      );
      console.log(`BENCH ${name}.cpu-estimate ${Math.round(rate.cpuEstimate)} samples/s`);
    }
    const best = Math.max(wall.get('wasm') ?? 0, wall.get('wasm-1replica') ?? 0);
    const ours = wall.get(defaultLabel);
    if (ours !== undefined && best > 0) {
      console.log(`BENCH train.${c.name}.native-vs-best-wasm ${(ours / best).toFixed(2)} x`);
    }
    if (ours !== undefined && peaks.length === 2) {
      const peak = Math.max(...peaks);
      console.log(`BENCH sgemm.peak-1024 ${peak.toFixed(1)} GFLOP/s`);
      const share = (100 * stepGflops(c, ours)) / peak;
      console.log(`BENCH train.${c.name}.fraction-of-sgemm-peak ${share.toFixed(0)} %${qualifier}`);
    }
    if (native && defaultLabel === 'native') {
      // Medians of steps and products that alternated: both sides meet the same moments of the
      // host, where the best-of-12 peak above may come from a faster minute than the steps.
      const { stepMs, productMs } = await interleavedSteps(c, 2 * c.steps);
      const step = median(stepMs);
      const productGflops = sgemmGflops(1024, median(productMs));
      const share = (100 * stepGflops(c, (256 * 1000) / step)) / productGflops;
      console.log(
        `BENCH train.${c.name}.fraction-of-sgemm-interleaved ${share.toFixed(0)} %${qualifier}` +
          ` (median step ${step.toFixed(1)} ms, median 1024³ product ${productGflops.toFixed(1)} GFLOP/s)`,
      );
    }
  }
}
