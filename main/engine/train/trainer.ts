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
import type { ExperimentConfig, TrainingSpec } from '../../../shared/config/experiment.ts';
import { validateExperimentConfig } from '../../../shared/config/validate-experiment.ts';
import type { BatchProgress, EpochMetrics } from '../../../shared/api/run-types.ts';
import { RelaxCertError } from '../../../shared/errors.ts';
import { gatherRows } from '../../data/inputs.ts';
import type { LoadedDataset } from '../../data/types.ts';
import { buildLayerPlan } from '../../../shared/config/layer-plan.ts';
import { Network } from '../model/network.ts';
import { makeGloroHead } from '../heads/gloro-head.ts';
import { headSpec } from '../heads/head-spec.ts';
import type { GloroHead } from '../heads/head-spec.ts';
import { lossGradients } from '../parallel/half-step.ts';
import { Adam } from './adam.ts';
import { Rng } from '../rng.ts';
import { makeSchedule } from './schedules.ts';
import { checkpointPath, loadCheckpoint, saveCheckpoint } from '../../store/checkpoint-file.ts';
import { testMetrics } from './epoch-metrics.ts';
import { toCertGuarantee } from '../../../shared/certify/index.ts';
import { PARALLEL_PREDICT_MIN_WORK, predictWork } from '../parallel/parallel-predict.ts';

export interface TrainHooks {
  progress(p: BatchProgress): void;
  epoch(m: EpochMetrics): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Polled after every batch; true stops the run (the last checkpoint stays). */
  isCancelled(): boolean;
  /**
   * Polled before each epoch (0-based); true interrupts the run there as a killed process
   * would, the network kept (status 'stopped'). Tests inject it to check resumption.
   */
  interruptBeforeEpoch?(epoch: number): boolean;
}

export interface TrainRequest {
  runId: string;
  runDir: string;
  config: ExperimentConfig;
  dataset: LoadedDataset;
  resume: boolean;
  /**
   * Data-parallel replicas (1 or 2) and the backend they load; default from
   * RELAXCERT_REPLICAS, else defaultReplicas(). Results depend on the replica count
   * (each half-batch gradient is summed separately), so a resumed run must use the same.
   */
  replicas?: number;
  backend?: BackendChoice;
}

/**
 * RELAXCERT_REPLICAS (1 or 2) if set; else 2 on WASM with ≥ 2 cores, unless the native kernels
 * are loaded: their products and convolutions use every core already, and a second replica
 * added per-batch barriers and a second copy of the Lipschitz estimate's work. Measured on two
 * cores (docs/PERFORMANCE.md, sixth session): one replica trained cnn-c2f2 20–50 % faster and
 * its 28×28×1 epoch as fast in 30 % less memory; dense nets had been faster on one before.
 */
export function defaultReplicas(backend: BackendChoice | undefined): number {
  const fromEnv = Number(process.env.RELAXCERT_REPLICAS);
  if (fromEnv === 1 || fromEnv === 2) return fromEnv;
  if (backend !== 'wasm' || availableParallelism() < 2) return 1;
  return nativeKernels() !== undefined ? 1 : 2;
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
  return (xs, ys, m, lr, eps, lambda) => {
    net.powerIterate(powerIterations);
    const { loss, grads } = lossGradients(net, head, xs, ys, m, eps, lambda);
    try {
      adam.apply(grads, lr);
    } finally {
      tf.dispose(grads);
    }
    return loss;
  };
}

/** One batch step of the session: on the replicas when there are two, else on this thread. */
type BatchStep = (
  xs: Float32Array,
  ys: Int32Array,
  m: number,
  lr: number,
  eps: number,
  lambda?: number,
) => number;

/** Everything a run carries between its steps: model, optimiser, head, RNG, schedules, replicas. */
interface Session {
  req: TrainRequest;
  hooks: TrainHooks;
  training: TrainingSpec;
  key: string;
  net: Network;
  adam: Adam;
  head: GloroHead;
  /** Shuffling RNG; replaced by the checkpoint's on resume. */
  rng: Rng;
  /** Whether the batches are split over two replicas (started by startReplicas). */
  parallel: boolean;
  dp?: DataParallel;
  single: ReturnType<typeof makeTrainStep>;
  lrOf: (epoch: number, epochs: number) => number;
  lambdaOf?: (epoch: number, epochs: number) => number;
  epsOf: (epoch: number, epochs: number) => number;
  startEpoch: number;
}

/** The numbers one epoch's batch loop produced. */
interface EpochRun {
  lr: number;
  eps: number;
  lambda?: number;
  lossSum: number;
  seen: number;
  seconds: number;
}

/**
 * Checks the request and builds the untrained model, optimiser, head and schedules. Fails before
 * any tensor exists on a config that does not fit the data.
 */
function prepare(req: TrainRequest, hooks: TrainHooks): Session {
  const { dataset } = req;
  const config = validateExperimentConfig(req.config);
  const t = config.training;
  const c = dataset.classNames.length;
  // Fail before training, not after the first epoch, on sets that do not fit the data.
  toCertGuarantee(config.guarantee, c);
  const plan = buildLayerPlan(config.architecture, dataset.inputShape, c);
  const lrOf = makeSchedule(t.learningRate, 'training.learningRate');
  const lambdaOf =
    t.loss === 'trades' ? makeSchedule(t.tradesLambda ?? '', 'training.tradesLambda') : undefined;
  const epsOf =
    t.epsilonSchedule !== undefined
      ? makeSchedule(t.epsilonSchedule, 'training.epsilonSchedule')
      : () => t.epsilon;
  const net = new Network(plan, t.seed);
  const replicas = req.replicas ?? defaultReplicas(req.backend);
  const parallel =
    replicas > 1 && req.backend !== undefined && Math.min(t.batchSize, dataset.train.n) > 1;
  const adam = new Adam(net.trainableVariables(), net.trainableKeys(), parallel);
  const head = makeGloroHead(headSpec(config.guarantee, c));
  return {
    req,
    hooks,
    training: t,
    key: planKey(config, dataset),
    net,
    adam,
    head,
    rng: new Rng((t.seed ^ 0x5bd1e995) >>> 0),
    parallel,
    single: makeTrainStep(net, head, adam, t.powerIterations),
    lrOf,
    lambdaOf,
    epsOf,
    startEpoch: 0,
  };
}

/** Continues from the run's checkpoint, if asked to and there is one. */
async function resume(s: Session): Promise<void> {
  if (!s.req.resume) return;
  const ck = await loadCheckpoint(s.req.runDir);
  if (ck === undefined) return;
  const file = checkpointPath(s.req.runDir);
  if (ck.planKey !== s.key) {
    throw new RelaxCertError(
      'CONFLICT',
      'the checkpoint belongs to another architecture or dataset',
      { file },
    );
  }
  s.net.importArrays(ck.arrays, file);
  s.adam.importArrays(ck.arrays, ck.adamStep);
  s.rng = new Rng(Uint32Array.from(ck.rngState));
  s.startEpoch = ck.epoch;
  s.hooks.log('info', `resumed from the checkpoint after epoch ${ck.epoch}`);
}

/** Starts the helper replica (after resume, so it starts from the same weights). */
async function startReplicas(s: Session): Promise<void> {
  const backend = s.req.backend;
  if (!s.parallel || backend === undefined) return;
  s.dp = await DataParallel.start({
    backend,
    net: s.net,
    adam: s.adam,
    head: s.head,
    seed: s.training.seed,
    powerIterations: s.training.powerIterations,
    maxBatch: Math.min(s.training.batchSize, s.req.dataset.train.n),
  });
  await s.dp.sync(s.net, s.adam);
  s.hooks.log('info', 'data-parallel training on 2 replicas');
}

function batchStep(s: Session): BatchStep {
  return (xs, ys, m, lr, eps, lambda) => {
    if (s.dp !== undefined) return s.dp.step(s.net, s.head, s.adam, xs, ys, m, lr, eps, lambda);
    const value = s.single(xs, ys, m, lr, eps, lambda);
    const loss = value.dataSync()[0];
    value.dispose();
    return loss;
  };
}

/** One pass over the shuffled training split; 'cancelled' when the hooks ask to stop. */
async function runEpoch(s: Session, epoch: number): Promise<EpochRun | 'cancelled'> {
  const t = s.training;
  const train = s.req.dataset.train;
  const step = batchStep(s);
  const lr = s.lrOf(epoch, t.epochs);
  const lambda = s.lambdaOf?.(epoch, t.epochs);
  const eps = s.epsOf(epoch, t.epochs);
  const size = s.net.plan.inputShape.reduce((a, b) => a * b, 1);
  const bs = Math.min(t.batchSize, train.n);
  const batches = Math.ceil(train.n / bs);
  const order = new Int32Array(train.n);
  const xBuf = new Float32Array(bs * size);
  const yBuf = new Int32Array(bs);
  for (let i = 0; i < train.n; i++) order[i] = i;
  s.rng.shuffle(order);
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
        { field: 'training.learningRate' },
      );
    }
    lossSum += loss * m;
    seen += m;
    s.hooks.progress({
      runId: s.req.runId,
      epoch,
      batch: b,
      batchesPerEpoch: batches,
      loss,
      samplesPerSecond: m / ((performance.now() - batchStart) / 1000),
    });
    await yieldToEventLoop();
    if (s.hooks.isCancelled()) return 'cancelled';
  }
  return { lr, eps, lambda, lossSum, seen, seconds: (performance.now() - epochStart) / 1000 };
}

/** The epoch's test-set metrics (on the helper too when the prediction is large enough). */
async function measureEpoch(s: Session, epoch: number, run: EpochRun): Promise<EpochMetrics> {
  const { net, dp } = s;
  const { dataset, config } = s.req;
  const { metrics, maxK } = await testMetrics(
    net,
    dataset.test,
    config.guarantee,
    run.eps,
    dp === undefined || predictWork(net, dataset.test.n) < PARALLEL_PREDICT_MIN_WORK
      ? undefined
      : (x) => dp.predict(net, x),
  );
  const em: EpochMetrics = {
    epoch: epoch + 1,
    trainLoss: run.lossSum / Math.max(1, run.seen),
    cleanAccuracy: metrics.cleanAccuracy,
    estimatedStandardVra: metrics.standardVra,
    estimatedRejectionRate: metrics.rejectionRate,
    estimatedLipschitz: maxK,
    learningRate: run.lr,
    epsilon: run.eps,
    seconds: run.seconds,
    samplesPerSecond: dataset.train.n / run.seconds,
  };
  if (config.guarantee.kind !== 'standard') em.estimatedGuaranteeVra = metrics.guaranteeVra;
  if (run.lambda !== undefined) em.lambda = run.lambda;
  return em;
}

/**
 * Checkpoints the state after `epoch` (0-based), atomically, with the epoch's metrics line:
 * a kill between the checkpoint and the metrics log loses no line (run-store.ts restores it).
 */
async function saveEpoch(s: Session, epoch: number, metrics: EpochMetrics): Promise<void> {
  await saveCheckpoint(s.req.runDir, {
    epoch: epoch + 1,
    adamStep: s.adam.step,
    rngState: Array.from(s.rng.state()),
    planKey: s.key,
    arrays: [...(await s.net.exportArrays()), ...(await s.adam.exportArrays())],
    metrics,
  });
}

async function finish(s: Session, status: TrainResult['status']): Promise<TrainResult> {
  await s.dp?.close();
  s.adam.dispose();
  if (status === 'cancelled') {
    s.net.dispose();
    return { status };
  }
  return { status, net: s.net };
}

export async function train(req: TrainRequest, hooks: TrainHooks): Promise<TrainResult> {
  const s = prepare(req, hooks);
  try {
    await resume(s);
    await startReplicas(s);
    for (let epoch = s.startEpoch; epoch < s.training.epochs; epoch++) {
      if (hooks.interruptBeforeEpoch?.(epoch) === true) return await finish(s, 'stopped');
      const run = await runEpoch(s, epoch);
      if (run === 'cancelled') return await finish(s, 'cancelled');
      const metrics = await measureEpoch(s, epoch, run);
      await saveEpoch(s, epoch, metrics);
      hooks.epoch(metrics);
    }
    return await finish(s, 'done');
  } catch (error) {
    // Whatever failed (a checkpoint of another model, the helper, divergence), leave nothing
    // behind in this long-lived worker: no helper thread, no variables.
    await s.dp?.close().catch(() => {});
    s.adam.dispose();
    s.net.dispose();
    throw error;
  }
}
