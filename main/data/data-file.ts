/**
 * Reading one data file with its size known before anything is allocated. The file is opened
 * without blocking (a FIFO would otherwise wait for a writer), fstat tells what it is and how
 * big it is, and the format's header is checked against that size before the body is read: an
 * IDX header that declares 10^9 images in a 1 kB file, a .npy shape larger than its file or a
 * CIFAR file cut inside a record fails at once, with one line naming the file and what was
 * expected against what was found, and no buffer of the declared size is ever made. The body is
 * then read into one buffer of exactly the file's size, itself within the format's cap.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { fromSystemError, RelaxCertError } from '../../shared/errors.ts';
import { dataError } from './data-error.ts';
import { refuseSpecialFile } from './data-path-guard.ts';

/** A data file opened for its header check: its size, its cap and bounded reads. */
export interface SizedFile {
  readonly path: string;
  /** Bytes in the file, from fstat. */
  readonly size: number;
  /** The most bytes a file of this format may have (declared or real). */
  readonly maxBytes: number;
  /** What the format is called in errors ("IDX", ".npy", "CIFAR binary"). */
  readonly format: string;
  /** Up to `length` bytes from `position`: fewer at the end of the file, never more. */
  read(position: number, length: number): Buffer;
}

export interface DataFileOptions {
  format: string;
  maxBytes: number;
  /** Checks what the header declares against `file.size`; throws naming the file. */
  check?: (file: SizedFile) => void;
}

function open(path: string): number {
  try {
    // O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer;
    // it changes nothing for a regular file.
    return openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fromSystemError(error, 'read') ?? error;
  }
}

function readAt(fd: number, path: string, into: Buffer, position: number): number {
  let done = 0;
  while (done < into.length) {
    let got: number;
    try {
      got = readSync(fd, into, done, into.length - done, position + done);
    } catch (error) {
      throw fromSystemError(error, 'read') ?? error;
    }
    if (got === 0) break;
    done += got;
  }
  return done;
}

/**
 * Throws unless the file holds exactly `expected` bytes, the size its header declares
 * (`declared` says what, e.g. "dimensions 60000×28×28"), and that size is within the cap.
 */
export function expectFileSize(file: SizedFile, expected: number, declared: string): void {
  const what = `the header declares ${declared}, ${expected} bytes`;
  if (expected > file.maxBytes)
    throw dataError(
      file.path,
      {},
      `${what}: more than the ${file.format} limit of ${file.maxBytes} bytes (the file has ${file.size})`,
    );
  if (file.size !== expected)
    throw dataError(
      file.path,
      { offset: Math.min(file.size, expected) },
      `${what}; the file has ${file.size} (${file.size < expected ? 'truncated' : 'trailing bytes'})`,
    );
}

/**
 * Reads a data file whole after checking that it is a regular file within `maxBytes` and, with
 * `check`, that its header agrees with its size.
 */
export function readDataFile(path: string, options: DataFileOptions): Buffer {
  const fd = open(path);
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory())
      throw new RelaxCertError(
        'INVALID_INPUT',
        `${path} is a folder, not a ${options.format} file`,
        {
          file: path,
          field: 'dataset.path',
        },
      );
    if (!stats.isFile()) refuseSpecialFile(path, stats);
    const file: SizedFile = {
      path,
      size: stats.size,
      maxBytes: options.maxBytes,
      format: options.format,
      read: (position, length) => {
        const n = Math.max(0, Math.min(length, stats.size - position));
        const into = Buffer.allocUnsafe(n);
        return into.subarray(0, readAt(fd, path, into, position));
      },
    };
    options.check?.(file);
    if (stats.size > options.maxBytes)
      throw new RelaxCertError(
        'DATA_FORMAT',
        `${path} is ${stats.size} bytes, more than the ${options.format} limit of ${options.maxBytes} bytes`,
        { file: path, field: 'dataset.path' },
      );
    const body = Buffer.allocUnsafe(stats.size);
    const got = readAt(fd, path, body, 0);
    if (got !== stats.size)
      throw dataError(
        path,
        { offset: got },
        `the file shrank while it was read (${got} of ${stats.size} bytes)`,
      );
    return body;
  } finally {
    closeSync(fd);
  }
}

/** Reads a text data file (UTF-8) whole, after the same checks. */
export function readDataText(path: string, options: DataFileOptions): string {
  return readDataFile(path, options).toString('utf8');
}
