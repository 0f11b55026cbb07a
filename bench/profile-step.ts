/**
 * Where the time of one training step goes (docs/PERFORMANCE.md, "Where the time goes"):
 * `node --import tsx bench/profile-step.ts dense|cnn|cnn28 [steps] [replicas]`.
 *
 * One replica: the step of makeTrainStep taken apart with timers — batch assembly (from image
 * bytes for the image nets, as the trainer does), upload, power iteration, forward + backward
 * (inside it every native kernel call is timed by wrapping the addon's functions, and the
 * GloRo head's forward pass), Adam. A second pass of the same steps runs under tf.profile for
 * the time of the remaining tfjs kernels (profiling slows the step, so only its per-kernel
 * times are used). Two replicas: the coordinator's step time and its time blocked at the two
 * barriers (DataParallel.barrierMs). Medians over the steps after one warm-up.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadavg } from 'node:os';
import { selectBackend } from '../main/engine/backend.ts';
import { buildLayerPlan } from '../shared/config/layer-plan.ts';
import { Network } from '../main/engine/model/network.ts';
import { makeGloroHead } from '../main/engine/heads/gloro-head.ts';
import { headSpec } from '../main/engine/heads/head-spec.ts';
import type { GloroHead } from '../main/engine/heads/head-spec.ts';
import { Adam } from '../main/engine/train/adam.ts';
import { gloroCrossEntropy } from '../main/engine/train/losses.ts';
import { DataParallel } from '../main/engine/parallel/data-parallel.ts';
import { nativeKernels, wrapNativeKernels } from '../main/engine/native/load.ts';
import type { NativeKernels } from '../main/engine/native/load.ts';
import { byteImages, gatherRows } from '../main/data/inputs.ts';
import type { Split } from '../main/data/types.ts';
import { Rng } from '../main/engine/rng.ts';
import { cnn28Case, cnnCase, denseCase } from './train.bench.ts';
import type { TrainBenchCase } from './train.bench.ts';
import { flopsQualifier, trainStepFlops } from './step-flops.ts';
import { measureSgemmPeak } from './sgemm-peak.ts';

const cases: Record<string, TrainBenchCase> = {
  dense: denseCase,
  cnn: cnnCase,
  cnn28: cnn28Case,
};

const BATCH = 256;
const POWER_ITERATIONS = 2;

/** Per-step times in ms of each label, one entry per step. */
class Timings {
  private readonly samples = new Map<string, number[]>();
  private step = -1;
  next(): void {
    this.step++;
  }
  add(label: string, ms: number): void {
    let s = this.samples.get(label);
    if (s === undefined) this.samples.set(label, (s = []));
    while (s.length <= this.step) s.push(0);
    s[this.step] += ms;
  }
  time<T>(label: string, f: () => T): T {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      this.add(label, performance.now() - t0);
    }
  }
  reset(): void {
    this.samples.clear();
    this.step = -1;
  }
  medians(steps: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const [label, s] of this.samples) {
      const all = Array.from({ length: steps }, (_, i) => s[i] ?? 0).sort((a, b) => a - b);
      out.set(label, all[Math.floor(all.length / 2)]);
    }
    return out;
  }
}

let phase = 'step';

/** Wraps the addon's functions so that each call adds its time under a label naming its shape. */
function instrumented(original: NativeKernels, timings: Timings): NativeKernels {
  const k: NativeKernels = { ...original };
  const wrap = <A extends unknown[]>(name: keyof NativeKernels, label: (...a: A) => string) => {
    const f = original[name] as unknown as (...a: A) => void;
    (k as unknown as Record<string, unknown>)[name] = (...a: A) =>
      timings.time(`${phase}: ${label(...a)}`, () => f.apply(original, a));
  };
  wrap('sgemm', (ta: boolean, tb: boolean, m: number, n: number, kk: number) => {
    return `native sgemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${m}×${n}×${kk}`;
  });
  const convLabel = (what: string) => (_a: unknown, _b: unknown, _c: unknown, s: number[]) =>
    `native ${what} ${s[1]}×${s[2]}×${s[3]}→${s[6]} (${original.convAlgorithm?.(s) ?? 'im2col'})`;
  wrap('conv2d', (a: unknown, b: unknown, c: unknown, d: unknown, s: number[]) =>
    convLabel('conv forward')(a, b, c, s),
  );
  wrap('conv2dGradInput', convLabel('conv input gradient'));
  wrap('conv2dGradFilter', convLabel('conv filter gradient'));
  wrap('minMax', (x: Float32Array, rows: number, c: number) => `native MinMax ${rows}×${c}`);
  wrap(
    'minMaxGrad',
    (d: Float32Array, rows: number, c: number) => `native MinMax grad ${rows}×${c}`,
  );
  return k;
}

function imageSplit(n: number, shape: number[]): Split {
  const size = shape.reduce((a, b) => a * b, 1);
  const rng = new Rng(5);
  const bytes = Uint8Array.from({ length: n * size }, () => Math.floor(rng.next() * 256));
  return { n, x: byteImages(bytes, shape[2]), y: Int32Array.from({ length: n }, (_, i) => i % 10) };
}

async function profile(c: TrainBenchCase, steps: number, replicas: number): Promise<void> {
  await selectBackend('wasm');
  const timings = new Timings();
  wrapNativeKernels((k) => instrumented(k, timings));
  const kernels = nativeKernels();
  const plan = buildLayerPlan(c.arch, c.inputShape, c.classes);
  const net = new Network(plan, 1);
  const head: GloroHead = makeGloroHead(headSpec(c.guarantee, c.classes));
  const adam = new Adam(net.trainableVariables(), net.trainableKeys(), replicas > 1);
  const size = c.inputShape.reduce((a, b) => a * b, 1);
  const isImage = c.inputShape.length === 3;
  const split: Split = isImage
    ? imageSplit(4 * BATCH, c.inputShape)
    : {
        n: BATCH,
        x: new Float32Array(BATCH * size).map((_, i) => Math.sin(i)),
        y: new Int32Array(BATCH),
      };
  for (let i = 0; i < split.n; i++) split.y[i] = i % c.classes;
  const order = Int32Array.from({ length: split.n }, (_, i) => (i * 7) % split.n);
  const xs = new Float32Array(BATCH * size);
  const ys = new Int32Array(BATCH);
  const vars = net.trainableVariables();
  const applyHead = head.apply.bind(head);
  head.apply = (f, k, eps) =>
    timings.time('step: GloRo head forward (JavaScript)', () => applyHead(f, k, eps));

  let dp: DataParallel | undefined;
  if (replicas > 1) {
    dp = await DataParallel.start({
      backend: 'wasm',
      net,
      adam,
      head,
      seed: 1,
      powerIterations: POWER_ITERATIONS,
      maxBatch: BATCH,
    });
    await dp.sync(net, adam);
  }
  const oneStep = (): void => {
    timings.next();
    const t0 = performance.now();
    timings.time('batch assembly (gatherRows)', () => {
      gatherRows(split, order, 0, BATCH, size, xs);
      for (let r = 0; r < BATCH; r++) ys[r] = split.y[order[r]];
    });
    if (dp !== undefined) {
      const before = dp.barrierMs;
      timings.time('data-parallel step (coordinator)', () =>
        dp.step(net, head, adam, xs, ys, BATCH, 1e-4, 0.01, undefined),
      );
      timings.add('  of which blocked at the two barriers', dp.barrierMs - before);
    } else {
      phase = 'power iteration';
      timings.time('power iteration (2 per hidden layer)', () =>
        net.powerIterate(POWER_ITERATIONS),
      );
      phase = 'step';
      const out = timings.time('forward + backward (variableGrads)', () =>
        tf.tidy(() => {
          const x = timings.time('upload batch', () => tf.tensor(xs, [BATCH, ...c.inputShape]));
          const y = tf.tensor1d(ys, 'int32');
          const { value, grads } = tf.variableGrads(() => {
            // As in training (lossGradients): no gradient for the data.
            const { logits, k } = net.logitsAndLipschitz(x);
            return gloroCrossEntropy(head.apply(logits, k, 0.01), y);
          }, vars);
          return { value, grads: vars.map((v) => grads[v.name]) };
        }),
      );
      phase = 'adam';
      timings.time('Adam (download gradients, update, upload weights)', () =>
        adam.apply(out.grads, 1e-4),
      );
      phase = 'step';
      timings.time('read loss', () => out.value.dataSync());
      tf.dispose([out.value, ...out.grads]);
    }
    timings.add('STEP TOTAL', performance.now() - t0);
  };

  const load0 = loadavg()[0];
  oneStep(); // warm-up (packing caches, first allocations)
  timings.reset();
  for (let i = 0; i < steps; i++) oneStep();
  const med = timings.medians(steps);
  const total = med.get('STEP TOTAL') ?? NaN;
  const peak = measureSgemmPeak();
  const flops = trainStepFlops(plan, BATCH, POWER_ITERATIONS);
  console.log(
    `# ${c.name}, batch ${BATCH}, ${replicas} replica(s), ${kernels === undefined ? 'WASM only' : `native ${kernels.info().isa} ×${kernels.info().threads}`}, ` +
      `${steps} steps (median ms), load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`,
  );
  const rows = [...med.entries()].sort((a, b) => b[1] - a[1]);
  for (const [label, ms] of rows) {
    console.log(
      `${ms.toFixed(2).padStart(9)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${label}`,
    );
  }
  console.log(
    `step ${total.toFixed(1)} ms = ${((BATCH / total) * 1000).toFixed(0)} samples/s; ${(flops / 1e9).toFixed(2)} GFLOP a step → ` +
      `${(flops / total / 1e6).toFixed(1)} GFLOP/s${flopsQualifier(plan)}` +
      (peak === undefined
        ? ''
        : ` (${((100 * flops) / total / 1e6 / peak.gflops).toFixed(0)} % of the measured SGEMM peak ${peak.gflops.toFixed(1)} GFLOP/s on ${peak.threads} threads)`),
  );
  if (dp === undefined) {
    // tfjs kernels of the same step under tf.profile (slower while profiling: per-kernel times only).
    const info = await tf.profile(() => {
      oneStep();
    });
    const byKernel = new Map<string, { ms: number; calls: number }>();
    for (const k of info.kernels) {
      const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      const ms = await k.kernelTimeMs;
      e.ms += typeof ms === 'number' ? ms : 0;
      e.calls++;
      byKernel.set(k.name, e);
    }
    const calls: Array<{ name: string; ms: number; shapes: string }> = [];
    for (const k of info.kernels) {
      const ms = await k.kernelTimeMs;
      const shapes = k.inputShapes.map((sh) => `[${sh.join(',')}]`).join(' ');
      calls.push({ name: k.name, ms: typeof ms === 'number' ? ms : 0, shapes });
    }
    const slowest = calls.filter((c) => c.name !== 'forward').sort((a, b) => b.ms - a.ms);
    console.log('slowest single tfjs kernels (custom ops, "forward", excluded):');
    for (const c of slowest.slice(0, 8)) {
      console.log(`${c.ms.toFixed(2).padStart(9)} ms  ${c.name} ${c.shapes}`);
    }
    const kernelRows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
    const sum = kernelRows.reduce((a, [, e]) => a + e.ms, 0);
    console.log(
      `tfjs kernels of one step under tf.profile: ${info.kernels.length} calls, ${sum.toFixed(1)} ms in all`,
    );
    for (const [name, e] of kernelRows.slice(0, 12)) {
      console.log(`${e.ms.toFixed(2).padStart(9)} ms  ${String(e.calls).padStart(4)}×  ${name}`);
    }
  }
  await dp?.close();
  adam.dispose();
  net.dispose();
}

const [which = 'cnn', stepsArg = '5', replicasArg = '1'] = process.argv.slice(2);
const c = cases[which];
if (c === undefined) {
  console.error(`profile-step: unknown case '${which}' (dense, cnn, cnn28)`);
  process.exit(1);
}
await profile(c, Number(stepsArg), Number(replicasArg));
