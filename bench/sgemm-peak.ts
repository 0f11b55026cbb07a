/**
 * The measured SGEMM peak of this machine: the native kernels' product of two 1024×1024
 * matrices on every thread they use, best of several repetitions (the least disturbed by other
 * processes). Training steps are reported as a fraction of it.
 */
import { nativeKernels } from '../main/engine/native/load.ts';

export interface SgemmPeak {
  gflops: number;
  threads: number;
  isa: string;
}

/** Undefined without the native kernels. */
export function measureSgemmPeak(size = 1024, repetitions = 12): SgemmPeak | undefined {
  const k = nativeKernels();
  const product = sgemmProduct(size);
  if (k === undefined || product === undefined) return undefined;
  product(); // warm-up
  let best = Infinity;
  for (let r = 0; r < repetitions; r++) best = Math.min(best, product());
  const { threads, isa } = k.info();
  return { gflops: sgemmGflops(size, best), threads, isa };
}

/**
 * One size³ product on the kernels' threads, as a function returning its time in ms (for
 * measurements that interleave it with other work); undefined without the native kernels.
 */
export function sgemmProduct(size = 1024): (() => number) | undefined {
  const k = nativeKernels();
  if (k === undefined) return undefined;
  const a = new Float32Array(size * size).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const b = a.slice().reverse();
  const c = new Float32Array(size * size);
  return () => {
    const t0 = performance.now();
    k.sgemm(false, false, size, size, size, a, b, c, null, false);
    return performance.now() - t0;
  };
}

/** GFLOP/s of a size³ product that took `ms`. */
export function sgemmGflops(size: number, ms: number): number {
  return (2 * size ** 3) / (ms / 1000) / 1e9;
}
