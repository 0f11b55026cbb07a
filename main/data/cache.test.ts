import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allocateCacheEntry,
  cacheKey,
  cachePath,
  commitCacheEntry,
  defaultCacheDir,
  openCacheEntry,
} from './cache.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function writeEntry(count = 5) {
  const dir = mkdtempSync(join(tmpdir(), 'relaxcert-cache-'));
  dirs.push(dir);
  const key = cacheKey('folder', '{}', [{ path: '/a.png', size: 10, mtimeMs: 1 }]);
  const file = cachePath(dir, 'folder', key);
  const entry = allocateCacheEntry({ key, count, height: 2, width: 3, channels: 3 });
  for (let i = 0; i < entry.pixels.length; i++) entry.pixels[i] = (i * 7) % 251;
  entry.labels.set(Array.from({ length: count }, (_, i) => 10 - i));
  entry.parts.set(Array.from({ length: count }, (_, i) => i % 3));
  await commitCacheEntry(dir, file, entry.buffer);
  return { dir, key, file, entry };
}

describe('image cache entries', () => {
  it('reads back the header, labels, parts and any run of images', async () => {
    const { key, file, entry } = await writeEntry();
    const open = openCacheEntry(file, key);
    expect(open).toBeDefined();
    if (open === undefined) return;
    try {
      expect(open.header).toEqual({ key, count: 5, height: 2, width: 3, channels: 3 });
      expect([...open.labels]).toEqual([10, 9, 8, 7, 6]);
      expect([...open.parts]).toEqual([0, 1, 2, 0, 1]);
      const into = new Uint8Array(3 * 18 + 4).fill(99);
      open.readPixels(1, 3, into);
      expect(into.subarray(0, 54)).toEqual(entry.pixels.subarray(18, 72));
      expect([...into.subarray(54)]).toEqual([99, 99, 99, 99]);
    } finally {
      open.close();
    }
  });

  it('ignores an entry of another key, a truncated one and one of the old layout', async () => {
    const { key, file } = await writeEntry();
    expect(openCacheEntry(file, key.replace(/^./, 'x'))).toBeUndefined();
    expect(openCacheEntry(join(file, '..', 'missing.bin'), key)).toBeUndefined();
    truncateSync(file, 90);
    expect(openCacheEntry(file, key)).toBeUndefined();
    writeFileSync(file, Buffer.concat([Buffer.from('RCCACHE1'), Buffer.alloc(64)]));
    expect(openCacheEntry(file, key)).toBeUndefined();
  });

  it('lives in <home>/cache by default', () => {
    expect(defaultCacheDir({ RELAXCERT_HOME: '/data/rc' })).toBe(resolve('/data/rc', 'cache'));
  });
});
