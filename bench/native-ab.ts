/**
 * A/B of two builds of the native kernels in one process, interleaved call by call (a shared
 * machine's load then falls on both alike): `node --import tsx bench/native-ab.ts BEFORE.node
 * [AFTER.node] [repetitions]`, AFTER defaulting to this checkout's build. For each product and
 * convolution of a cnn-c2f2 and a dense-3x1000 training step (batch 256) it prints the median
 * wall time and the median process CPU time (all threads; less disturbed than the wall clock
 * when other processes hold the cores) of each build, their ratios, and whether the two results
 * are bit-identical. RELAXCERT_AB_THREADS=N runs both builds on N threads (default: all cores).
 */
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { findAddon } from '../main/engine/native/load.ts';
import type { NativeKernels } from '../main/engine/native/load.ts';
import { convPads } from '../shared/config/conv-geometry.ts';

const [beforePath, afterArg, repsArg = '7'] = process.argv.slice(2);
if (beforePath === undefined) {
  console.error('native-ab: usage: native-ab.ts BEFORE.node [AFTER.node] [repetitions]');
  process.exit(1);
}
const load = (path: string): NativeKernels => createRequire(import.meta.url)(path) as NativeKernels;
const builds = [load(beforePath), load(afterArg || (findAddon() ?? ''))];
const reps = Number(repsArg);
// RELAXCERT_AB_THREADS=1: as each of two data-parallel replicas runs them.
const abThreads = Number(process.env.RELAXCERT_AB_THREADS);
if (Number.isInteger(abThreads) && abThreads >= 1) for (const b of builds) b.setThreads(abThreads);

function filled(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.37 + seed);
  return a;
}

interface Case {
  name: string;
  outputSize: number;
  run(k: NativeKernels, out: Float32Array): void;
}

function gemm(name: string, ta: boolean, tb: boolean, m: number, n: number, k: number): Case {
  const a = filled(m * k, 1);
  const b = filled(k * n, 2);
  return {
    name,
    outputSize: m * n,
    run: (kr, c) => kr.sgemm(ta, tb, m, n, k, a, b, c, null, false),
  };
}

function conv(
  what: 'forward' | 'input gradient' | 'filter gradient',
  n: number,
  [h, w, cin]: [number, number, number],
  cout: number,
): Case {
  const p = convPads(h, w, { kh: 3, kw: 3, stride: 1, padding: 'same' });
  const shape = [n, h, w, cin, 3, 3, cout, 1, p.top, p.left, p.outH, p.outW];
  const x = filled(n * h * w * cin, 3);
  const f = filled(9 * cin * cout, 4);
  const dy = filled(n * p.outH * p.outW * cout, 5);
  const name = `conv ${what} ${h}×${w}×${cin}→${cout}`;
  if (what === 'forward')
    return { name, outputSize: dy.length, run: (k, y) => k.conv2d(x, f, null, y, shape) };
  if (what === 'input gradient')
    return { name, outputSize: x.length, run: (k, dx) => k.conv2dGradInput(dy, f, dx, shape) };
  return { name, outputSize: f.length, run: (k, df) => k.conv2dGradFilter(x, dy, df, shape) };
}

/** MinMax forward (writes its mask too) or gradient over rows × channels. */
function minMax(what: 'forward' | 'gradient', rows: number, channels: number): Case {
  const x = filled(rows * channels, 6);
  // Which of each pair was the smaller is random in training: so is this mask.
  const mask = new Uint8Array((rows * channels) / 2).map((_, i) =>
    (Math.sin(i * 12.9898) * 43758.5453) % 1 > 0 ? 1 : 0,
  );
  return {
    name: `MinMax ${what} ${rows}×${channels}`,
    outputSize: rows * channels,
    run:
      what === 'forward'
        ? (k, out) => k.minMax(x, rows, channels, out, new Uint8Array(mask.length))
        : (k, dx) => k.minMaxGrad(x, rows, channels, mask, dx),
  };
}

const cases: Case[] = [
  gemm('square 1024', false, false, 1024, 1024, 1024),
  ...(['forward', 'input gradient', 'filter gradient'] as const).flatMap((what) => [
    conv(what, 256, [32, 32, 3], 32),
    conv(what, 256, [28, 28, 1], 32),
    conv(what, 256, [16, 16, 128], 64),
    conv(what, 256, [14, 14, 128], 64),
  ]),
  gemm('cnn dense1 forward NN 256×256×16384', false, false, 256, 256, 16384),
  gemm('cnn dense1 dW TN 16384×256×256', true, false, 16384, 256, 256),
  gemm('cnn dense1 dx NT 256×16384×256', false, true, 256, 16384, 256),
  gemm('dense forward NN 256×1000×1000', false, false, 256, 1000, 1000),
  gemm('dense dW TN 1000×1000×256', true, false, 1000, 1000, 256),
  gemm('dense dx NT 256×1000×1000', false, true, 256, 1000, 1000),
  // Single rows: power iterations (u·W, v·Wᵀ) and bias gradients (1ᵀ·dy).
  gemm('dense power iteration NN 1×1000×1000', false, false, 1, 1000, 1000),
  gemm('dense power iteration NT 1×1000×1000', false, true, 1, 1000, 1000),
  gemm('cnn dense1 power iteration NN 1×256×16384', false, false, 1, 256, 16384),
  gemm('cnn dense1 power iteration NT 1×16384×256', false, true, 1, 16384, 256),
  gemm('cnn conv1 bias gradient NN 1×32×262144', false, false, 1, 32, 262144),
  gemm('cnn conv2 bias gradient NN 1×64×65536', false, false, 1, 64, 65536),
  ...(['forward', 'gradient'] as const).flatMap((what) => [
    minMax(what, 262144, 32),
    minMax(what, 65536, 64),
    minMax(what, 256, 1000),
  ]),
];

console.log(
  `# native A/B, ${reps} interleaved repetitions, load average ${loadavg()[0].toFixed(2)}`,
);
for (const c of cases) {
  const outs = builds.map(() => new Float32Array(c.outputSize));
  const wall: number[][] = [[], []];
  const cpu: number[][] = [[], []];
  for (let r = 0; r <= reps; r++) {
    for (const [i, k] of builds.entries()) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      c.run(k, outs[i]);
      const used = process.cpuUsage(c0);
      if (r === 0) continue; // warm-up
      wall[i].push(performance.now() - t0);
      cpu[i].push((used.user + used.system) / 1000);
    }
  }
  const median = (t: number[]): number => t.sort((a, b) => a - b)[t.length >> 1];
  const [w0, w1] = wall.map(median);
  const [c0, c1] = cpu.map(median);
  const same = outs[0].every((v, i) => Object.is(v, outs[1][i]));
  console.log(
    `${c.name.padEnd(40)} wall ${w0.toFixed(1).padStart(7)} → ${w1.toFixed(1).padStart(7)} ms (${(w1 / w0).toFixed(2)})  ` +
      `CPU ${c0.toFixed(1).padStart(7)} → ${c1.toFixed(1).padStart(7)} ms (${(c1 / c0).toFixed(2)})  ${same ? 'bit-identical' : 'RESULTS DIFFER'}`,
  );
}
console.log(`# load average at the end ${loadavg()[0].toFixed(2)}`);
