/**
 * Data loading speed: CIFAR-100 (60,000 images) from its binary files, an image-folder set
 * decoded once and then loaded from the binary cache, and the ACAS Xu generator with the exact
 * smallest-distance search. Files are generated in a temporary folder in the real formats.
 * Prints `BENCH <name> <value> <unit>`. Run alone: `node --import tsx bench/data-load.bench.ts`;
 * RELAXCERT_BENCH_IMAGES (default 100000) and RELAXCERT_BENCH_SIDE (default 32) size the folder set.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import jpeg from 'jpeg-js';
import { makeAcasxuSet, summariseAcasxu } from '../main/data/acasxu.ts';
import { allInputs, gatherRows } from '../main/data/inputs.ts';
import { loadDataset } from '../main/data/load-dataset.ts';
import type { LoadedDataset, Split } from '../main/data/types.ts';
import type { NnetNetwork } from '../main/data/nnet.ts';
import { createRng, permutation } from '../main/data/rng.ts';

function bench(name: string, value: number, unit: string): void {
  process.stdout.write(`BENCH ${name} ${value.toPrecision(4)} ${unit}\n`);
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

function writeCifar100(dir: string): void {
  const rng = createRng(1);
  const rec = 2 + 3072;
  for (const [file, n] of [
    ['train.bin', 50_000],
    ['test.bin', 10_000],
  ] as const) {
    const bytes = new Uint8Array(n * rec);
    for (let r = 0; r < n; r++) {
      const fine = r % 100;
      bytes[r * rec] = fine % 20;
      bytes[r * rec + 1] = fine;
      for (let p = 2; p < rec; p += 64) bytes[r * rec + p] = rng.int(256);
    }
    writeFileSync(join(dir, file), bytes);
  }
}

/** `count` JPEGs in 10 class folders; 20 distinct images per class, reused, so writing is quick. */
function writeImageFolder(dir: string, count: number, side: number): void {
  const rng = createRng(2);
  const rgba = new Uint8Array(side * side * 4);
  const variants: Uint8Array[][] = [];
  for (let cls = 0; cls < 10; cls++) {
    mkdirSync(join(dir, `class${cls}`), { recursive: true });
    variants.push([]);
    for (let v = 0; v < 20; v++) {
      for (let p = 0; p < side * side; p++) {
        rgba[p * 4] = (cls * 25 + (p % side) * 4) & 255;
        rgba[p * 4 + 1] = (Math.floor(p / side) * 6 + v) & 255;
        rgba[p * 4 + 2] = rng.int(256);
        rgba[p * 4 + 3] = 255;
      }
      variants[cls].push(jpeg.encode({ data: rgba, width: side, height: side }, 90).data);
    }
  }
  for (let i = 0; i < count; i++) {
    const cls = i % 10;
    writeFileSync(join(dir, `class${cls}`, `${i}.jpg`), variants[cls][Math.floor(i / 10) % 20]);
  }
}

/**
 * Drawing shuffled batches of 256 images as float32, from the stored bytes and from the same
 * images already in float32: what keeping images as bytes costs per training batch.
 */
function batchAssembly(split: Split, size: number, label: string): void {
  const batch = Math.min(256, split.n);
  const order = permutation(split.n, createRng(4));
  const out = new Float32Array(batch * size);
  const floats: Split = { ...split, x: allInputs(split) };
  const msPerBatch = (s: Split): number => {
    gatherRows(s, order, 0, batch, size, out); // warm-up
    const t = performance.now();
    let batches = 0;
    for (let start = 0; start + batch <= split.n && batches < 200; start += batch, batches++)
      gatherRows(s, order, start, batch, size, out);
    return (performance.now() - t) / batches;
  };
  const fromBytes = msPerBatch(split);
  const fromFloats = msPerBatch(floats);
  bench(`data.batch-256.${label}.from-bytes`, fromBytes, 'ms');
  bench(`data.batch-256.${label}.from-float32`, fromFloats, 'ms');
}

export default async function dataLoadBench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'relaxcert-bench-data-'));
  try {
    const cifar = join(root, 'cifar-100-binary');
    mkdirSync(cifar);
    writeCifar100(cifar);
    bench(
      'data.cifar100.load',
      await seconds(() => loadDataset({ kind: 'cifar100', path: cifar })),
      's',
    );
    bench(
      'data.cifar100.load-standardized',
      await seconds(() => loadDataset({ kind: 'cifar100', path: cifar, normalize: 'standardize' })),
      's',
    );

    const count = Number(process.env.RELAXCERT_BENCH_IMAGES ?? 100_000);
    const side = Number(process.env.RELAXCERT_BENCH_SIDE ?? 32);
    const folder = join(root, 'folder');
    writeImageFolder(folder, count, side);
    const cacheDir = join(root, 'cache');
    const spec = { kind: 'image-folder' as const, path: folder };
    const first = await seconds(() => loadDataset(spec, { cacheDir }));
    bench(`data.image-folder.decode-${side}px`, count / first, 'images/s');
    let loaded: LoadedDataset | undefined;
    const cached = await seconds(async () => (loaded = await loadDataset(spec, { cacheDir })));
    bench(`data.image-folder.cached-${side}px-per-100k`, (cached * 100_000) / count, 's');
    if (loaded) batchAssembly(loaded.train, side * side * 3, `${side}px`);

    // An ACAS Xu-sized network (5 → 6 × 50 ReLU → 5) with seeded random weights.
    const wr = createRng(3);
    const layerSizes = [5, 50, 50, 50, 50, 50, 50, 5];
    const net: NnetNetwork = {
      file: 'bench.nnet',
      inputSize: 5,
      outputSize: 5,
      layerSizes,
      symmetric: false,
      inputMins: new Float64Array(5),
      inputMaxs: new Float64Array(5).fill(1),
      means: new Float64Array(6),
      ranges: new Float64Array(6).fill(1),
      weights: layerSizes
        .slice(1)
        .map((out, k) =>
          Float64Array.from({ length: out * layerSizes[k] }, () => wr.normal() * 0.3),
        ),
      biases: layerSizes
        .slice(1)
        .map((out) => Float64Array.from({ length: out }, () => wr.normal() * 0.1)),
    };
    const t = performance.now();
    const set = makeAcasxuSet(net, 100_000, 0);
    const generated = performance.now();
    summariseAcasxu(set);
    bench('data.acasxu.generate-100k', (generated - t) / 1000, 's');
    bench('data.acasxu.min-distance-100k', (performance.now() - generated) / 1000, 's');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  await dataLoadBench();
