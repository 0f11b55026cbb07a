/**
 * Certification throughput of the ACAS Xu-size net (dense-3x1000, 5 inputs, 5 classes,
 * adjacent-advisory affinity sets): WASM forward pass for the logits on both cores (this thread
 * and a helper replica, one half each) plus the shared core's certify(); and, when they are
 * built, the native kernels' forward pass (one replica, the products on all cores), in the same
 * run. The sound Lipschitz bounds and the helper's start are once per network (reported
 * separately).
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../main/engine/backend.ts';
import { buildLayerPlan } from '../shared/config/layer-plan.ts';
import { Network } from '../main/engine/model/network.ts';
import { Adam } from '../main/engine/train/adam.ts';
import { makeGloroHead } from '../main/engine/heads/gloro-head.ts';
import { headSpec } from '../main/engine/heads/head-spec.ts';
import { DataParallel } from '../main/engine/parallel/data-parallel.ts';
import { soundLipschitz } from '../main/engine/evaluate.ts';
import { certify, toCertGuarantee } from '../shared/certify/index.ts';
import type { Guarantee } from '../shared/config/experiment.ts';
import { Rng } from '../main/engine/rng.ts';
import { nativeKernels } from '../main/engine/native/load.ts';
import { predictLogits } from '../main/engine/train/epoch-metrics.ts';
import { withNative } from './with-native.ts';

export interface CertifyBenchResult {
  pointsPerSecond: number;
  cpuEstimate: number;
  boundSeconds: number;
  /** Starting the helper replica and sending it the weights (once per evaluation). */
  helperSeconds: number;
}

/** `native`: the native kernels on one replica; else WASM on two replicas (RELAXCERT_NATIVE=0). */
export async function certifyThroughput(
  n = 100_000,
  batch = 4096,
  native = false,
): Promise<CertifyBenchResult> {
  return withNative(native, () => (native ? measureNative(n, batch) : measure(n, batch)));
}

const guarantee: Guarantee = {
  kind: 'affinity',
  sets: [
    [0, 1],
    [0, 2],
    [1, 3],
    [2, 4],
  ],
};

/** The seeded ACAS Xu-size net, n random inputs, and its proven bounds (timed). */
async function setup(n: number) {
  await selectBackend('wasm');
  const plan = buildLayerPlan({ name: 'dense-3x1000' }, [5], 5);
  const net = new Network(plan, 2);
  const rng = new Rng(4);
  const x = Float32Array.from({ length: n * 5 }, () => rng.next() - 0.5);
  const b0 = performance.now();
  const sound = soundLipschitz(plan, await net.exportArrays());
  return { net, x, sound, boundSeconds: (performance.now() - b0) / 1000 };
}

/** The shared core's certification of the logits, as part of the timed work. */
function certifyAll(logits: Float32Array, n: number, lipschitz: Float64Array): void {
  const out = certify({ logits, n, c: 5, lipschitz, epsilon: 0.01 }, toCertGuarantee(guarantee, 5));
  if (out.n !== n) throw new Error('certify lost points');
}

async function measureNative(n: number, batch: number): Promise<CertifyBenchResult> {
  const { net, x, sound, boundSeconds } = await setup(n);
  const split = (m: number) => ({ n: m, x: x.subarray(0, m * 5), y: new Int32Array(m) });
  predictLogits(net, split(2 * batch), batch); // warm-up
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const logits = predictLogits(net, split(n), batch);
  certifyAll(logits, n, sound.k);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  net.dispose();
  tf.disposeVariables();
  const threads = nativeKernels()?.info().threads ?? 1;
  return {
    pointsPerSecond: n / seconds,
    cpuEstimate: n / ((cpu.user + cpu.system) / 1e6 / threads),
    boundSeconds,
    helperSeconds: 0,
  };
}

async function measure(n: number, batch: number): Promise<CertifyBenchResult> {
  const { net, x, sound, boundSeconds } = await setup(n);
  // Both cores: the helper replica predicts the second half (started once per evaluation).
  const s0 = performance.now();
  const adam = new Adam(net.trainableVariables(), net.trainableKeys(), true);
  const head = makeGloroHead(headSpec(guarantee, 5));
  const dp = await DataParallel.start({
    backend: 'wasm',
    net,
    adam,
    head,
    seed: 2,
    powerIterations: 0,
    maxBatch: 2,
  });
  await dp.sync(net, adam);
  const helperSeconds = (performance.now() - s0) / 1000;
  const warm = 2 * batch;
  await dp.predict(net, { n: warm, x: x.subarray(0, warm * 5), y: new Int32Array(warm) }, batch);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const logits = await dp.predict(net, { n, x, y: new Int32Array(n) }, batch);
  certifyAll(logits, n, sound.k);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  await dp.close();
  net.dispose();
  tf.disposeVariables();
  return {
    pointsPerSecond: n / seconds,
    // Two threads share the work: per-core CPU is half the process's.
    cpuEstimate: n / ((cpu.user + cpu.system) / 1e6 / 2),
    boundSeconds,
    helperSeconds,
  };
}

export default async function certifyNetBench(): Promise<void> {
  const r = await certifyThroughput();
  console.log(`BENCH certify.dense-3x1000.wasm ${Math.round(r.pointsPerSecond)} points/s`);
  console.log(`BENCH certify.dense-3x1000.wasm.cpu-estimate ${Math.round(r.cpuEstimate)} points/s`);
  console.log(`BENCH certify.dense-3x1000.sound-bounds ${r.boundSeconds.toFixed(2)} s`);
  console.log(`BENCH certify.dense-3x1000.helper-start ${r.helperSeconds.toFixed(2)} s`);
  if (nativeKernels() === undefined) {
    console.log('certify bench: native kernels not built, WASM figures only');
    return;
  }
  // Batches of 1024 keep each layer's activations (4 MB) in cache: faster than 4096 natively.
  const nat = await certifyThroughput(100_000, 1024, true);
  console.log(`BENCH certify.dense-3x1000.native ${Math.round(nat.pointsPerSecond)} points/s`);
  console.log(
    `BENCH certify.dense-3x1000.native.cpu-estimate ${Math.round(nat.cpuEstimate)} points/s`,
  );
  console.log(
    `BENCH certify.dense-3x1000.native-vs-wasm ${(nat.pointsPerSecond / r.pointsPerSecond).toFixed(2)} x`,
  );
}
