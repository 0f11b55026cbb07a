/**
 * MNIST-family image sets in the IDX format, as published for MNIST, Fashion-MNIST, KMNIST and
 * EMNIST (and as Debian's dataset-fashion-mnist installs them): a folder holding
 *   [prefix]train-images-idx3-ubyte[.gz]  [prefix]train-labels-idx1-ubyte[.gz]
 *   [prefix]t10k-images-idx3-ubyte[.gz]   [prefix]t10k-labels-idx1-ubyte[.gz]
 * (`.` for the second `-` and `test` for `t10k` are accepted too; EMNIST's prefix is e.g.
 * "emnist-balanced-"). An IDX file is two zero bytes, a type byte (0x08 = unsigned byte), the
 * number of dimensions, each dimension as a big-endian uint32, then the values in C order.
 * Images (n × rows × cols, or n × rows × cols × channels) are kept as bytes (ByteImages), like
 * CIFAR. Gzipped sets are decompressed once into the binary cache (cache.ts).
 *
 * Class names: `options.classNames` ("a,b,c") wins; then `options.names` (`fashion-mnist`,
 * `mnist`, `kmnist`), then a folder name that says which set it is, then EMNIST's
 * `<prefix>mapping.txt`; otherwise "class i". EMNIST images are turned upright (see
 * `transposeOption`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import {
  FASHION_MNIST_AFFINITY,
  FASHION_MNIST_CLASS_NAMES,
} from '../../shared/config/fashion-mnist.ts';
import {
  allocateCacheEntry,
  cacheLocation,
  openCacheEntry,
  saveCacheEntry,
  type CacheSource,
} from './cache.ts';
import { dataError } from './data-error.ts';
import { expectFileSize, readDataFile, readDataText } from './data-file.ts';
import { MAX_BINARY_FILE_BYTES, MAX_SIDE_FILE_BYTES } from './data-path-guard.ts';
import { byteImages } from './inputs.ts';
import { classNamesFromOption } from './labels.ts';
import type { RawDataset } from './raw-dataset.ts';
import { stratifiedSplit } from './split.ts';
import type { LoadOptions, Split } from './types.ts';

/** Class names of the sets whose folders we recognise, in label order. */
export const IDX_CLASS_NAMES = {
  'fashion-mnist': FASHION_MNIST_CLASS_NAMES,
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  // Kuzushiji-MNIST: one character per row of the Japanese syllabary, romanised.
  kmnist: ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'],
} as const;

export type IdxVariant = keyof typeof IDX_CLASS_NAMES;

const VARIANT_TITLES: Record<IdxVariant, string> = {
  'fashion-mnist': 'Fashion-MNIST',
  mnist: 'MNIST',
  kmnist: 'Kuzushiji-MNIST',
};

const TYPE_UBYTE = 0x08;
const TRAIN_FRACTION = 2 / 3;

/** A parsed IDX array of unsigned bytes. */
export interface IdxArray {
  dims: number[];
  /** The values, C order (a view into the file's bytes). */
  data: Uint8Array;
}

/** Enough bytes for any IDX header: 4 bytes, then up to 255 dimensions of 4 bytes. */
const IDX_MAX_HEADER = 4 + 4 * 255;
/** Compressed bytes inflated to see a gzipped file's IDX header (at most ~1 MB comes out). */
const GZIP_PEEK = 1024;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gzipError(file: string, e: unknown): Error {
  return dataError(
    file,
    {},
    `not a readable gzip file (${e instanceof Error ? e.message : String(e)})`,
  );
}

/** What an IDX header declares: the dimensions and the bytes the whole file needs. */
interface IdxHeader {
  dims: number[];
  headerEnd: number;
  expected: number;
}

/** Reads the header from the first bytes of an (uncompressed) IDX file. */
function idxHeader(bytes: Uint8Array, file: string): IdxHeader {
  if (bytes.length < 4) throw dataError(file, { offset: 0 }, 'too short for an IDX header');
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw dataError(
      file,
      { offset: 0 },
      `not an IDX file: it must start with two zero bytes (found ${bytes[0]}, ${bytes[1]})`,
    );
  if (bytes[2] !== TYPE_UBYTE)
    throw dataError(
      file,
      { offset: 2 },
      `IDX value type 0x${bytes[2].toString(16).padStart(2, '0')} is not supported (images and labels must be unsigned bytes, 0x08)`,
    );
  const rank = bytes[3];
  if (rank === 0) throw dataError(file, { offset: 3 }, 'IDX file declares no dimensions');
  const headerEnd = 4 + 4 * rank;
  if (bytes.length < headerEnd)
    throw dataError(file, { offset: bytes.length }, `file ends inside its ${rank} dimensions`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, k) => view.getUint32(4 + 4 * k, false));
  return { dims, headerEnd, expected: headerEnd + dims.reduce((a, b) => a * b, 1) };
}

/**
 * Inflates a gzipped IDX file after checking what its header declares: against the cap, and
 * against the uncompressed size the gzip trailer records (ISIZE, the size modulo 2^32), so a
 * small file cannot inflate into an allocation its header did not announce.
 */
function gunzipIdx(bytes: Uint8Array, file: string): Uint8Array {
  let head: Uint8Array;
  try {
    // A small file is inflated whole (deflate expands at most ~1032×, so ~1 MB), and a cut
    // stream says so; of a larger one, what the first bytes hold (Z_SYNC_FLUSH: without
    // asking for the stream's end).
    head =
      bytes.length <= GZIP_PEEK
        ? gunzipSync(bytes)
        : gunzipSync(bytes.subarray(0, GZIP_PEEK), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch (e) {
    throw gzipError(file, e);
  }
  const { dims, expected } = idxHeader(head, file);
  const declared = `the header declares dimensions ${dims.join('×')}, ${expected} bytes`;
  if (expected > MAX_BINARY_FILE_BYTES)
    throw dataError(
      file,
      {},
      `${declared}: more than the IDX limit of ${MAX_BINARY_FILE_BYTES} bytes`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isize = bytes.length >= 18 ? view.getUint32(bytes.length - 4, true) : -1;
  if (isize !== expected % 2 ** 32)
    throw dataError(
      file,
      {},
      `${declared}; the gzip trailer records ${isize < 0 ? 'nothing (truncated)' : `${isize} bytes uncompressed`}`,
    );
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.max(1, expected) });
  } catch (e) {
    throw gzipError(file, e);
  }
}

/** Parses one IDX file's bytes (gzipped or raw); `file` names it in errors. */
export function parseIdx(raw: Uint8Array, file: string): IdxArray {
  const bytes = isGzip(raw) ? gunzipIdx(raw, file) : raw;
  const { dims, headerEnd, expected } = idxHeader(bytes, file);
  if (bytes.length !== expected)
    throw dataError(
      file,
      { offset: Math.min(bytes.length, expected) },
      `dimensions ${dims.join('×')} need ${expected} bytes, the file has ${bytes.length} (${bytes.length < expected ? 'truncated' : 'trailing bytes'})`,
    );
  return { dims, data: bytes.subarray(headerEnd) };
}

/**
 * Reads and parses one IDX file. A raw file's header is checked against its size (fstat)
 * before the body is read; a gzipped one's against its trailer before it is inflated.
 */
export function readIdxFile(file: string): IdxArray {
  const bytes = readDataFile(file, {
    format: 'IDX',
    maxBytes: MAX_BINARY_FILE_BYTES,
    check: (f) => {
      const head = f.read(0, IDX_MAX_HEADER);
      if (isGzip(head)) return;
      const { dims, expected } = idxHeader(head, file);
      expectFileSize(f, expected, `dimensions ${dims.join('×')}`);
    },
  });
  return parseIdx(bytes, file);
}

/** The four (or two) files of an IDX folder. */
export interface IdxFiles {
  /** The shared prefix of the names, lower case ("" for MNIST, "emnist-balanced-" for EMNIST). */
  prefix: string;
  trainImages: string;
  trainLabels: string;
  testImages?: string;
  testLabels?: string;
}

const IDX_NAME = /^(.*?)(train|t10k|test)-(images|labels)[-.]idx([13])-ubyte(\.gz)?$/i;

/** Finds the IDX files in a folder, or undefined when it holds no training images and labels. */
export function findIdxFiles(dir: string): IdxFiles | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  const found = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const m = IDX_NAME.exec(name);
    if (!m) continue;
    const [, prefix, split, what] = m;
    const key = `${prefix.toLowerCase()}|${split.toLowerCase() === 'train' ? 'train' : 'test'}|${what.toLowerCase()}`;
    // A raw file wins over its .gz twin (both present after a partial gunzip).
    if (!found.has(key) || !name.toLowerCase().endsWith('.gz')) found.set(key, join(dir, name));
  }
  const prefixes = [...new Set([...found.keys()].map((k) => k.split('|')[0]))].sort();
  for (const prefix of prefixes) {
    const get = (split: string, what: string) => found.get(`${prefix}|${split}|${what}`);
    const trainImages = get('train', 'images');
    const trainLabels = get('train', 'labels');
    if (trainImages === undefined || trainLabels === undefined) continue;
    const files: IdxFiles = { prefix, trainImages, trainLabels };
    const testImages = get('test', 'images');
    const testLabels = get('test', 'labels');
    if (testImages !== undefined && testLabels !== undefined) {
      files.testImages = testImages;
      files.testLabels = testLabels;
    }
    return files;
  }
  return undefined;
}

/** Which known set a folder holds, from `options.names` or the folder's name. */
export function idxVariant(dir: string, names: unknown): IdxVariant | undefined {
  if (names !== undefined) {
    if (typeof names === 'string' && Object.hasOwn(IDX_CLASS_NAMES, names))
      return names as IdxVariant;
    throw dataError(
      dir,
      {},
      `option names must be one of ${Object.keys(IDX_CLASS_NAMES).join(', ')} (or give classNames), not '${String(names)}'`,
    );
  }
  const folder = basename(resolve(dir)).toLowerCase();
  if (folder.includes('fashion')) return 'fashion-mnist';
  if (folder.includes('kmnist') || folder.includes('kuzushiji')) return 'kmnist';
  if (/(^|[^a-z])mnist/.test(folder)) return 'mnist';
  return undefined;
}

interface IdxPair {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  shape: [number, number, number];
}

function readPair(imagesFile: string, labelsFile: string): IdxPair {
  const images = readIdxFile(imagesFile);
  const labels = readIdxFile(labelsFile);
  const [n, rows, cols, channels = 1] = images.dims;
  if ((images.dims.length !== 3 && images.dims.length !== 4) || rows === 0 || cols === 0)
    throw dataError(
      imagesFile,
      { offset: 3 },
      `images must have 3 dimensions (n × rows × cols) or 4 (… × channels), found ${images.dims.join('×')}`,
    );
  if (channels !== 1 && channels !== 3)
    throw dataError(imagesFile, { offset: 16 }, `images have ${channels} channels, not 1 or 3`);
  if (labels.dims.length !== 1 && !(labels.dims.length === 2 && labels.dims[1] === 1))
    throw dataError(
      labelsFile,
      { offset: 3 },
      `labels must have 1 dimension, found ${labels.dims.join('×')}`,
    );
  if (labels.dims[0] !== n)
    throw dataError(
      labelsFile,
      { offset: 4 },
      `${labels.dims[0]} labels for the ${n} images of ${basename(imagesFile)}`,
    );
  return { images: images.data, labels: labels.data, n, shape: [rows, cols, channels] };
}

function sourcesOf(files: string[]): CacheSource[] {
  return files.map((path) => {
    const s = statSync(path);
    return { path, size: s.size, mtimeMs: s.mtimeMs };
  });
}

interface Decoded {
  shape: [number, number, number];
  labels: Int32Array;
  /** 0 train, 1 test, 2 to be split. */
  parts: Uint8Array;
  pixels: Uint8Array;
  /** The file each point's label came from (for range errors). */
  labelFile: (i: number) => { file: string; record: number };
}

/** Reads the files (from the cache when they are gzipped and were read before). */
async function decode(files: IdxFiles, options: LoadOptions): Promise<Decoded> {
  const progress = options.onProgress ?? (() => {});
  const list = [files.trainImages, files.trainLabels, files.testImages, files.testLabels].filter(
    (f): f is string => f !== undefined,
  );
  const gzipped = list.some((f) => f.toLowerCase().endsWith('.gz'));
  const at = cacheLocation('idx', '', sourcesOf(list), options.cacheDir);
  const cached = gzipped ? openCacheEntry(at.file, at.key) : undefined;
  if (cached) {
    try {
      const { height, width, channels, count } = cached.header;
      const pixels = new Uint8Array(count * height * width * channels);
      progress({ phase: 'reading cache', done: 0, total: 1 });
      cached.readPixels(0, count, pixels);
      progress({ phase: 'reading cache', done: 1, total: 1 });
      const nTrain = cached.parts.findIndex((p) => p === 1);
      return {
        shape: [height, width, channels],
        labels: Int32Array.from(cached.labels),
        parts: Uint8Array.from(cached.parts),
        pixels,
        labelFile: (i) =>
          nTrain < 0 || i < nTrain
            ? { file: files.trainLabels, record: i }
            : { file: files.testLabels ?? files.trainLabels, record: i - nTrain },
      };
    } finally {
      cached.close();
    }
  }

  progress({ phase: 'decoding', done: 0, total: list.length / 2 });
  const train = readPair(files.trainImages, files.trainLabels);
  progress({ phase: 'decoding', done: 1, total: list.length / 2 });
  const test =
    files.testImages && files.testLabels ? readPair(files.testImages, files.testLabels) : undefined;
  if (test) {
    progress({ phase: 'decoding', done: 2, total: 2 });
    if (test.shape.join() !== train.shape.join())
      throw dataError(
        files.testImages as string,
        { offset: 4 },
        `test images are ${test.shape.join('×')}, training images ${train.shape.join('×')}`,
      );
  }
  const count = train.n + (test?.n ?? 0);
  const [height, width, channels] = train.shape;
  // The set is assembled in a cache entry's buffer either way; only a gzipped set is worth
  // writing out (a raw IDX file is already one sequential read).
  const entry = allocateCacheEntry({ key: at.key, count, height, width, channels });
  entry.pixels.set(train.images, 0);
  if (test) entry.pixels.set(test.images, train.images.length);
  entry.labels.set(train.labels, 0);
  if (test) entry.labels.set(test.labels, train.n);
  entry.parts.fill(test ? 0 : 2, 0, train.n);
  entry.parts.fill(1, train.n);
  if (gzipped) await saveCacheEntry(at, entry.buffer, progress);
  return {
    shape: train.shape,
    labels: entry.labels,
    parts: entry.parts,
    pixels: entry.pixels,
    labelFile: (i) =>
      i < train.n
        ? { file: files.trainLabels, record: i }
        : { file: files.testLabels as string, record: i - train.n },
  };
}

/** Every label must name a class; the error points at the label's byte in its file. */
function checkRange(d: Decoded, classes: number, hint: string): void {
  for (let i = 0; i < d.labels.length; i++)
    if (d.labels[i] >= classes) {
      const at = d.labelFile(i);
      // Label files have an 8-byte header (magic + one dimension), then one byte per label.
      throw dataError(
        at.file,
        { record: at.record, offset: 8 + at.record },
        `label ${d.labels[i]} out of range [0, ${classes})${hint}`,
      );
    }
}

function classNamesFor(
  dir: string,
  prefix: string,
  d: Decoded,
  opts: Record<string, string | number | boolean>,
): { names: string[]; variant?: IdxVariant } {
  if (typeof opts.classNames === 'string' && opts.classNames.trim() !== '') {
    const names = opts.classNames.split(',').map((s) => s.trim());
    checkRange(d, names.length, ' (option classNames names fewer classes)');
    return { names };
  }
  const variant = idxVariant(dir, opts.names);
  if (variant) {
    const names = [...IDX_CLASS_NAMES[variant]];
    checkRange(d, names.length, ` for ${VARIANT_TITLES[variant]} (set option classNames)`);
    return { names, variant };
  }
  let max = 0;
  for (let i = 0; i < d.labels.length; i++) if (d.labels[i] > max) max = d.labels[i];
  return {
    names: mappingNames(dir, prefix, max + 1) ?? classNamesFromOption(undefined, max + 1),
  };
}

/** Copies image `i` of `src` into slot `k` of `dst`, swapping rows and columns if asked. */
function copyImage(
  src: Uint8Array,
  dst: Uint8Array,
  i: number,
  k: number,
  shape: [number, number, number],
  transpose: boolean,
): void {
  const [rows, cols, channels] = shape;
  const size = rows * cols * channels;
  if (!transpose) {
    dst.set(src.subarray(i * size, (i + 1) * size), k * size);
    return;
  }
  // Stored pixel (r, c) becomes pixel (c, r) of a cols × rows image.
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++)
      for (let ch = 0; ch < channels; ch++)
        dst[k * size + (c * rows + r) * channels + ch] =
          src[i * size + (r * cols + c) * channels + ch];
}

function takeSplit(d: Decoded, resolved: Uint8Array, which: 0 | 1, transpose: boolean): Split {
  const [rows, cols, channels] = d.shape;
  let n = 0;
  for (let i = 0; i < resolved.length; i++) if (resolved[i] === which) n++;
  const bytes = new Uint8Array(n * rows * cols * channels);
  const y = new Int32Array(n);
  for (let i = 0, k = 0; i < resolved.length; i++) {
    if (resolved[i] !== which) continue;
    copyImage(d.pixels, bytes, i, k, d.shape, transpose);
    y[k++] = d.labels[i];
  }
  return { n, x: byteImages(bytes, channels), y };
}

/**
 * EMNIST stores its images transposed (column by column); they are turned upright unless
 * `options.transpose` says otherwise. Other sets are read as stored unless it says so.
 */
function transposeOption(files: IdxFiles, value: unknown, dir: string): boolean {
  if (value === undefined) return files.prefix.startsWith('emnist');
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw dataError(dir, {}, `option transpose must be true or false, not '${String(value)}'`);
}

/**
 * EMNIST's `<prefix>mapping.txt`: one line per class, "label code [code…]" with character
 * codes (the letters splits map one label to upper and lower case: "1 65 97" → "A/a").
 */
function mappingNames(dir: string, prefix: string, classes: number): string[] | undefined {
  const name = readdirSync(dir).find((f) => f.toLowerCase() === `${prefix}mapping.txt`);
  if (name === undefined) return undefined;
  const file = join(dir, name);
  const names = classNamesFromOption(undefined, classes);
  readDataText(file, { format: 'EMNIST mapping', maxBytes: MAX_SIDE_FILE_BYTES })
    .split(/\r?\n/)
    .forEach((text, k) => {
      if (text.trim() === '') return;
      const values = text.trim().split(/\s+/).map(Number);
      if (values.length < 2 || values.some((v) => !Number.isInteger(v) || v < 0))
        throw dataError(file, { line: k + 1 }, `expected "label code [code…]", found '${text}'`);
      const [label, ...codes] = values;
      if (label < classes)
        names[label] = [...new Set(codes.map((c) => String.fromCodePoint(c)))].join('/');
    });
  return names;
}

export async function loadIdx(
  path: string,
  seed: number,
  opts: Record<string, string | number | boolean> = {},
  options: LoadOptions = {},
): Promise<RawDataset> {
  const files = findIdxFiles(path);
  if (!files)
    throw dataError(
      path,
      {},
      'no IDX files: expected train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] (and t10k-… for the test split), optionally with a prefix such as emnist-balanced-',
    );
  // Options are checked before any file is read or cached.
  const transpose = transposeOption(files, opts.transpose, path);
  if (opts.classNames === undefined) idxVariant(path, opts.names);
  const d = await decode(files, options);
  const { names, variant } = classNamesFor(path, files.prefix, d, opts);
  const [rows, cols, channels] = d.shape;
  const resolved = Uint8Array.from(d.parts);
  const unsplit: number[] = [];
  for (let i = 0; i < resolved.length; i++) if (resolved[i] === 2) unsplit.push(i);
  if (unsplit.length > 0) {
    const sub = stratifiedSplit(
      Int32Array.from(unsplit, (i) => d.labels[i]),
      names.length,
      TRAIN_FRACTION,
      seed,
    );
    unsplit.forEach((i, k) => (resolved[i] = sub[k]));
  }
  return {
    name: variant ? VARIANT_TITLES[variant] : `IDX images (${basename(resolve(path))})`,
    kind: 'idx',
    classNames: names,
    inputShape: transpose ? [cols, rows, channels] : [rows, cols, channels],
    train: takeSplit(d, resolved, 0, transpose),
    test: takeSplit(d, resolved, 1, transpose),
    affinityPresets: variant === 'fashion-mnist' ? [structuredClone(FASHION_MNIST_AFFINITY)] : [],
    isImage: true,
  };
}
