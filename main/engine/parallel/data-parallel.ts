/**
 * Coordinator side of data-parallel training (replica-protocol.ts): spawns the helper replica,
 * syncs its state, and runs each step as half of the batch here and half there.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { RelaxCertError, fromErrorInfo } from '../../../shared/errors.ts';
import type { BackendChoice } from '../backend.ts';
import type { GloroHead } from '../heads/head-spec.ts';
import type { Network, NamedArray } from '../model/network.ts';
import type { Adam } from '../train/adam.ts';
import { shareNativeThreads } from '../native/load.ts';
import { lossGradients } from './half-step.ts';
import { predictLogits } from '../train/epoch-metrics.ts';
import { sliceSplit } from '../../data/inputs.ts';
import type { Split } from '../../data/types.ts';
import { waitFor, writeGradients } from './gradient-exchange.ts';
import type { Layout } from './gradient-exchange.ts';
import { CTRL, SCALAR } from './replica-protocol.ts';
import type { FromHelper, ReplicaInit, ToHelper } from './replica-protocol.ts';

function helperEntry(): URL {
  const bundled = new URL('./helper-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return bundled;
  return new URL('./helper-entry.mjs', import.meta.url);
}

export class DataParallel {
  private readonly ctrl: Int32Array;
  private readonly scalars: Float64Array;
  private readonly g0: Float32Array;
  private readonly g1: Float32Array;
  private readonly xs: Float32Array;
  private readonly ys: Int32Array;
  private readonly layout: Layout;
  private readonly powerIterations: number;
  private seq = 0;
  /**
   * Milliseconds this thread has spent blocked at the two per-step barriers, waiting for the
   * helper (the profile of bench/profile-step.ts reads it; two clock reads a barrier).
   */
  barrierMs = 0;
  private error?: string;
  private waiting?: {
    type: FromHelper['type'];
    resolve: (m: FromHelper) => void;
    reject: (e: Error) => void;
  };

  private constructor(
    private readonly worker: Worker,
    init: ReplicaInit,
    layout: Layout,
  ) {
    this.ctrl = new Int32Array(init.control);
    this.scalars = new Float64Array(init.scalars);
    this.g0 = new Float32Array(init.gradients, 0, init.gradientLength);
    this.g1 = new Float32Array(init.gradients, init.gradientLength * 4, init.gradientLength);
    this.xs = new Float32Array(init.x);
    this.ys = new Int32Array(init.y);
    this.layout = layout;
    this.powerIterations = init.powerIterations;
    worker.on('message', (m: FromHelper) => {
      if (m.type === 'error') {
        this.fail(fromErrorInfo(m.error).message);
      } else if (this.waiting !== undefined && this.waiting.type === m.type) {
        const w = this.waiting;
        this.waiting = undefined;
        w.resolve(m);
      }
    });
    worker.on('error', (e) => this.fail(e.message));
    worker.on('exit', (code) => this.fail(`helper replica exited (code ${code})`));
  }

  private fail(why: string): void {
    if (this.error !== undefined) return;
    this.error = `data-parallel helper: ${why}`;
    this.waiting?.reject(new RelaxCertError('INTERNAL', this.error));
    this.waiting = undefined;
  }

  private request(message: ToHelper | undefined, reply: FromHelper['type']): Promise<FromHelper> {
    if (this.error !== undefined) return Promise.reject(new RelaxCertError('INTERNAL', this.error));
    return new Promise((resolve, reject) => {
      this.waiting = { type: reply, resolve, reject };
      if (message !== undefined) this.worker.postMessage(message);
    });
  }

  static async start(options: {
    backend: BackendChoice;
    net: Network;
    adam: Adam;
    head: GloroHead;
    seed: number;
    powerIterations: number;
    maxBatch: number;
  }): Promise<DataParallel> {
    const { net, adam } = options;
    if (adam.buffers === undefined)
      throw new RelaxCertError('INTERNAL', 'Adam must use shared buffers');
    const layout = adam.layout;
    const size = net.plan.inputShape.reduce((a, b) => a * b, 1);
    const maxPoints = Math.ceil(options.maxBatch / 2);
    const init: ReplicaInit = {
      backend: options.backend,
      plan: net.plan,
      seed: options.seed,
      head: options.head.spec,
      powerIterations: options.powerIterations,
      maxPoints,
      control: new SharedArrayBuffer(CTRL.size * 4),
      scalars: new SharedArrayBuffer(SCALAR.size * 8),
      gradients: new SharedArrayBuffer(layout.total * 8),
      gradientLength: layout.total,
      x: new SharedArrayBuffer(maxPoints * size * 4),
      y: new SharedArrayBuffer(maxPoints * 4),
      adam: adam.buffers,
    };
    const worker = new Worker(helperEntry(), { workerData: init });
    const dp = new DataParallel(worker, init, layout);
    try {
      await dp.request(undefined, 'ready');
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    // Each replica's native kernels get their share of the cores (the helper does the same).
    shareNativeThreads(2);
    return dp;
  }

  /**
   * Brings the helper to the coordinator's state: weights and moments are shared memory
   * already (`adam.pull()` filled them); the iterates and the step count are sent.
   */
  async sync(net: Network, adam: Adam): Promise<void> {
    adam.pull();
    const arrays = await net.exportArrays();
    await this.request({ type: 'sync', arrays, adamStep: adam.step }, 'synced');
  }

  /**
   * Logits of n points, the first half here and the second half on the helper at the same
   * time (call sync() first so the helper has the weights).
   */
  async predict(net: Network, split: Split, batch = 2048): Promise<Float32Array> {
    const c = net.plan.numClasses;
    const n = split.n;
    const size = net.plan.inputShape.reduce((a, b) => a * b, 1);
    const n0 = Math.ceil(n / 2);
    const n1 = n - n0;
    const mine = new Float32Array(n * c);
    if (n1 === 0) {
      mine.set(predictLogits(net, split, batch));
      return mine;
    }
    const theirs = this.request(
      { type: 'predict', split: sliceSplit(split, n0, n, size), batch },
      'predicted',
    );
    mine.set(predictLogits(net, { ...split, n: n0 }, batch));
    const reply = await theirs;
    if (reply.type !== 'predicted') throw new RelaxCertError('INTERNAL', 'unexpected helper reply');
    mine.set(reply.logits, n0 * c);
    return mine;
  }

  /** The helper's state (tests check that the replicas stay identical). */
  async exportHelper(): Promise<{ arrays: NamedArray[]; adamStep: number }> {
    const m = await this.request({ type: 'export' }, 'exported');
    if (m.type !== 'exported') throw new RelaxCertError('INTERNAL', 'unexpected helper reply');
    return { arrays: m.arrays, adamStep: m.adamStep };
  }

  /** One data-parallel step over m points; returns the mean loss. */
  step(
    net: Network,
    head: GloroHead,
    adam: Adam,
    xs: Float32Array,
    ys: Int32Array,
    m: number,
    lr: number,
    eps: number,
    lambda: number | undefined,
  ): number {
    const failed = (): string | undefined =>
      this.error ?? (Atomics.load(this.ctrl, CTRL.failed) ? 'helper failed' : undefined);
    const size = xs.length / m;
    const m0 = Math.ceil(m / 2);
    const m1 = m - m0;
    // The helper finished the previous step (it waited for our update before uploading), so
    // the batch buffer and region 0 are free.
    this.xs.set(xs.subarray(m0 * size, m * size));
    this.ys.set(ys.subarray(m0, m));
    const s = this.scalars;
    s[SCALAR.learningRate] = lr;
    s[SCALAR.epsilon] = eps;
    s[SCALAR.lambda] = lambda ?? Number.NaN;
    s[SCALAR.weight0] = m0 / m;
    s[SCALAR.weight1] = m1 / m;
    Atomics.store(this.ctrl, CTRL.helperPoints, m1);
    this.seq++;
    const seq = this.seq;
    Atomics.store(this.ctrl, CTRL.seq, seq);
    Atomics.notify(this.ctrl, CTRL.seq);

    net.powerIterate(this.powerIterations);
    const half = lossGradients(
      net,
      head,
      xs.subarray(0, m0 * size),
      ys.subarray(0, m0),
      m0,
      eps,
      lambda,
    );
    writeGradients(half.grads, this.g0, this.layout);
    const loss0 = half.loss.dataSync()[0];
    tf.dispose([half.loss, ...half.grads]);
    Atomics.store(this.ctrl, CTRL.coordDone, seq);
    Atomics.notify(this.ctrl, CTRL.coordDone);
    let t0 = performance.now();
    waitFor(this.ctrl, CTRL.helperDone, seq, failed);
    this.barrierMs += performance.now() - t0;
    // The first half of the parameters is ours to update.
    const mid = Math.floor(this.layout.total / 2);
    adam.step++;
    adam.updateCombined(
      this.g0,
      this.g1,
      s[SCALAR.weight0],
      s[SCALAR.weight1],
      lr,
      adam.step,
      0,
      mid,
    );
    Atomics.store(this.ctrl, CTRL.coordUpdated, seq);
    Atomics.notify(this.ctrl, CTRL.coordUpdated);
    t0 = performance.now();
    waitFor(this.ctrl, CTRL.helperUpdated, seq, failed);
    this.barrierMs += performance.now() - t0;
    adam.push();
    return m1 === 0 ? loss0 : (m0 / m) * loss0 + (m1 / m) * s[SCALAR.helperLoss];
  }

  async close(): Promise<void> {
    Atomics.store(this.ctrl, CTRL.stop, 1);
    Atomics.notify(this.ctrl, CTRL.seq);
    Atomics.notify(this.ctrl, CTRL.coordDone);
    Atomics.notify(this.ctrl, CTRL.coordUpdated);
    this.error ??= 'closed';
    await this.worker.terminate();
    shareNativeThreads(1);
  }
}
