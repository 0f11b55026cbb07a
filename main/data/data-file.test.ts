/**
 * Issue 14: every reader checks what a file's header declares against the file's size (fstat)
 * before it allocates or reads the body. Each bad file here is small, or sparse (a large size
 * that occupies no disk): an absurd declaration must fail at once, in one line naming the file
 * and what was expected against what was found, without memory growing by anything like the
 * declared size, and a large sparse file must fail without being read.
 */
import { spawnSync } from 'node:child_process';
import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../shared/errors.ts';
import { ACAS_MAGIC, loadAcasxu } from './acasxu.ts';
import { loadCifar } from './cifar.ts';
import { readDataFile, readDataText } from './data-file.ts';
import { readIdxFile } from './idx.ts';
import { decodeImage, MAX_IMAGE_PIXELS } from './image-codec.ts';
import { readNpyFile } from './npy.ts';
import {
  cifarRecords,
  formatError,
  idxBytes,
  npyBytes,
  pngBytes,
  rgbImage,
  tempDir,
  writeFile,
} from './testing/fixtures.ts';

/** Sparse: `size` bytes that take no room on disk (only `head` is written). */
function sparseFile(path: string, head: Uint8Array, size: number): string {
  writeFile(path, head);
  truncateSync(path, size);
  return path;
}

/**
 * Runs `fn`, which must fail with a DATA_FORMAT error, fast and without allocating: array
 * buffers may not grow by more than 16 MB (the bodies declared here are gigabytes).
 */
function failsSmall(fn: () => unknown): string {
  const before = process.memoryUsage().arrayBuffers;
  const start = performance.now();
  const error = formatError(fn);
  expect(performance.now() - start).toBeLessThan(1000);
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  expect(error.message).not.toContain('\n');
  return error.message;
}

describe('sizes checked against the format before reading', () => {
  const dir = tempDir('relaxcert-sizes-');

  it('IDX: 10^9 images declared in a 1 kB file, and beyond the cap, fail at once', () => {
    const file = writeFile(
      join(dir, 'huge-idx3-ubyte'),
      idxBytes([1e9, 28, 28], new Uint8Array(1000)),
    );
    expect(failsSmall(() => readIdxFile(file))).toMatch(
      new RegExp(
        `^${file}: the header declares dimensions 1000000000×28×28, 784000000016 bytes: more than the IDX limit of \\d+ bytes \\(the file has 1016\\)$`,
      ),
    );
    const truncated = writeFile(
      join(dir, 'short-idx1-ubyte'),
      idxBytes([5000], new Uint8Array(1000)),
    );
    expect(failsSmall(() => readIdxFile(truncated))).toBe(
      `${truncated}: byte offset 1008: the header declares dimensions 5000, 5008 bytes; the file has 1008 (truncated)`,
    );
  });

  it('IDX: a 1.5 GB sparse file whose header declares 10 images fails without being read', () => {
    const file = sparseFile(join(dir, 'sparse-idx3-ubyte'), idxBytes([10, 2, 2], []), 1.5e9);
    expect(failsSmall(() => readIdxFile(file))).toMatch(
      /declares dimensions 10×2×2, 56 bytes; the file has 1500000000 \(trailing bytes\)/,
    );
  });

  it('IDX gzipped: the declared size is checked against the gzip trailer before inflating', () => {
    // A header declaring 10^8 bytes of images, and a stream that holds 40 bytes.
    const lying = writeFile(
      join(dir, 'lying-idx3-ubyte.gz'),
      gzipSync(idxBytes([1e6, 10, 10], new Uint8Array(40))),
    );
    expect(failsSmall(() => readIdxFile(lying))).toMatch(
      /declares dimensions 1000000×10×10, 100000016 bytes; the gzip trailer records 56 bytes uncompressed/,
    );
    // A bomb: a header declaring 4 bytes of labels, then 64 MB of zeros (65 kB compressed).
    const body = new Uint8Array(64 * 1024 * 1024 + 12);
    body.set(idxBytes([4], []));
    body[7] = 4;
    const bomb = writeFile(join(dir, 'bomb-idx1-ubyte.gz'), gzipSync(body, { level: 9 }));
    expect(failsSmall(() => readIdxFile(bomb))).toMatch(
      /declares dimensions 4, 12 bytes; the gzip trailer records 67108876 bytes uncompressed/,
    );
  });

  it('.npy: a shape larger than the file, a truncated file and a 4 GiB header fail at once', () => {
    const huge = writeFile(
      join(dir, 'huge.npy'),
      npyBytes('<f4', [1e9, 784], new Float32Array(10)),
    );
    expect(failsSmall(() => readNpyFile(huge))).toMatch(
      /huge\.npy: the header declares shape \(1000000000, 784\) of f4, 3136000000128 bytes: more than the \.npy limit of \d+ bytes \(the file has 168\)$/,
    );
    const short = writeFile(
      join(dir, 'short.npy'),
      npyBytes('<f4', [100, 2], new Float32Array(200)).subarray(0, 500),
    );
    expect(failsSmall(() => readNpyFile(short))).toMatch(
      /short\.npy: byte offset 500: the header declares shape \(100, 2\) of f4, 928 bytes; the file has 500 \(truncated\)/,
    );
    const header = Buffer.alloc(64);
    header.write('\x93NUMPY', 0, 'latin1');
    header[6] = 2;
    header.writeUInt32LE(0xffffff00, 8);
    const longHeader = writeFile(join(dir, 'header.npy'), header);
    expect(failsSmall(() => readNpyFile(longHeader))).toMatch(
      /header\.npy: byte offset 8: header of 4294967040 bytes declared, more than the 1048576/,
    );
  });

  it('CIFAR: a sparse 1.5 GB batch that is not whole records fails without being read', () => {
    const cifar = join(dir, 'cifar');
    writeFile(join(cifar, 'test_batch.bin'), cifarRecords([[1]]));
    const batch = sparseFile(
      join(cifar, 'data_batch_1.bin'),
      cifarRecords([[2]]),
      3073 * 500_000 + 7,
    );
    expect(failsSmall(() => loadCifar(cifar, 'cifar10', {}, {}))).toBe(
      `${batch}: record 500000 (byte offset 1536500000): length 1536500007 is not a multiple of the record size 3073: the last record is incomplete (truncated or not a CIFAR file?)`,
    );
  });

  it('ACAS Xu set: 10^9 points declared in a small file fail before the points are read', async () => {
    const json = Buffer.from(
      JSON.stringify({
        format: 'relaxcert-acasxu',
        version: 1,
        n: 1e9,
        inputSize: 5,
        classNames: ['a', 'b'],
      }),
    );
    const head = Buffer.alloc(12 + json.length + 80);
    head.write(ACAS_MAGIC, 0, 'latin1');
    head.writeUInt32LE(json.length, 8);
    json.copy(head, 12);
    const file = writeFile(join(dir, 'set.bin'), head);
    const before = process.memoryUsage().arrayBuffers;
    const error = await loadAcasxu(file, undefined, undefined, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelaxCertError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${file}: the header declares 1000000000 points of 5 inputs, 24000000\\d+ bytes: more than the ACAS Xu set limit`,
      ),
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('images: a small PNG declaring 100000×100000 pixels fails before it is decoded', () => {
    const png = Buffer.from(pngBytes(rgbImage(2, 2, [9, 9, 9]), 2, 2));
    png.writeUInt32BE(100_000, 16);
    png.writeUInt32BE(100_000, 20);
    expect(failsSmall(() => decodeImage(png, 'big.png'))).toBe(
      `big.png: byte offset 16: the header declares 100000×100000 pixels, more than the ${MAX_IMAGE_PIXELS} an image may have`,
    );
  });

  it('any format: the cap, a FIFO (refused without waiting for a writer), a folder', () => {
    const text = writeFile(join(dir, 'big.csv'), 'a,b\n'.repeat(300));
    expect(failsSmall(() => readDataText(text, { format: 'CSV', maxBytes: 1000 }))).toBe(
      `${text} is 1200 bytes, more than the CSV limit of 1000 bytes`,
    );
    const fifo = join(dir, 'pipe.csv');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const start = performance.now();
    expect(() => readDataText(fifo, { format: 'CSV', maxBytes: 1000 })).toThrow(
      `${fifo} is a named pipe (FIFO): data sets are read from regular files and folders only`,
    );
    expect(performance.now() - start).toBeLessThan(1000);
    const folder = (() => {
      try {
        readDataFile(dir, { format: 'CSV', maxBytes: 1000 });
      } catch (error) {
        return error as RelaxCertError;
      }
    })();
    expect(folder).toMatchObject({
      code: 'INVALID_INPUT',
      message: `${dir} is a folder, not a CSV file`,
    });
  });
});
