/**
 * Small files in the real formats, written by tests into temporary folders (never committed data).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, expect } from 'vitest';
import { RelaxCertError } from '../../../shared/errors.ts';
import { encodePng } from '../image-codec.ts';

/** Runs `fn`, expects it to throw a DATA_FORMAT RelaxCertError, and returns that error. */
export function formatError(fn: () => unknown): RelaxCertError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RelaxCertError);
    expect((error as RelaxCertError).code).toBe('DATA_FORMAT');
    return error as RelaxCertError;
  }
  throw new Error('expected a DATA_FORMAT error');
}

/** The real ACAS Xu networks, read in place (never copied into the repository). */
export const ACAS_DIR = new URL('../../../../shared/data/acasxu/', import.meta.url).pathname;

const created: string[] = [];
// Registered on the importing test file's root suite: its folders go when its tests are done.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test file's tests. */
export function tempDir(prefix = 'relaxcert-data-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function writeFile(path: string, data: string | Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return path;
}

/** A flat-colour RGB image as bytes, with a gradient so images differ. */
export function rgbImage(
  width: number,
  height: number,
  rgb: [number, number, number],
  seed = 0,
): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++)
    for (let c = 0; c < 3; c++) out[p * 3 + c] = (rgb[c] + ((p + seed) % 7)) & 255;
  return out;
}

export function jpegBytes(
  rgb: Uint8Array,
  width: number,
  height: number,
  quality = 95,
): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ data: rgba, width, height }, quality).data);
}

export function pngBytes(rgb: Uint8Array, width: number, height: number): Uint8Array {
  return encodePng(rgb, width, height, 3);
}

/** CIFAR records: label bytes then 3 planes; pixel (p, c) = (label * 10 + c * 3 + p) & 255. */
export function cifarRecords(labels: number[][]): Uint8Array {
  const rec = labels[0].length + 3072;
  const out = new Uint8Array(labels.length * rec);
  labels.forEach((ls, r) => {
    out.set(ls, r * rec);
    const last = ls[ls.length - 1];
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 1024; p++)
        out[r * rec + ls.length + c * 1024 + p] = (last * 10 + c * 3 + p) & 255;
  });
  return out;
}

/** A .npy file (version 1) of the given dtype and shape. */
export function npyBytes(
  descr: '<f4' | '|u1' | '<i8' | '<i4',
  shape: number[],
  values: ArrayLike<number>,
): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const item = descr === '|u1' ? 1 : descr === '<i8' ? 8 : 4;
  const out = Buffer.alloc(10 + header.length + values.length * item);
  out[0] = 0x93;
  out.write('NUMPY', 1, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  let o = 10 + header.length;
  for (let i = 0; i < values.length; i++, o += item) {
    if (descr === '<f4') out.writeFloatLE(values[i], o);
    else if (descr === '|u1') out.writeUInt8(values[i], o);
    else if (descr === '<i4') out.writeInt32LE(values[i], o);
    else out.writeBigInt64LE(BigInt(values[i]), o);
  }
  return out;
}

/**
 * A tiny .nnet: 2 inputs in [0, 10] × [−1, 1], one hidden ReLU layer of 3, 3 outputs.
 * Normalised inputs u = (x0 − 5) / 10, v = x1 / 2; hidden h = relu(u), relu(−u), relu(v);
 * outputs (before the output scaling, which keeps the order) h0, h1, 0.3 − h2.
 * So the advisory (smallest output) is 2 when x1 > 0.6, else 1 when x0 > 5, else 0.
 */
export const TINY_NNET = [
  '// a tiny test network',
  '// second comment line',
  '2,2,3,3,',
  '2,3,3,',
  '0,',
  '0.0,-1.0,',
  '10.0,1.0,',
  '5.0,0.0,1.0,',
  '10.0,2.0,2.0,',
  '1.0,0.0,',
  '-1.0,0.0,',
  '0.0,1.0,',
  '0.0,',
  '0.0,',
  '0.0,',
  '1.0,0.0,0.0,',
  '0.0,1.0,0.0,',
  '0.0,0.0,-1.0,',
  '0.0,',
  '0.0,',
  '0.3,',
  '',
].join('\n');

export function tinyNnetAdvisory(x0: number, x1: number): number {
  const c0 = Math.min(10, Math.max(0, x0));
  const c1 = Math.min(1, Math.max(-1, x1));
  if (c1 > 0.6) return 2;
  return c0 > 5 ? 1 : 0;
}

/** Byte equality of two typed arrays (fast, unlike a deep equality on millions of numbers). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/** An IDX file of unsigned bytes (MNIST format): 0, 0, 0x08, rank, big-endian dims, values. */
export function idxBytes(dims: number[], values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  out[2] = 0x08;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  out.set(Array.from(values), 4 + 4 * dims.length);
  return out;
}
