/**
 * Binary cache of decoded image collections, so the second load of a folder of JPEGs is a
 * sequential read instead of 100,000 decodes. One file per source set, named by a hash of the
 * source files' paths, sizes and mtimes (any change → a new key → a fresh decode). Entries are
 * written with writeFileAtomic: a crash leaves the old entry or none, never half of one; an entry
 * that does not parse or has the wrong length is ignored and rebuilt.
 *
 * Layout (little-endian):
 *   "RCCACHE1", uint32 H, H bytes JSON header (space-padded to an 8-byte boundary),
 *   count × (height × width × channels) pixel bytes, padding to 4 bytes,
 *   count int32 labels, count uint8 parts (0 train, 1 test, 2 not yet split).
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { workbenchHome } from '../store/home.ts';

export const CACHE_MAGIC = 'RCCACHE1';
const CACHE_VERSION = 1;

export interface CacheSource {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface CacheHeader {
  version: number;
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

/** Byte offsets of the sections of an entry. */
export function cacheLayout(
  headerBytes: number,
  h: Pick<CacheHeader, 'count' | 'height' | 'width' | 'channels'>,
) {
  const pixels = 12 + headerBytes;
  const imageSize = h.height * h.width * h.channels;
  const labels = pixels + Math.ceil((h.count * imageSize) / 4) * 4;
  const parts = labels + h.count * 4;
  return { pixels, imageSize, labels, parts, total: parts + h.count };
}

function encodeHeader(header: CacheHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - ((12 + json.length) % 8)) % 8;
  return Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
}

/**
 * Allocates a whole entry in memory; decoders write pixels, labels and parts into it in place
 * (no second copy), then `commitCacheEntry` writes it atomically.
 */
export function allocateCacheEntry(header: CacheHeader) {
  const json = encodeHeader(header);
  const layout = cacheLayout(json.length, header);
  const buffer = Buffer.alloc(layout.total);
  buffer.write(CACHE_MAGIC, 0, 'latin1');
  buffer.writeUInt32LE(json.length, 8);
  json.copy(buffer, 12);
  return {
    buffer,
    layout,
    pixels: new Uint8Array(
      buffer.buffer,
      buffer.byteOffset + layout.pixels,
      header.count * layout.imageSize,
    ),
    labels: new Int32Array(buffer.buffer, buffer.byteOffset + layout.labels, header.count),
    parts: new Uint8Array(buffer.buffer, buffer.byteOffset + layout.parts, header.count),
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

/** An open, validated entry; read pixels with `readPixels`, then `close`. */
export interface OpenCacheEntry {
  header: CacheHeader;
  labels: Int32Array;
  parts: Uint8Array;
  /** Reads `count` images starting at image `first` into `into` (which must be large enough). */
  readPixels(first: number, count: number, into: Uint8Array): void;
  close(): void;
}

/** Opens an entry, or returns undefined when it is missing, for another key, or damaged. */
export function openCacheEntry(file: string, key: string): OpenCacheEntry | undefined {
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, 'r');
  const fail = () => {
    closeSync(fd);
    return undefined;
  };
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(12);
    if (
      size < 12 ||
      readSync(fd, head, 0, 12, 0) !== 12 ||
      head.toString('latin1', 0, 8) !== CACHE_MAGIC
    )
      return fail();
    const h = head.readUInt32LE(8);
    if (12 + h > size) return fail();
    const json = Buffer.alloc(h);
    readSync(fd, json, 0, h, 12);
    const header = JSON.parse(json.toString('utf8')) as CacheHeader;
    if (header.version !== CACHE_VERSION || header.key !== key) return fail();
    const layout = cacheLayout(h, header);
    if (layout.total !== size) return fail();
    const labelBytes = Buffer.alloc(header.count * 4);
    readSync(fd, labelBytes, 0, labelBytes.length, layout.labels);
    const labels = new Int32Array(labelBytes.buffer, labelBytes.byteOffset, header.count);
    const parts = Buffer.alloc(header.count);
    readSync(fd, parts, 0, parts.length, layout.parts);
    return {
      header,
      labels,
      parts: new Uint8Array(parts.buffer, parts.byteOffset, parts.length),
      readPixels(first, count, into) {
        const bytes = count * layout.imageSize;
        let done = 0;
        while (done < bytes) {
          const got = readSync(
            fd,
            into,
            done,
            bytes - done,
            layout.pixels + first * layout.imageSize + done,
          );
          if (got <= 0) throw new Error(`cache entry ${file} ended early`);
          done += got;
        }
      },
      close: () => closeSync(fd),
    };
  } catch {
    return fail();
  }
}
