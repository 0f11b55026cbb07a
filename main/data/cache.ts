/**
 * Binary cache of decoded image collections, so the second load of a folder of JPEGs is a
 * sequential read instead of 100,000 decodes. One file per source set, named by a hash of the
 * source files' paths, sizes and mtimes (any change → a new key → a fresh decode). Entries are
 * written with writeFileAtomic: a crash leaves the old entry or none, never half of one; an entry
 * that does not parse or has the wrong length is ignored and rebuilt.
 *
 * Layout: the shared container (main/store/binary-container.ts, magic "RCCA"): a JSON header
 * (CacheHeader) and three sections, "pixels" (uint8, count × height × width × channels),
 * "labels" (int32, count) and "parts" (uint8, count: 0 train, 1 test, 2 not yet split).
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { workbenchHome } from '../store/home.ts';
import {
  CONTAINER_PREFIX_BYTES,
  allocateContainer,
  containerHeadBytes,
  parseContainerHead,
  sectionBytes,
} from '../store/binary-container.ts';
import type { ContainerFormat, SectionEntry } from '../store/binary-container.ts';
import type { LoadProgress } from './types.ts';

/** Version 2: the shared container layout ("RCCACHE1" entries are rebuilt). */
const CACHE_VERSION = 2;
const FORMAT: ContainerFormat = {
  magic: 'RCCA',
  version: CACHE_VERSION,
  what: 'RelaxCert cache entry',
};

export interface CacheSource {
  path: string;
  size: number;
  mtimeMs: number;
}

/** The JSON header of an entry (the format's version is the container's). */
export interface CacheHeader {
  key: string;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** `<home>/cache`, beside the runs (README, "Data sets"). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(workbenchHome(env), 'cache');
}

export function cacheKey(kind: string, extra: string, sources: readonly CacheSource[]): string {
  const h = createHash('sha256');
  h.update(`${CACHE_VERSION}\n${kind}\n${extra}\n`);
  for (const s of sources) h.update(`${s.path}\t${s.size}\t${s.mtimeMs}\n`);
  return h.digest('hex');
}

export function cachePath(dir: string, kind: string, key: string): string {
  return join(dir, `${kind}-${key.slice(0, 40)}.bin`);
}

/**
 * Allocates a whole entry in memory; decoders write pixels, labels and parts into it in place
 * (no second copy), then `commitCacheEntry` writes it atomically.
 */
export function allocateCacheEntry(header: CacheHeader) {
  const imageSize = header.height * header.width * header.channels;
  const { bytes, sections } = allocateContainer(FORMAT, header, [
    { name: 'pixels', type: 'uint8', length: header.count * imageSize },
    { name: 'labels', type: 'int32', length: header.count },
    { name: 'parts', type: 'uint8', length: header.count },
  ]);
  return {
    buffer: bytes,
    pixels: sections.get('pixels') as Uint8Array,
    labels: sections.get('labels') as Int32Array,
    parts: sections.get('parts') as Uint8Array,
  };
}

export async function commitCacheEntry(
  dir: string,
  file: string,
  buffer: Uint8Array,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(file, buffer);
}

/** Where the entry of a source set lives: the cache folder, the key and the entry's file. */
export interface CacheLocation {
  dir: string;
  key: string;
  file: string;
}

export function cacheLocation(
  kind: string,
  extra: string,
  sources: readonly CacheSource[],
  cacheDir: string = defaultCacheDir(),
): CacheLocation {
  const key = cacheKey(kind, extra, sources);
  return { dir: cacheDir, key, file: cachePath(cacheDir, kind, key) };
}

/**
 * Writes a filled entry with 'writing cache' progress. A cache that cannot be written (read-only
 * or full disk) only costs speed next time, so the error is dropped; the atomic write has
 * already removed its temporary file.
 */
export async function saveCacheEntry(
  at: CacheLocation,
  buffer: Uint8Array,
  progress: (p: LoadProgress) => void,
): Promise<void> {
  progress({ phase: 'writing cache', done: 0, total: 1 });
  try {
    await commitCacheEntry(at.dir, at.file, buffer);
  } catch {
    // Dropped on purpose, as said above.
  }
  progress({ phase: 'writing cache', done: 1, total: 1 });
}

/** An open, validated entry; read pixels with `readPixels`, then `close`. */
export interface OpenCacheEntry {
  header: CacheHeader;
  labels: Int32Array;
  parts: Uint8Array;
  /** Reads `count` images starting at image `first` into `into` (which must be large enough). */
  readPixels(first: number, count: number, into: Uint8Array): void;
  close(): void;
}

/** Reads `length` bytes at `position`, or throws when the file ends first. */
function readExactly(fd: number, into: Uint8Array, position: number, file: string): void {
  let done = 0;
  while (done < into.length) {
    const got = readSync(fd, into, done, into.length - done, position + done);
    if (got <= 0) throw new Error(`cache entry ${file} ended early`);
    done += got;
  }
}

function isCacheHeader(h: unknown, key: string): h is CacheHeader {
  const c = h as Partial<CacheHeader> | null;
  return (
    c?.key === key &&
    [c.count, c.height, c.width, c.channels].every((n) => Number.isInteger(n) && (n as number) >= 0)
  );
}

/** Opens an entry, or returns undefined when it is missing, for another key, or damaged. */
export function openCacheEntry(file: string, key: string): OpenCacheEntry | undefined {
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const prefix = new Uint8Array(CONTAINER_PREFIX_BYTES);
    readExactly(fd, prefix, 0, file);
    const head = new Uint8Array(containerHeadBytes(prefix, FORMAT, file));
    readExactly(fd, head, 0, file);
    const { header, sections, total } = parseContainerHead(head, FORMAT, file, size);
    if (!isCacheHeader(header, key) || total !== size) throw new Error('another entry');
    const imageSize = header.height * header.width * header.channels;
    const byName = new Map(sections.map((s) => [s.name, s]));
    const want = (name: string, type: SectionEntry['type'], length: number) => {
      const s = byName.get(name);
      if (s === undefined || s.type !== type || s.length !== length)
        throw new Error(`section ${name} does not match the header`);
      return sectionBytes(s).start;
    };
    const pixelStart = want('pixels', 'uint8', header.count * imageSize);
    const labelStart = want('labels', 'int32', header.count);
    const partStart = want('parts', 'uint8', header.count);
    const labels = new Int32Array(header.count);
    readExactly(fd, new Uint8Array(labels.buffer), labelStart, file);
    const parts = new Uint8Array(header.count);
    readExactly(fd, parts, partStart, file);
    return {
      header,
      labels,
      parts,
      readPixels(first, count, into) {
        const at = pixelStart + first * imageSize;
        readExactly(fd, into.subarray(0, count * imageSize), at, file);
      },
      close: () => closeSync(fd),
    };
  } catch {
    // Missing, damaged, for another key or another version: the caller decodes afresh.
    closeSync(fd);
    return undefined;
  }
}
