/**
 * The synthetic ACAS Xu data set of PAPER.md (Appendix E): n points uniform in a network's input
 * box (seeded), labelled by the network's advisory, stored as the NORMALISED inputs the network
 * sees, so ε is measured in normalised input space.
 *
 * File format written by `relaxcert data make-acasxu` (little-endian):
 *   bytes 0–7   ASCII "RCACASX1"
 *   bytes 8–11  uint32 H, the length of the JSON header
 *   H bytes     UTF-8 JSON header (padded with spaces so the arrays start on a 4-byte boundary):
 *               { format: "relaxcert-acasxu", version: 1, n, inputSize, classNames, seed, source,
 *                 inputMins, inputMaxs, means, ranges, classCounts, minDiffLabelDistance,
 *                 suggestedEpsilon }
 *   n × inputSize float32   normalised inputs, row-major
 *   n int32                 labels (advisory ids)
 */
import { basename } from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { dataError } from './data-error.ts';
import { expectFileSize, readDataFile, readDataText } from './data-file.ts';
import { MAX_BINARY_FILE_BYTES, MAX_TEXT_FILE_BYTES } from './data-path-guard.ts';
import { minDiffLabelDistance } from './min-distance.ts';
import { advisory, createEvaluator, nnetClassNames, parseNnet, type NnetNetwork } from './nnet.ts';
import { classCounts, type RawDataset } from './raw-dataset.ts';
import { createRng } from './rng.ts';
import type { AffinityPreset, Split } from './types.ts';

export const ACAS_MAGIC = 'RCACASX1';
export const ACAS_DEFAULT_TRAIN = 16000;
export const ACAS_DEFAULT_TEST = 4000;

export interface AcasxuSet {
  n: number;
  inputSize: number;
  classNames: string[];
  /** n × inputSize normalised inputs. */
  x: Float32Array;
  y: Int32Array;
  seed: number;
  source: string;
}

export interface AcasxuSummary {
  n: number;
  classNames: string[];
  classCounts: number[];
  minDiffLabelDistance: number;
  suggestedEpsilon: number;
}

/** {COC,WL}, {COC,WR}, {WL,SL}, {WR,SR}: advisories a small input change may swap. */
export function adjacentAdvisoriesPreset(): AffinityPreset {
  return {
    name: 'adjacent advisories',
    sets: [
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 4],
    ],
    setNames: ['COC/WL', 'COC/WR', 'WL/SL', 'WR/SR'],
  };
}

export async function readNnetFile(path: string): Promise<NnetNetwork> {
  return parseNnet(readDataText(path, { format: '.nnet', maxBytes: MAX_TEXT_FILE_BYTES }), path);
}

export function makeAcasxuSet(net: NnetNetwork, n: number, seed: number): AcasxuSet {
  const d = net.inputSize;
  const rng = createRng(seed);
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  const input = new Float64Array(d);
  const evaluate = createEvaluator(net);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const raw = net.inputMins[k] + (net.inputMaxs[k] - net.inputMins[k]) * rng.next();
      input[k] = (raw - net.means[k]) / net.ranges[k];
      x[i * d + k] = input[k];
    }
    y[i] = advisory(evaluate(input));
  }
  return {
    n,
    inputSize: d,
    classNames: nnetClassNames(net),
    x,
    y,
    seed,
    source: basename(net.file),
  };
}

export function summariseAcasxu(set: AcasxuSet): AcasxuSummary {
  const min = minDiffLabelDistance(set.x, set.y, set.inputSize).distance;
  return {
    n: set.n,
    classNames: set.classNames,
    classCounts: classCounts(set.y, set.classNames.length),
    minDiffLabelDistance: min,
    suggestedEpsilon: min / 2,
  };
}

export function encodeAcasxuFile(
  set: AcasxuSet,
  net: NnetNetwork,
  summary: AcasxuSummary,
): Uint8Array {
  const header = {
    format: 'relaxcert-acasxu',
    version: 1,
    n: set.n,
    inputSize: set.inputSize,
    classNames: set.classNames,
    seed: set.seed,
    source: set.source,
    inputMins: [...net.inputMins],
    inputMaxs: [...net.inputMaxs],
    means: [...net.means],
    ranges: [...net.ranges],
    classCounts: summary.classCounts,
    minDiffLabelDistance: Number.isFinite(summary.minDiffLabelDistance)
      ? summary.minDiffLabelDistance
      : null,
    suggestedEpsilon: Number.isFinite(summary.suggestedEpsilon) ? summary.suggestedEpsilon : null,
  };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  if (pad > 0) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = Buffer.alloc(12 + json.length + set.x.length * 4 + set.n * 4);
  out.write(ACAS_MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  let o = 12 + json.length;
  for (let i = 0; i < set.x.length; i++, o += 4) out.writeFloatLE(set.x[i], o);
  for (let i = 0; i < set.n; i++, o += 4) out.writeInt32LE(set.y[i], o);
  return out;
}

export async function writeAcasxuFile(
  path: string,
  set: AcasxuSet,
  net: NnetNetwork,
  summary: AcasxuSummary,
): Promise<void> {
  await writeFileAtomic(path, encodeAcasxuFile(set, net, summary));
}

/** What a set file's header declares, and the bytes the whole file needs. */
interface AcasxuHeader {
  count: number;
  d: number;
  names: string[];
  seed: number;
  source: string;
  dataStart: number;
  expected: number;
}

/** A set file's JSON header is a few kilobytes; more than this is refused before it is read. */
const MAX_ACAS_HEADER = 1024 * 1024;

/** Reads the header from the first bytes of a set file (at least up to its data). */
function acasxuHeader(buf: Buffer, file: string): AcasxuHeader {
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== ACAS_MAGIC)
    throw dataError(
      file,
      { offset: 0 },
      `not a RelaxCert ACAS Xu set (expected the magic '${ACAS_MAGIC}')`,
    );
  const h = buf.readUInt32LE(8);
  if (h > MAX_ACAS_HEADER)
    throw dataError(
      file,
      { offset: 8 },
      `header of ${h} bytes declared, more than the ${MAX_ACAS_HEADER} a set file's header may have`,
    );
  if (12 + h > buf.length)
    throw dataError(file, { offset: buf.length }, `truncated header: expected ${h} header bytes`);
  let header: {
    format?: unknown;
    n?: unknown;
    inputSize?: unknown;
    classNames?: unknown;
    seed?: unknown;
    source?: unknown;
  };
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + h)) as typeof header;
  } catch (error) {
    throw dataError(file, { offset: 12 }, `header is not JSON (${(error as Error).message})`);
  }
  const { n, inputSize, classNames } = header;
  if (
    header.format !== 'relaxcert-acasxu' ||
    !Number.isInteger(n) ||
    !Number.isInteger(inputSize) ||
    (n as number) < 0 ||
    (inputSize as number) < 1 ||
    !Array.isArray(classNames) ||
    !classNames.every((c) => typeof c === 'string')
  )
    throw dataError(file, { offset: 12 }, 'header lacks format, n, inputSize or classNames');
  const count = n as number;
  const d = inputSize as number;
  const dataStart = 12 + h;
  return {
    count,
    d,
    names: classNames as string[],
    seed: typeof header.seed === 'number' ? header.seed : 0,
    source: typeof header.source === 'string' ? header.source : '',
    dataStart,
    expected: dataStart + count * d * 4 + count * 4,
  };
}

/**
 * Reads a set file written by `data make-acasxu`: the point count and input size its header
 * declares are checked against the file's size (fstat) before the points are read.
 */
function readAcasxuBytes(path: string): Buffer {
  return readDataFile(path, {
    format: 'ACAS Xu set',
    maxBytes: MAX_BINARY_FILE_BYTES,
    check: (f) => {
      const { count, d, expected } = acasxuHeader(f.read(0, 12 + MAX_ACAS_HEADER), path);
      expectFileSize(f, expected, `${count} points of ${d} inputs`);
    },
  });
}

export function decodeAcasxuFile(bytes: Uint8Array, file: string): AcasxuSet {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { count, d, names, seed, source, dataStart, expected } = acasxuHeader(buf, file);
  if (buf.length < expected)
    throw dataError(
      file,
      { offset: buf.length },
      `truncated: ${count} points need ${expected} bytes, the file has ${buf.length}`,
    );
  if (buf.length > expected)
    throw dataError(
      file,
      { offset: expected },
      `${buf.length - expected} unexpected bytes after the last label`,
    );
  const x = new Float32Array(count * d);
  let o = dataStart;
  for (let i = 0; i < x.length; i++, o += 4) x[i] = buf.readFloatLE(o);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++, o += 4) {
    const label = buf.readInt32LE(o);
    if (label < 0 || label >= names.length)
      throw dataError(
        file,
        { record: i, offset: o },
        `label ${label} out of range [0, ${names.length})`,
      );
    y[i] = label;
  }
  return {
    n: count,
    inputSize: d,
    classNames: names,
    x,
    y,
    seed,
    source,
  };
}

function slice(set: AcasxuSet, from: number, to: number): Split {
  const d = set.inputSize;
  return { n: to - from, x: set.x.slice(from * d, to * d), y: set.y.slice(from, to) };
}

/**
 * A .nnet path generates trainSize + testSize points (seeded); a set file is split into its first
 * trainSize and next testSize points (default: the first 80 % / the rest). Points are i.i.d., so a
 * prefix split is unbiased.
 */
export async function loadAcasxu(
  path: string,
  trainSize: number | undefined,
  testSize: number | undefined,
  seed: number,
): Promise<RawDataset> {
  let set: AcasxuSet;
  let nTrain: number;
  let nTest: number;
  if (path.toLowerCase().endsWith('.nnet')) {
    const net = await readNnetFile(path);
    nTrain = trainSize ?? ACAS_DEFAULT_TRAIN;
    nTest = testSize ?? ACAS_DEFAULT_TEST;
    set = makeAcasxuSet(net, nTrain + nTest, seed);
  } else {
    set = decodeAcasxuFile(readAcasxuBytes(path), path);
    nTrain = trainSize ?? Math.round(set.n * 0.8);
    nTest = testSize ?? set.n - nTrain;
    if (nTrain + nTest > set.n)
      throw dataError(
        path,
        {},
        `the set holds ${set.n} points, fewer than trainSize + testSize = ${nTrain + nTest}`,
      );
  }
  return {
    name: `ACAS Xu (${set.source || basename(path)})`,
    kind: 'acasxu',
    classNames: set.classNames,
    inputShape: [set.inputSize],
    train: slice(set, 0, nTrain),
    test: slice(set, nTrain, nTrain + nTest),
    affinityPresets: set.classNames.length === 5 ? [adjacentAdvisoriesPreset()] : [],
    isImage: false,
  };
}

/** The input box and normalisation of the network behind an ACAS Xu set (see the .nnet header). */
export interface AcasxuInputSpace {
  inputMins: number[];
  inputMaxs: number[];
  /** inputSize values each: the output's mean and range are left out. */
  means: number[];
  ranges: number[];
}

/**
 * The input space of the original network of an ACAS Xu data set: read from the .nnet itself,
 * or from the header of a set file written by `data make-acasxu`.
 */
export async function readAcasxuInputSpace(path: string): Promise<AcasxuInputSpace> {
  let source: {
    inputSize: number;
    inputMins: ArrayLike<number>;
    inputMaxs: ArrayLike<number>;
    means: ArrayLike<number>;
    ranges: ArrayLike<number>;
  };
  if (path.toLowerCase().endsWith('.nnet')) {
    source = await readNnetFile(path);
  } else {
    const bytes = readAcasxuBytes(path);
    decodeAcasxuFile(bytes, path); // checks the magic, header and sizes
    const header = JSON.parse(bytes.toString('utf8', 12, 12 + bytes.readUInt32LE(8))) as Record<
      string,
      unknown
    >;
    const d = header.inputSize as number;
    const numbers = (key: string, length: number): number[] => {
      const v = header[key];
      if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'number'))
        throw dataError(path, { offset: 12 }, `header: ${key} must be ${length} numbers`);
      return v as number[];
    };
    source = {
      inputSize: d,
      inputMins: numbers('inputMins', d),
      inputMaxs: numbers('inputMaxs', d),
      means: numbers('means', d + 1),
      ranges: numbers('ranges', d + 1),
    };
  }
  const d = source.inputSize;
  return {
    inputMins: Array.from(source.inputMins).slice(0, d),
    inputMaxs: Array.from(source.inputMaxs).slice(0, d),
    means: Array.from(source.means).slice(0, d),
    ranges: Array.from(source.ranges).slice(0, d),
  };
}
