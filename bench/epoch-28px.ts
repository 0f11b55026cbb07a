/**
 * One training epoch of cnn-c2f2 on 60,000 images of 28×28×1 (Fashion-MNIST's size; issue 18's
 * target: ≤ 60 s and ≤ 1 GiB peak memory), through the trainer itself (batch assembly from
 * bytes, replicas, native kernels as the engine picks them), in a process of its own so that
 * its peak resident memory is the epoch's: `node --import tsx bench/epoch-28px.ts`.
 * The images are synthetic (seeded random bytes with a class-dependent bright square), which
 * costs the same arithmetic as real ones; RELAXCERT_BENCH_IMAGES changes their number for
 * quick checks. Prints BENCH lines: the epoch's seconds (training loop only, as the run's
 * metrics report it), samples/s, the process's peak RSS, and the tensors' and WASM heap's size
 * at the end of the epoch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../main/engine/backend.ts';
import { defaultReplicas, train } from '../main/engine/train/trainer.ts';
import type { EpochMetrics } from '../shared/api/run-types.ts';
import type { ExperimentConfig } from '../shared/config/experiment.ts';
import type { LoadedDataset, Split } from '../main/data/types.ts';
import { byteImages } from '../main/data/inputs.ts';
import { Rng } from '../main/engine/rng.ts';
import { describeNative } from '../main/engine/native/load.ts';

const SIDE = 28;
const CLASSES = 10;

function syntheticSplit(n: number, seed: number): Split {
  const rng = new Rng(seed);
  const size = SIDE * SIDE;
  const bytes = new Uint8Array(n * size);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % CLASSES;
    y[i] = label;
    const top = 2 + 2 * label;
    for (let p = 0; p < size; p++) {
      const row = Math.floor(p / SIDE);
      const inSquare = row >= top && row < top + 6 && p % SIDE >= 10 && p % SIDE < 16;
      bytes[i * size + p] = Math.floor(rng.next() * 64) + (inSquare ? 160 : 0);
    }
  }
  return { n, x: byteImages(bytes, 1), y };
}

/** The WASM heap's size in bytes (tfjs' own tensors and the kernels' scratch), if on WASM. */
function wasmHeapBytes(): number | undefined {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.buffer.byteLength;
}

const images = Number(process.env.RELAXCERT_BENCH_IMAGES ?? 60000);
const config: ExperimentConfig = {
  name: 'epoch-28px',
  // The trainer reads the data given below; the spec only has to pass validation.
  dataset: { kind: 'idx', path: 'synthetic' },
  architecture: { name: 'cnn-c2f2' },
  guarantee: { kind: 'standard' },
  training: {
    epochs: 1,
    batchSize: 256,
    learningRate: '1e-3',
    loss: 'crossentropy',
    epsilon: 0.3,
    powerIterations: 2,
    seed: 1,
  },
};
const dataset: LoadedDataset = {
  name: 'synthetic 28×28×1',
  kind: 'idx',
  classNames: Array.from({ length: CLASSES }, (_, i) => `class ${i}`),
  inputShape: [SIDE, SIDE, 1],
  train: syntheticSplit(images, 1),
  test: syntheticSplit(1000, 2),
  affinityPresets: [],
};

await selectBackend('wasm');
const runDir = await mkdtemp(join(tmpdir(), 'rc-epoch-bench-'));
const load0 = loadavg()[0];
let metrics: EpochMetrics | undefined;
let heap: number | undefined;
let tensorBytes = 0;
try {
  const result = await train(
    { runId: 'bench', runDir, config, dataset, resume: false, backend: 'wasm' },
    {
      progress: () => {},
      epoch: (m) => {
        metrics = m;
        heap = wasmHeapBytes();
        tensorBytes = tf.memory().numBytes;
      },
      log: () => {},
      isCancelled: () => false,
    },
  );
  result.net?.dispose();
} finally {
  await rm(runDir, { recursive: true, force: true });
}
if (metrics === undefined) throw new Error('epoch bench: no epoch finished');
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
const name = `train.cnn-c2f2-28x28x1.epoch-${images / 1000}k`;
console.log(
  `# ${images} synthetic 28×28×1 images, batch 256, ${defaultReplicas('wasm')} replica(s), ` +
    `${describeNative() ?? 'WASM only'}; load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`,
);
console.log(`BENCH ${name} ${metrics.seconds.toFixed(1)} s`);
console.log(`BENCH ${name}.samples-per-second ${Math.round(metrics.samplesPerSecond)} samples/s`);
console.log(`BENCH ${name}.peak-rss ${mib(process.resourceUsage().maxRSS * 1024)} MiB`);
console.log(`BENCH ${name}.tensors ${mib(tensorBytes)} MiB`);
if (heap !== undefined) console.log(`BENCH ${name}.wasm-heap ${mib(heap)} MiB`);
