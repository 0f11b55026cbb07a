/**
 * CIFAR-10 and CIFAR-100 in their binary releases.
 *   CIFAR-10:  data_batch_1..5.bin + test_batch.bin, records of 1 label byte + 3072 pixel bytes;
 *              names in batches.meta.txt.
 *   CIFAR-100: train.bin + test.bin, records of 1 coarse + 1 fine label byte + 3072 pixel bytes;
 *              names in coarse_label_names.txt / fine_label_names.txt.
 * Pixels are stored as three 32×32 planes (R, G, B); we interleave them into NHWC bytes
 * (types.ts, ByteImages), standing for values in [0, 1].
 * With fine labels, CIFAR-100's coarse labels give the "superclasses" affinity preset (20 sets of
 * 5 fine ids), read from the data itself.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dataError } from './data-error.ts';
import { readDataFile, readDataText } from './data-file.ts';
import { MAX_BINARY_FILE_BYTES, MAX_SIDE_FILE_BYTES } from './data-path-guard.ts';
import { byteImages } from './inputs.ts';
import type { RawDataset } from './raw-dataset.ts';
import type { AffinityPreset, LoadOptions, Split } from './types.ts';

const PIXELS = 32 * 32 * 3;
const PLANE = 32 * 32;

export type CifarVariant = 'cifar10' | 'cifar100';

/** The folder holding the .bin files: the path, its folder (a .bin path), or the folder the
 * official archives extract to (cifar-10-batches-bin, cifar-100-binary) inside the path. */
export function cifarFolder(path: string): string {
  if (!statSync(path).isDirectory()) return dirname(path);
  for (const inner of ['cifar-10-batches-bin', 'cifar-100-binary'])
    if (
      !existsSync(join(path, 'test.bin')) &&
      !existsSync(join(path, 'test_batch.bin')) &&
      existsSync(join(path, inner))
    )
      return join(path, inner);
  return path;
}

export function detectCifar(path: string): CifarVariant | undefined {
  if (!existsSync(path)) return undefined;
  const dir = cifarFolder(path);
  const files = readdirSync(dir);
  if (files.includes('train.bin') && files.includes('test.bin')) return 'cifar100';
  if (files.some((f) => /^data_batch_\d+\.bin$/.test(f)) || files.includes('test_batch.bin'))
    return 'cifar10';
  return undefined;
}

function readNames(file: string, fallbackCount: number, prefix: string): string[] {
  if (existsSync(file)) {
    const names = readDataText(file, { format: 'class names', maxBytes: MAX_SIDE_FILE_BYTES })
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
    if (names.length > 0) return names;
  }
  return Array.from({ length: fallbackCount }, (_, i) => `${prefix} ${i}`);
}

interface ParsedFile {
  bytes: Uint8Array;
  records: number;
}

function readRecords(file: string, recordSize: number): ParsedFile {
  if (!existsSync(file)) throw dataError(file, {}, 'missing CIFAR file');
  // CIFAR files have no header: their size alone must be whole records, checked before reading.
  const bytes = readDataFile(file, {
    format: 'CIFAR binary',
    maxBytes: MAX_BINARY_FILE_BYTES,
    check: ({ size }) => {
      if (size === 0) throw dataError(file, { offset: 0 }, 'file is empty');
      if (size % recordSize !== 0) {
        const records = Math.floor(size / recordSize);
        throw dataError(
          file,
          { record: records, offset: records * recordSize },
          `length ${size} is not a multiple of the record size ${recordSize}: the last record is incomplete (truncated or not a CIFAR file?)`,
        );
      }
    },
  });
  return { bytes, records: bytes.length / recordSize };
}

/** Fills split rows [start, start + records) from one file. */
function decodeInto(
  file: string,
  parsed: ParsedFile,
  recordSize: number,
  labelByte: number,
  classes: number,
  split: { x: Uint8Array; y: Int32Array },
  start: number,
): void {
  const { bytes, records } = parsed;
  const x = split.x;
  for (let r = 0; r < records; r++) {
    const base = r * recordSize;
    const label = bytes[base + labelByte];
    if (label >= classes)
      throw dataError(
        file,
        { record: r, offset: base + labelByte },
        `label ${label} out of range [0, ${classes})`,
      );
    split.y[start + r] = label;
    const px = base + recordSize - PIXELS;
    let o = (start + r) * PIXELS;
    for (let p = 0; p < PLANE; p++, o += 3) {
      x[o] = bytes[px + p];
      x[o + 1] = bytes[px + PLANE + p];
      x[o + 2] = bytes[px + 2 * PLANE + p];
    }
  }
}

export function loadCifar(
  path: string,
  variant: CifarVariant,
  spec: { options?: Record<string, string | number | boolean> },
  options: LoadOptions,
): RawDataset {
  const dir = cifarFolder(path);
  const progress = options.onProgress ?? (() => {});

  let trainFiles: string[];
  let testFiles: string[];
  let recordSize: number;
  let labelByte: number;
  let classNames: string[];
  let coarseNames: string[] = [];
  const labelKind = String(spec.options?.labels ?? 'fine');
  if (variant === 'cifar10') {
    trainFiles = readdirSync(dir)
      .filter((f) => /^data_batch_\d+\.bin$/.test(f))
      .sort((a, b) => Number(a.match(/\d+/)?.[0]) - Number(b.match(/\d+/)?.[0]))
      .map((f) => join(dir, f));
    if (trainFiles.length === 0) throw dataError(dir, {}, 'no data_batch_*.bin files');
    testFiles = [join(dir, 'test_batch.bin')];
    recordSize = 1 + PIXELS;
    labelByte = 0;
    classNames = readNames(join(dir, 'batches.meta.txt'), 10, 'class');
  } else {
    if (labelKind !== 'fine' && labelKind !== 'coarse')
      throw dataError(dir, {}, `option labels must be 'fine' or 'coarse', not '${labelKind}'`);
    trainFiles = [join(dir, 'train.bin')];
    testFiles = [join(dir, 'test.bin')];
    recordSize = 2 + PIXELS;
    labelByte = labelKind === 'coarse' ? 0 : 1;
    coarseNames = readNames(join(dir, 'coarse_label_names.txt'), 20, 'superclass');
    classNames =
      labelKind === 'coarse'
        ? coarseNames
        : readNames(join(dir, 'fine_label_names.txt'), 100, 'class');
  }

  const all = [...trainFiles, ...testFiles];
  const parsed = new Map<string, ParsedFile>();
  let done = 0;
  const total = all.length;
  const load = (files: string[]): Split => {
    const parts = files.map((f) => {
      const p = readRecords(f, recordSize);
      parsed.set(f, p);
      return p;
    });
    const n = parts.reduce((s, p) => s + p.records, 0);
    const rows = { x: new Uint8Array(n * PIXELS), y: new Int32Array(n) };
    let start = 0;
    for (const [k, f] of files.entries()) {
      decodeInto(f, parts[k], recordSize, labelByte, classNames.length, rows, start);
      start += parts[k].records;
      progress({ phase: 'decoding', done: ++done, total });
    }
    return { n, x: byteImages(rows.x, 3), y: rows.y };
  };
  const train = load(trainFiles);
  const test = load(testFiles);

  const presets: AffinityPreset[] = [];
  if (variant === 'cifar100' && labelKind === 'fine') {
    // Superclasses from the data: every fine class belongs to the coarse class it is stored with.
    // The test file's coarse labels are checked too, though only the training file's make the sets.
    const setOf: Array<Set<number>> = coarseNames.map(() => new Set<number>());
    for (const file of [...trainFiles, ...testFiles]) {
      const { bytes, records } = parsed.get(file) as ParsedFile;
      const isTrain = trainFiles.includes(file);
      for (let r = 0; r < records; r++) {
        const coarse = bytes[r * recordSize];
        if (coarse >= coarseNames.length)
          throw dataError(
            file,
            { record: r, offset: r * recordSize },
            `coarse label ${coarse} out of range [0, ${coarseNames.length})`,
          );
        if (isTrain) setOf[coarse].add(bytes[r * recordSize + 1]);
      }
    }
    // Superclasses absent from the data (possible in small extracts) would be empty sets: drop them.
    const present = setOf.map((s, k) => [k, s] as const).filter(([, s]) => s.size > 0);
    presets.push({
      name: 'superclasses',
      sets: present.map(([, s]) => [...s].sort((a, b) => a - b)),
      setNames: present.map(([k]) => coarseNames[k]),
    });
  }
  return {
    name: variant === 'cifar10' ? 'CIFAR-10' : `CIFAR-100 (${labelKind} labels)`,
    kind: variant,
    classNames,
    inputShape: [32, 32, 3],
    train,
    test,
    affinityPresets: presets,
    isImage: true,
  };
}
