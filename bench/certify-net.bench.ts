/**
 * Certification throughput of the ACAS Xu-size net (dense-3x1000, 5 inputs, 5 classes,
 * adjacent-advisory affinity sets): WASM forward pass for the logits on both cores (this thread
 * and a helper replica, one half each) plus the shared core's certify(). The sound Lipschitz
 * bounds and the helper's start are once per network (reported separately).
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../main/engine/backend.ts';
import { buildLayerPlan } from '../main/engine/model/layer-plan.ts';
import { Network } from '../main/engine/model/network.ts';
import { Adam } from '../main/engine/train/adam.ts';
import { headSpec, makeGloroHead } from '../main/engine/heads/gloro-head.ts';
import { DataParallel } from '../main/engine/parallel/data-parallel.ts';
import { soundLipschitz } from '../main/engine/evaluate.ts';
import { certify, toCertGuarantee } from '../shared/certify/index.ts';
import type { Guarantee } from '../shared/config/experiment.ts';
import { Rng } from '../main/engine/rng.ts';

export interface CertifyBenchResult {
  pointsPerSecond: number;
  cpuEstimate: number;
  boundSeconds: number;
  /** Starting the helper replica and sending it the weights (once per evaluation). */
  helperSeconds: number;
}

export async function certifyThroughput(n = 100_000, batch = 4096): Promise<CertifyBenchResult> {
  await selectBackend('wasm');
  const plan = buildLayerPlan({ name: 'dense-3x1000' }, [5], 5);
  const net = new Network(plan, 2);
  const guarantee: Guarantee = {
    kind: 'affinity',
    sets: [
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 4],
    ],
  };
  const rng = new Rng(4);
  const x = Float32Array.from({ length: n * 5 }, () => rng.next() - 0.5);
  const b0 = performance.now();
  const sound = soundLipschitz(plan, await net.exportArrays());
  const boundSeconds = (performance.now() - b0) / 1000;
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
  await dp.predict(net, x.subarray(0, 2 * batch * 5), 2 * batch, batch); // warm-up
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const logits = await dp.predict(net, x, n, batch);
  const out = certify(
    { logits, n, c: 5, lipschitz: sound.k, epsilon: 0.01 },
    toCertGuarantee(guarantee, 5),
  );
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  if (out.n !== n) throw new Error('certify lost points');
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
}
