/**
 * Benchmark of the sound bounds: prints `BENCH <name> <value> ms` lines (best of three runs
 * each, seeded Gaussian weights). Part of `npm run bench`; alone:
 * `node --import tsx bench/bounds.bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import { conv2dSpectralUpperBound } from '../main/engine/bounds/conv-spectral-bound.ts';
import { denseSpectralUpperBound } from '../main/engine/bounds/dense-spectral-bound.ts';
import { gaussianArray, seededRandom } from '../main/engine/bounds/testing/seeded-random.ts';

/** Best wall-clock and CPU time of three runs (CPU time is less disturbed by a busy machine). */
function bestOfThree(run: () => number): { ms: number; cpuMs: number; value: number } {
  let ms = Infinity;
  let cpuMs = Infinity;
  let value = 0;
  for (let rep = 0; rep < 3; rep++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    value = run();
    const used = process.cpuUsage(cpu);
    ms = Math.min(ms, performance.now() - start);
    cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000);
  }
  return { ms, cpuMs, value };
}

export default async function benchBounds(): Promise<void> {
  const random = seededRandom(2024);
  const n = 1000;
  const dense = gaussianArray(random, n * n, 1 / Math.sqrt(n));
  const d = bestOfThree(() => denseSpectralUpperBound(dense, n, n));
  console.log(`BENCH bounds.dense-1000x1000 ${d.ms.toFixed(0)} ms (cpu ${d.cpuMs.toFixed(0)} ms)`);

  const kernel = gaussianArray(random, 3 * 3 * 64 * 64, 1 / Math.sqrt(9 * 64));
  const shape = { kh: 3, kw: 3, cin: 64, cout: 64 };
  for (const stride of [1, 2]) {
    const c = bestOfThree(() =>
      conv2dSpectralUpperBound(kernel, shape, { h: 32, w: 32 }, { stride, padding: 'same' }),
    );
    console.log(
      `BENCH bounds.conv-32x32-3x3x64x64-stride${stride} ${c.ms.toFixed(0)} ms (cpu ${c.cpuMs.toFixed(0)} ms)`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchBounds();
}
