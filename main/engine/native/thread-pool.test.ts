/**
 * The native kernels' worker threads (native/src/thread-pool.cc) are kept per calling thread:
 * several JavaScript threads (the data-parallel replicas) may run multi-threaded products at
 * once, each gets the same bits as one thread alone, and a thread that ends (a replica
 * terminated mid-call included) takes its workers with it without hanging or crashing.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { findAddon } from './load.ts';
import { kernelsUnderTest } from '../testing/native-required.ts';

const { kernels } = kernelsUnderTest('native thread-pool tests');

// Runs in each worker: `rounds` products of 300 × 700 × 400 (columns split, op(A) shared) on
// `threads` threads, and posts the bits of the last result.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const k = require(workerData.addon);
k.setThreads(workerData.threads);
const { m, n, kk, rounds } = workerData;
const a = Float32Array.from({ length: m * kk }, (_, i) => Math.sin(i * 0.37));
const b = Float32Array.from({ length: kk * n }, (_, i) => Math.cos(i * 0.11));
const c = new Float32Array(m * n);
parentPort.postMessage('started');
for (let r = 0; r < rounds; r++) k.sgemm(r % 2 === 1, false, m, n, kk, a, b, c, null, false);
parentPort.postMessage(new Uint32Array(c.buffer));
`;

const SHAPE = { m: 300, n: 700, kk: 400 };

function startWorker(
  threads: number,
  rounds: number,
): { worker: Worker; bits: Promise<Uint32Array> } {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { addon: findAddon(), threads, rounds, ...SHAPE },
  });
  const bits = new Promise<Uint32Array>((resolve, reject) => {
    worker.on('message', (msg: unknown) => {
      if (msg instanceof Uint32Array) resolve(msg);
    });
    worker.on('error', reject);
  });
  return { worker, bits };
}

describe.skipIf(kernels === undefined)(
  'native kernels on several JavaScript threads at once',
  () => {
    it('give every thread the bits of one thread alone', async () => {
      const k = kernels!;
      const { m, n, kk } = SHAPE;
      const a = Float32Array.from({ length: m * kk }, (_, i) => Math.sin(i * 0.37));
      const b = Float32Array.from({ length: kk * n }, (_, i) => Math.cos(i * 0.11));
      const expected = new Float32Array(m * n);
      const before = k.info().threads;
      try {
        k.setThreads(1);
        // The workers' last round (rounds = 7: index 6, even) is the untransposed product.
        k.sgemm(false, false, m, n, kk, a, b, expected, null, false);
      } finally {
        k.setThreads(before);
      }
      const runs = [startWorker(2, 7), startWorker(3, 7), startWorker(2, 7)];
      try {
        const results = await Promise.all(runs.map((r) => r.bits));
        for (const bits of results) expect(bits).toEqual(new Uint32Array(expected.buffer));
      } finally {
        await Promise.all(runs.map((r) => r.worker.terminate()));
      }
    });

    it('end cleanly when a thread is terminated between or during its products', async () => {
      for (let i = 0; i < 4; i++) {
        const { worker } = startWorker(2, 1000);
        await new Promise<void>((resolve) => worker.once('message', () => resolve()));
        // Let it get into its products, then end it; exit must come, not a hang or a crash.
        await new Promise((resolve) => setTimeout(resolve, 20 * i));
        const code = await worker.terminate();
        expect(code).toBe(1);
      }
    });
  },
);
