/**
 * Checks a data path before any reader opens it. Opening a FIFO blocks until someone writes to
 * it, and a device such as /dev/zero never ends (a CSV read of it asked for 32 GB and killed
 * the process), so only regular files and folders pass, and a folder's tree is walked for
 * special files first (readdir gives each entry's type without opening it). A single file's
 * size is checked against what its format can hold before it is read, so every read is bounded.
 */
import { readdirSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import type { DatasetKind } from '../../shared/config/experiment.ts';
import { fromSystemError, RelaxCertError } from '../../shared/errors.ts';

/** Text formats become one JS string; V8 refuses strings past 2^29 − 24 characters. */
export const MAX_TEXT_FILE_BYTES = 512 * 1024 * 1024;
/** Binary formats are read into one Buffer; 2 GiB is far above any published set we read. */
export const MAX_BINARY_FILE_BYTES = 2 * 1024 * 1024 * 1024;
/** Side files (class names, wnids, annotations, EMNIST mappings): a few MB at most in practice. */
export const MAX_SIDE_FILE_BYTES = 64 * 1024 * 1024;
/** One image of an image folder; published sets' images are kilobytes. */
export const MAX_IMAGE_FILE_BYTES = 64 * 1024 * 1024;
/** Data sets nest at most this deep (Tiny-ImageNet: train/<wnid>/images/<file>). */
const MAX_DEPTH = 4;

const TEXT_KINDS: ReadonlySet<DatasetKind> = new Set(['csv']);

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refuse(path: string, what: string): never {
  throw new RelaxCertError(
    'INVALID_INPUT',
    `${path} is ${what}: data sets are read from regular files and folders only`,
    { file: path, field: 'dataset.path' },
  );
}

/** Refuses what fstat or stat found not to be a regular file, naming what it is. */
export function refuseSpecialFile(path: string, stats: Stats): never {
  refuse(path, kindOf(stats));
}

function statOf(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw fromSystemError(error, 'read') ?? error;
  }
}

/** Walks `dir` (without opening any file) and refuses the first special file it meets. */
function checkTree(dir: string, depth: number): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw fromSystemError(error, 'list') ?? error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isFile()) continue;
    if (entry.isDirectory()) {
      if (depth < MAX_DEPTH) checkTree(path, depth + 1);
      continue;
    }
    if (entry.isSymbolicLink()) {
      // Followed once: readers open links as what they point to.
      const target = statSync(path, { throwIfNoEntry: false });
      if (target === undefined || target.isFile()) continue;
      if (target.isDirectory()) {
        if (depth < MAX_DEPTH) checkTree(path, depth + 1);
        continue;
      }
      refuse(path, kindOf(target));
    }
    refuse(path, entry.isFIFO() ? 'a named pipe (FIFO)' : kindOf(statOf(path)));
  }
}

/**
 * Throws a RelaxCertError naming `path` unless it is a regular file of a size its format can
 * hold, or a folder whose tree holds no FIFO, device or socket.
 */
export function checkDataPath(path: string, kind?: DatasetKind): void {
  const stats = statOf(path);
  if (stats.isDirectory()) {
    checkTree(path, 1);
    return;
  }
  if (!stats.isFile()) refuse(path, kindOf(stats));
  const limit =
    kind !== undefined && TEXT_KINDS.has(kind) ? MAX_TEXT_FILE_BYTES : MAX_BINARY_FILE_BYTES;
  if (stats.size > limit) {
    throw new RelaxCertError(
      'DATA_FORMAT',
      `${path} is ${stats.size} bytes; a ${kind ?? 'data'} file is read whole and may be at most ${limit}`,
      { file: path, field: 'dataset.path' },
    );
  }
}
