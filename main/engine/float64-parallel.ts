/**
 * The float64 evaluation pass (float64-pass.ts) on every core: scalar float64 JavaScript is
 * several times slower than the float32 kernels, so evaluation splits the points into chunks
 * and hands them to worker threads, one per core. Small jobs run inline (starting a thread
 * costs more than they do). The results do not depend on the number of threads: each point is
 * computed by the same code on its own.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { rowsOf } from '../data/inputs.ts';
import type { Split } from '../data/types.ts';
import type { LayerPlan } from '../../shared/config/layer-plan.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { emptyMeasurements, exactLogitsWithMeasurements, float64Network } from './float64-pass.ts';
import type { LayerWeights } from './float64-pass.ts';
import type { ErrorNetworkSpec, PointMeasurements } from './bounds/float-error.ts';

export interface Float64Init {
  plan: LayerPlan;
  /** By plan layer index (dense and conv layers only). */
  weights: Record<number, { w: Float32Array; b: Float32Array }>;
  spec: ErrorNetworkSpec;
}

export interface Float64Chunk {
  first: number;
  n: number;
  x: Float32Array;
}

/**
 * Multiply-adds below which one thread is faster than starting others: a thread takes about
 * 0.5 s to start (TypeScript, the addon, the weights); 2e9 is about a second of work on one.
 */
const PARALLEL_MIN_WORK = 2e9;
const CHUNK_POINTS = 128;

function workerEntry(): URL {
  const bundled = new URL('./float64-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return bundled;
  return new URL('./float64-entry.mjs', import.meta.url);
}

/** Multiply-adds of one point's forward pass. */
function workPerPoint(plan: LayerPlan): number {
  return plan.layers.reduce((s, l) => {
    if (l.kind === 'dense') return s + l.inFeatures * l.units;
    if (l.kind === 'conv') {
      return s + l.outShape[0] * l.outShape[1] * l.filters * l.kernel ** 2 * l.inShape[2];
    }
    return s;
  }, 0);
}

/** Copies chunk measurements `part` into `all` at point `first`. */
function place(all: PointMeasurements, part: PointMeasurements, first: number, c: number): void {
  all.logits.set(part.logits, first * c);
  all.lastSums.set(part.lastSums, first * c);
  part.hiddenNorms.forEach((a, l) => all.hiddenNorms[l].set(a, first));
  part.inputMaxAbs.forEach((a, l) => all.inputMaxAbs[l].set(a, first));
}

/**
 * exactLogitsWithMeasurements on `threads` worker threads (default: one per core) when the job
 * has at least `minWork` multiply-adds, else inline.
 */
export async function exactLogitsInParallel(
  plan: LayerPlan,
  weights: LayerWeights,
  split: Split,
  spec: ErrorNetworkSpec,
  { threads = Math.min(availableParallelism(), 16), minWork = PARALLEL_MIN_WORK } = {},
): Promise<PointMeasurements> {
  const n = split.n;
  const useThreads = Math.min(threads, Math.ceil(n / CHUNK_POINTS));
  if (useThreads < 2 || n * workPerPoint(plan) < minWork) {
    return exactLogitsWithMeasurements(float64Network(plan, weights), split, spec);
  }
  const c = plan.numClasses;
  const all = emptyMeasurements(n, c, spec.layers.length);
  const init: Float64Init = { plan, weights: {}, spec };
  plan.layers.forEach((l, index) => {
    if (l.kind === 'dense' || l.kind === 'conv') init.weights[index] = weights(index);
  });
  const size = plan.inputShape.reduce((a, b) => a * b, 1);
  let next = 0;
  const workers = Array.from(
    { length: useThreads },
    () => new Worker(workerEntry(), { workerData: init }),
  );
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= n) return resolve();
              const first = next;
              const m = Math.min(CHUNK_POINTS, n - first);
              next += m;
              // A copy: byte images are decoded here, float rows are sliced out of the split.
              const x = rowsOf(split, first, m, size).slice();
              worker.postMessage({ first, n: m, x } satisfies Float64Chunk, [x.buffer]);
            };
            worker.on('message', (r: { first: number; m: PointMeasurements }) => {
              place(all, r.m, r.first, c);
              send();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (next < n || code !== 0) {
                reject(
                  new RelaxCertError('INTERNAL', `float64 evaluation thread exited (${code})`),
                );
              }
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return all;
}
