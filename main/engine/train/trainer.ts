/**
 * The training loop: GloRo (RTK / affinity) training with Adam, schedules, per-batch progress,
 * per-epoch test metrics and checkpoints. Deterministic for a given seed, data and backend:
 * initialisation and shuffling use our own seeded RNG, whose state is checkpointed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import type { BackendChoice } from '../backend.ts';
import { DataParallel } from '../parallel/data-parallel.ts';
import { nativeKernels } from '../native/load.ts';
import type { ArchitectureSpec, ExperimentConfig } from '../../../shared/config/experiment.ts';
import type { BatchProgress, EpochMetrics } from '../../../shared/api/run-types.ts';
import { RelaxCertError } from '../../../shared/errors.ts';
import { gatherRows } from '../../data/inputs.ts';
import type { LoadedDataset } from '../../data/types.ts';
import { buildLayerPlan, isConvolutional } from '../../../shared/config/layer-plan.ts';
import { Network } from '../model/network.ts';
import { headSpec, makeGloroHead } from '../heads/gloro-head.ts';
import type { GloroHead } from '../heads/gloro-head.ts';
import { gloroCrossEntropy, tradesLoss } from './losses.ts';
import { Adam } from './adam.ts';
import { Rng } from '../rng.ts';
import { makeSchedule } from './schedules.ts';
import { loadCheckpoint, saveCheckpoint } from '../../store/checkpoint-file.ts';
import { testMetrics } from './epoch-metrics.ts';
import { toCertGuarantee } from '../../../shared/certify/index.ts';
import { PARALLEL_PREDICT_MIN_WORK, predictWork } from '../parallel/parallel-predict.ts';

export interface TrainHooks {
  progress(p: BatchProgress): void;
  epoch(m: EpochMetrics): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Polled after every batch; true stops the run (the last checkpoint stays). */
  isCancelled(): boolean;
}

export interface TrainRequest {
  runId: string;
  runDir: string;
  config: ExperimentConfig;
  dataset: LoadedDataset;
  resume: boolean;
  /** Test hook: stop (as if interrupted) after this many epochs in total. */
  stopAfterEpochs?: number;
  /**
   * Data-parallel replicas (1 or 2) and the backend they load; default from
   * RELAXCERT_REPLICAS, else defaultReplicas(). Results depend on the replica count
   * (each half-batch gradient is summed separately), so a resumed run must use the same.
   */
  replicas?: number;
  backend?: BackendChoice;
}

/**
 * RELAXCERT_REPLICAS (1 or 2) if set; else 2 on WASM with ≥ 2 cores, except for dense nets when
 * the native kernels are loaded: their products use every core already, and a second replica
 * only added per-batch barriers (slower), while conv nets, whose im2col, MinMax and tfjs
 * remainder run on one thread, still gained (docs/PERFORMANCE.md, "Native kernels").
 */
export function defaultReplicas(
  backend: BackendChoice | undefined,
  arch?: ArchitectureSpec,
): number {
  const fromEnv = Number(process.env.RELAXCERT_REPLICAS);
  if (fromEnv === 1 || fromEnv === 2) return fromEnv;
  if (backend !== 'wasm' || availableParallelism() < 2) return 1;
  if (nativeKernels() !== undefined && (arch === undefined || !isConvolutional(arch))) return 1;
  return 2;
}

export interface TrainResult {
  status: 'done' | 'cancelled' | 'stopped';
  /** The trained network (caller disposes); absent when cancelled. */
  net?: Network;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function planKey(config: ExperimentConfig, dataset: LoadedDataset): string {
  return JSON.stringify({
    arch: config.architecture,
    input: dataset.inputShape,
    classes: dataset.classNames.length,
  });
}

export function validateTraining(config: ExperimentConfig): void {
  const t = config.training;
  const bad = (field: string, message: string): never => {
    throw new RelaxCertError('INVALID_CONFIG', message, { field: `training.${field}` });
  };
  if (!Number.isInteger(t.epochs) || t.epochs < 1)
    bad('epochs', `epochs must be ≥ 1 (got ${t.epochs})`);
  if (!Number.isInteger(t.batchSize) || t.batchSize < 1)
    bad('batchSize', `batch size must be ≥ 1 (got ${t.batchSize})`);
  if (!(t.epsilon >= 0)) bad('epsilon', `ε must be ≥ 0 (got ${t.epsilon})`);
  if (!Number.isInteger(t.powerIterations) || t.powerIterations < 0) {
    bad('powerIterations', `power iterations must be ≥ 0 (got ${t.powerIterations})`);
  }
  if (t.loss === 'trades' && t.tradesLambda === undefined)
    bad('tradesLambda', 'TRADES needs a λ schedule');
}

/**
 * One optimisation step: power iterations, forward, GloRo head, loss, gradients, Adam. Returns
 * the loss tensor (caller reads and disposes it). Shared by the trainer and the benchmarks.
 */
export function makeTrainStep(
  net: Network,
  head: GloroHead,
  adam: Adam,
  powerIterations: number,
): (
  x: Float32Array,
  y: Int32Array,
  m: number,
  lr: number,
  eps: number,
  lambda?: number,
) => tf.Scalar {
  const vars = net.trainableVariables();
  const inputShape = net.plan.inputShape;
  return (xs, ys, m, lr, eps, lambda) => {
    net.powerIterate(powerIterations);
    return tf.tidy(() => {
      const x = tf.tensor(xs, [m, ...inputShape]);
      const y = tf.tensor1d(ys, 'int32');
      const { value, grads } = tf.variableGrads(() => {
        const f = net.forward(x);
        const { k } = net.lipschitzMatrix();
        const g = head.apply(f, k, eps);
        return lambda === undefined ? gloroCrossEntropy(g, y) : tradesLoss(f, g, y, lambda);
      }, vars);
      adam.apply(
        vars.map((v) => grads[v.name]),
        lr,
      );
      return value;
    });
  };
}

export async function train(req: TrainRequest, hooks: TrainHooks): Promise<TrainResult> {
  const { config, dataset } = req;
  validateTraining(config);
  const t = config.training;
  const c = dataset.classNames.length;
  // Fail before training, not after the first epoch, on sets that do not fit the data.
  toCertGuarantee(config.guarantee, c);
  const plan = buildLayerPlan(config.architecture, dataset.inputShape, c);
  const key = planKey(config, dataset);
  const net = new Network(plan, t.seed);
  const vars = net.trainableVariables();
  const replicas = req.replicas ?? defaultReplicas(req.backend, config.architecture);
  const parallel =
    replicas > 1 && req.backend !== undefined && Math.min(t.batchSize, dataset.train.n) > 1;
  const adam = new Adam(vars, net.trainableKeys(), parallel);
  let rng = new Rng((t.seed ^ 0x5bd1e995) >>> 0);
  const head = makeGloroHead(headSpec(config.guarantee, c));
  const single = makeTrainStep(net, head, adam, t.powerIterations);
  const lrOf = makeSchedule(t.learningRate, 'training.learningRate');
  const lambdaOf =
    t.loss === 'trades' ? makeSchedule(t.tradesLambda ?? '', 'training.tradesLambda') : undefined;
  const epsOf =
    t.epsilonSchedule !== undefined
      ? makeSchedule(t.epsilonSchedule, 'training.epsilonSchedule')
      : () => t.epsilon;

  let dp: DataParallel | undefined;
  try {
    let startEpoch = 0;
    if (req.resume) {
      const ck = await loadCheckpoint(req.runDir);
      if (ck !== undefined) {
        if (ck.planKey !== key) {
          throw new RelaxCertError(
            'CONFLICT',
            'the checkpoint belongs to another architecture or dataset',
            {
              file: `${req.runDir}/checkpoints/latest.ckpt`,
            },
          );
        }
        net.importArrays(ck.arrays);
        adam.importArrays(ck.arrays, ck.adamStep);
        rng = new Rng(Uint32Array.from(ck.rngState));
        startEpoch = ck.epoch;
        hooks.log('info', `resumed from the checkpoint after epoch ${ck.epoch}`);
      }
    }

    const train = dataset.train;
    if (parallel && req.backend !== undefined) {
      dp = await DataParallel.start({
        backend: req.backend,
        net,
        adam,
        head,
        seed: t.seed,
        powerIterations: t.powerIterations,
        maxBatch: Math.min(t.batchSize, train.n),
      });
      await dp.sync(net, adam);
      hooks.log('info', 'data-parallel training on 2 replicas');
    }
    const step = (
      xs: Float32Array,
      ys: Int32Array,
      m: number,
      lr: number,
      eps: number,
      lambda?: number,
    ): number => {
      if (dp !== undefined) return dp.step(net, head, adam, xs, ys, m, lr, eps, lambda);
      const value = single(xs, ys, m, lr, eps, lambda);
      const loss = value.dataSync()[0];
      value.dispose();
      return loss;
    };
    const size = plan.inputShape.reduce((a, b) => a * b, 1);
    const bs = Math.min(t.batchSize, train.n);
    const batches = Math.ceil(train.n / bs);
    const order = new Int32Array(train.n);
    const xBuf = new Float32Array(bs * size);
    const yBuf = new Int32Array(bs);

    const finish = async (status: TrainResult['status']): Promise<TrainResult> => {
      await dp?.close();
      adam.dispose();
      if (status === 'cancelled') {
        net.dispose();
        return { status };
      }
      return { status, net };
    };

    for (let epoch = startEpoch; epoch < t.epochs; epoch++) {
      if (req.stopAfterEpochs !== undefined && epoch >= req.stopAfterEpochs)
        return await finish('stopped');
      const lr = lrOf(epoch, t.epochs);
      const lambda = lambdaOf?.(epoch, t.epochs);
      const eps = epsOf(epoch, t.epochs);
      for (let i = 0; i < train.n; i++) order[i] = i;
      rng.shuffle(order);
      const epochStart = performance.now();
      let lossSum = 0;
      let seen = 0;
      for (let b = 0; b < batches; b++) {
        const batchStart = performance.now();
        const start = b * bs;
        const m = Math.min(bs, train.n - start);
        gatherRows(train, order, start, m, size, xBuf);
        for (let r = 0; r < m; r++) yBuf[r] = train.y[order[start + r]];
        const loss = step(xBuf.subarray(0, m * size), yBuf.subarray(0, m), m, lr, eps, lambda);
        if (!Number.isFinite(loss)) {
          throw new RelaxCertError(
            'INVALID_INPUT',
            `training diverged: loss is ${loss} at epoch ${epoch + 1}, batch ${b + 1}`,
            {
              field: 'training.learningRate',
            },
          );
        }
        lossSum += loss * m;
        seen += m;
        hooks.progress({
          runId: req.runId,
          epoch,
          batch: b,
          batchesPerEpoch: batches,
          loss,
          samplesPerSecond: m / ((performance.now() - batchStart) / 1000),
        });
        await yieldToEventLoop();
        if (hooks.isCancelled()) return await finish('cancelled');
      }
      const seconds = (performance.now() - epochStart) / 1000;
      const helper = dp;
      const { metrics, maxK } = await testMetrics(
        net,
        dataset.test,
        config.guarantee,
        eps,
        helper === undefined || predictWork(net, dataset.test.n) < PARALLEL_PREDICT_MIN_WORK
          ? undefined
          : (s) => helper.predict(net, s),
      );
      const em: EpochMetrics = {
        epoch: epoch + 1,
        trainLoss: lossSum / Math.max(1, seen),
        cleanAccuracy: metrics.cleanAccuracy,
        vra: metrics.standardVra,
        rejectionRate: metrics.rejectionRate,
        lipschitz: maxK,
        learningRate: lr,
        epsilon: eps,
        seconds,
        samplesPerSecond: train.n / seconds,
      };
      if (config.guarantee.kind === 'rtk') em.rtkVra = metrics.guaranteeVra;
      if (config.guarantee.kind === 'affinity') em.affinityVra = metrics.guaranteeVra;
      if (lambda !== undefined) em.lambda = lambda;
      await saveCheckpoint(req.runDir, {
        epoch: epoch + 1,
        adamStep: adam.step,
        rngState: Array.from(rng.state()),
        planKey: key,
        arrays: [...(await net.exportArrays()), ...(await adam.exportArrays())],
      });
      hooks.epoch(em);
    }
    return await finish('done');
  } catch (error) {
    // Whatever failed (a checkpoint of another model, the helper, divergence), leave nothing
    // behind in this long-lived worker: no helper thread, no variables.
    await dp?.close().catch(() => {});
    adam.dispose();
    net.dispose();
    throw error;
  }
}
