/**
 * NumPy .npy arrays (format versions 1–3, little-endian, C order), parsed by hand: the header is a
 * Python dict literal, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (100, 32, 32, 3), }.
 * Features: float32 (as is), float64 (to float32) or uint8 (scaled to [0, 1]); labels: any integer
 * type. Rank-4 features with 1 or 3 channels (or rank 3, read as 1 channel) are images.
 *
 * Files: `path` is a features .npy whose labels are `options.labels`, else the sibling named with a
 * leading x/X swapped for y/Y (x_train.npy → y_train.npy), else `<stem>_labels.npy`. When the name
 * says `train` and the matching `test` files exist they form the test split; otherwise a seeded,
 * stratified 2/3–1/3 split. `path` may also be a folder in one of NPY_FOLDER_LAYOUTS
 * (x_train/y_train[/x_test/y_test].npy, features/labels[/test_features/test_labels].npy, X/y.npy).
 * Class names: `options.classNames` ("a,b,c"), else "class i".
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { dataError } from './data-error.ts';
import { expectFileSize, readDataFile } from './data-file.ts';
import { MAX_BINARY_FILE_BYTES } from './data-path-guard.ts';
import { classNamesFromOption } from './labels.ts';
import { sizeOf, type RawDataset } from './raw-dataset.ts';
import { stratifiedSplit, takePart } from './split.ts';
import type { LoadOptions, Split } from './types.ts';

export type NpyDtype = 'f4' | 'f8' | 'u1' | 'i1' | 'u2' | 'i2' | 'u4' | 'i4' | 'i8' | 'u8';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** Offset of the data in the file. */
  dataOffset: number;
  bytes: Uint8Array;
}

const ITEM: Record<NpyDtype, number> = {
  f4: 4,
  f8: 8,
  u1: 1,
  i1: 1,
  u2: 2,
  i2: 2,
  u4: 4,
  i4: 4,
  i8: 8,
  u8: 8,
};

/** What a .npy header declares, and the bytes the whole file needs. */
interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  dataOffset: number;
  expected: number;
}

/**
 * Headers are a line of text padded to 64 bytes; numpy writes a few hundred bytes at most. A
 * version 2 header may declare up to 4 GiB: more than this is refused before it is read.
 */
const MAX_NPY_HEADER = 1024 * 1024;

/** Reads the header from the first bytes of a .npy file (at least up to its data). */
function npyHeader(bytes: Uint8Array, file: string): NpyHeader {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 10 || buf[0] !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY')
    throw dataError(file, { offset: 0 }, 'not a .npy file (expected the magic \\x93NUMPY)');
  const major = buf[6];
  if (major < 1 || major > 3)
    throw dataError(file, { offset: 6 }, `unsupported .npy format version ${major}`);
  const lenBytes = major === 1 ? 2 : 4;
  if (buf.length < 8 + lenBytes) throw dataError(file, { offset: buf.length }, 'truncated header');
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const headerStart = 8 + lenBytes;
  if (headerLen > MAX_NPY_HEADER)
    throw dataError(
      file,
      { offset: 8 },
      `header of ${headerLen} bytes declared, more than the ${MAX_NPY_HEADER} a .npy header may have`,
    );
  const dataOffset = headerStart + headerLen;
  if (dataOffset > buf.length)
    throw dataError(
      file,
      { offset: buf.length },
      `truncated header: expected ${headerLen} header bytes`,
    );
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', headerStart, dataOffset);
  const descr = /'descr'\s*:\s*'([<>|=])([a-z])(\d+)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeMatch)
    throw dataError(
      file,
      { offset: headerStart },
      `header lacks descr, fortran_order or shape: ${header.trim()}`,
    );
  const [, order, kind, size] = descr;
  const dtype = `${kind}${size}` as NpyDtype;
  if (!(dtype in ITEM))
    throw dataError(
      file,
      { offset: headerStart },
      `unsupported dtype '${order}${kind}${size}' (use float32, float64, uint8 or an integer type)`,
    );
  if (order === '>' && ITEM[dtype] > 1)
    throw dataError(file, { offset: headerStart }, 'big-endian arrays are not supported');
  if (fortran[1] === 'True')
    throw dataError(
      file,
      { offset: headerStart },
      'Fortran-ordered arrays are not supported (save with C order)',
    );
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0))
    throw dataError(file, { offset: headerStart }, `bad shape (${shapeMatch[1]})`);
  return { dtype, shape, dataOffset, expected: dataOffset + sizeOf(shape) * ITEM[dtype] };
}

export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const { dtype, shape, dataOffset, expected } = npyHeader(bytes, file);
  if (bytes.length < expected)
    throw dataError(
      file,
      { offset: bytes.length },
      `truncated: shape (${shape.join(', ')}) needs ${expected} bytes, the file has ${bytes.length}`,
    );
  if (bytes.length > expected)
    throw dataError(
      file,
      { offset: expected },
      `${bytes.length - expected} unexpected bytes after the array data`,
    );
  return { dtype, shape, dataOffset, bytes };
}

/**
 * Reads and parses one .npy file; the shape its header declares is checked against the file's
 * size (fstat) before the data is read.
 */
export function readNpyFile(file: string): NpyArray {
  const bytes = readDataFile(file, {
    format: '.npy',
    maxBytes: MAX_BINARY_FILE_BYTES,
    check: (f) => {
      // The header is at most 12 + MAX_NPY_HEADER bytes: read that much (or the whole file).
      const { shape, dtype, expected } = npyHeader(f.read(0, 12 + MAX_NPY_HEADER), file);
      expectFileSize(f, expected, `shape (${shape.join(', ')}) of ${dtype}`);
    },
  });
  return parseNpy(bytes, file);
}

/** Reads element i as a number (little-endian). */
function reader(a: NpyArray): (i: number) => number {
  const dv = new DataView(a.bytes.buffer, a.bytes.byteOffset + a.dataOffset);
  switch (a.dtype) {
    case 'f4':
      return (i) => dv.getFloat32(i * 4, true);
    case 'f8':
      return (i) => dv.getFloat64(i * 8, true);
    case 'u1':
      return (i) => dv.getUint8(i);
    case 'i1':
      return (i) => dv.getInt8(i);
    case 'u2':
      return (i) => dv.getUint16(i * 2, true);
    case 'i2':
      return (i) => dv.getInt16(i * 2, true);
    case 'u4':
      return (i) => dv.getUint32(i * 4, true);
    case 'i4':
      return (i) => dv.getInt32(i * 4, true);
    case 'i8':
      return (i) => Number(dv.getBigInt64(i * 8, true));
    case 'u8':
      return (i) => Number(dv.getBigUint64(i * 8, true));
  }
}

function readFeatures(file: string): { x: Float32Array; shape: number[]; isImage: boolean } {
  const a = readNpyFile(file);
  if (a.dtype !== 'f4' && a.dtype !== 'f8' && a.dtype !== 'u1')
    throw dataError(file, {}, `features must be float32, float64 or uint8, not ${a.dtype}`);
  if (a.shape.length < 2)
    throw dataError(file, {}, `features need shape (n, ...), found (${a.shape.join(', ')})`);
  let shape = a.shape.slice(1);
  if (shape.length === 2) shape = [...shape, 1]; // (n, H, W): grey images
  const isImage = shape.length === 3 && (shape[2] === 1 || shape[2] === 3);
  const get = reader(a);
  const total = sizeOf(a.shape);
  const x = new Float32Array(total);
  const scale = a.dtype === 'u1' ? 1 / 255 : 1;
  for (let i = 0; i < total; i++) x[i] = get(i) * scale;
  return { x, shape, isImage };
}

function readLabels(file: string, n: number): { y: Int32Array; offsets: (i: number) => number } {
  const a = readNpyFile(file);
  if (a.dtype === 'f4' || a.dtype === 'f8')
    throw dataError(file, {}, `labels must be integers, not ${a.dtype}`);
  const count = sizeOf(a.shape);
  if (!(a.shape.length === 1 || (a.shape.length === 2 && a.shape[1] === 1)) || count !== n)
    throw dataError(file, {}, `labels must have shape (${n},), found (${a.shape.join(', ')})`);
  const get = reader(a);
  return {
    y: Int32Array.from({ length: n }, (_, i) => get(i)),
    offsets: (i) => a.dataOffset + i * ITEM[a.dtype],
  };
}

interface Pair {
  features: string;
  labels: string;
}

/** The folder layouts a .npy folder may have, in the order they are tried (names in any case). */
export const NPY_FOLDER_LAYOUTS = [
  { train: ['x_train.npy', 'y_train.npy'], test: ['x_test.npy', 'y_test.npy'] },
  { train: ['features.npy', 'labels.npy'], test: ['test_features.npy', 'test_labels.npy'] },
  { train: ['x.npy', 'y.npy'], test: undefined },
] as const;

/** The arrays of a .npy folder, or undefined when none of the layouts fits. */
export function npyFolderPairs(dir: string): { train: Pair; test?: Pair } | undefined {
  const files = readdirSync(dir);
  const find = (name: string) => {
    const f = files.find((n) => n.toLowerCase() === name);
    return f === undefined ? undefined : join(dir, f);
  };
  for (const layout of NPY_FOLDER_LAYOUTS) {
    const [xf, yf] = layout.train.map(find);
    if (!xf || !yf) continue;
    const [xt, yt] = layout.test?.map(find) ?? [];
    return {
      train: { features: xf, labels: yf },
      test: xt && yt ? { features: xt, labels: yt } : undefined,
    };
  }
  return undefined;
}

function findPairs(path: string, labelsOption: string | undefined): { train: Pair; test?: Pair } {
  if (statSync(path).isDirectory()) {
    const pairs = npyFolderPairs(path);
    if (pairs) return pairs;
    const looked = NPY_FOLDER_LAYOUTS.map(
      (l) => `${l.train.join(' + ')}${l.test ? ` (test: ${l.test.join(' + ')})` : ''}`,
    ).join(', or ');
    const found = readdirSync(path).filter((f) => f.toLowerCase().endsWith('.npy'));
    throw dataError(
      path,
      {},
      `a .npy folder needs ${looked}; found ${found.length ? found.join(', ') : 'no .npy files'} (or give one features file and options.labels)`,
    );
  }
  const dir = dirname(path);
  const name = basename(path);
  const labelsFor = (features: string): string | undefined => {
    const b = basename(features);
    const swapped = /^[xX]/.test(b)
      ? join(dirname(features), (b[0] === 'x' ? 'y' : 'Y') + b.slice(1))
      : undefined;
    if (swapped && existsSync(swapped)) return swapped;
    const stem = join(dirname(features), `${b.replace(/\.npy$/i, '')}_labels.npy`);
    return existsSync(stem) ? stem : undefined;
  };
  const labels = labelsOption ?? labelsFor(path);
  if (!labels)
    throw dataError(
      path,
      {},
      'no label array: set options.labels or put y_<name>.npy / <name>_labels.npy beside it',
    );
  let test: Pair | undefined;
  if (!labelsOption && /train/.test(name)) {
    const tf = join(dir, name.replace('train', 'test'));
    const tl = existsSync(tf) ? labelsFor(tf) : undefined;
    if (tl) test = { features: tf, labels: tl };
  }
  return { train: { features: path, labels }, test };
}

export function loadNpy(
  path: string,
  seed: number,
  specOptions: Record<string, string | number | boolean> | undefined,
  _options: LoadOptions,
): RawDataset {
  const options = specOptions ?? {};
  const pairs = findPairs(path, typeof options.labels === 'string' ? options.labels : undefined);
  const read = (pair: Pair) => {
    const f = readFeatures(pair.features);
    const n = f.x.length / Math.max(1, sizeOf(f.shape));
    return { ...f, n, labels: readLabels(pair.labels, n), labelFile: pair.labels };
  };
  const train = read(pairs.train);
  const test = pairs.test ? read(pairs.test) : undefined;
  if (test && sizeOf(test.shape) !== sizeOf(train.shape))
    throw dataError(
      pairs.test?.features ?? path,
      {},
      `test features have shape (${test.shape.join(', ')}), train (${train.shape.join(', ')})`,
    );
  let max = -1;
  for (const part of test ? [train, test] : [train])
    for (const v of part.labels.y) if (v > max) max = v;
  const classes = typeof options.classes === 'number' ? options.classes : max + 1;
  for (const part of test ? [train, test] : [train])
    part.labels.y.forEach((v, i) => {
      if (v < 0 || v >= classes)
        throw dataError(
          part.labelFile,
          { record: i, offset: part.labels.offsets(i) },
          `label ${v} out of range [0, ${classes})`,
        );
    });
  const size = sizeOf(train.shape);
  let trainSplit: Split;
  let testSplit: Split;
  if (test) {
    trainSplit = { n: train.n, x: train.x, y: train.labels.y };
    testSplit = { n: test.n, x: test.x, y: test.labels.y };
  } else {
    const part = stratifiedSplit(train.labels.y, classes, 2 / 3, seed);
    trainSplit = takePart(train.x, train.labels.y, part, 0, size);
    testSplit = takePart(train.x, train.labels.y, part, 1, size);
  }
  return {
    name: `${basename(path)} (.npy)`,
    kind: 'npy',
    classNames: classNamesFromOption(options.classNames, classes),
    inputShape: train.shape,
    train: trainSplit,
    test: testSplit,
    affinityPresets: [],
    isImage: train.isImage,
  };
}
