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
  if (k === undefined) return undefined;
  const a = new Float32Array(size * size).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const b = a.slice().reverse();
  const c = new Float32Array(size * size);
  k.sgemm(false, false, size, size, size, a, b, c, null, false); // warm-up
  let best = Infinity;
  for (let r = 0; r < repetitions; r++) {
    const t0 = performance.now();
    k.sgemm(false, false, size, size, size, a, b, c, null, false);
    best = Math.min(best, performance.now() - t0);
  }
  const { threads, isa } = k.info();
  return { gflops: (2 * size ** 3) / (best / 1000) / 1e9, threads, isa };
}
