import { existsSync, readdirSync, truncateSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../shared/errors.ts';
import { loadImageFolder } from './image-folder.ts';
import { isByteImages } from './inputs.ts';
import type { LoadProgress, Split } from './types.ts';
import {
  jpegBytes,
  pngBytes,
  rgbImage,
  sameBytes,
  tempDir,
  writeFile,
} from './testing/fixtures.ts';

const COLOURS: Array<[number, number, number]> = [
  [200, 30, 30],
  [30, 200, 30],
  [30, 30, 200],
];

/** 3 classes × 6 images of 8×8: PNGs (exact) except every third, a JPEG. */
function makeFolder(root: string, perClass = 6): void {
  ['Forest', 'Highway', 'River'].forEach((name, c) => {
    for (let i = 0; i < perClass; i++) {
      const rgb = rgbImage(8, 8, COLOURS[c], i);
      if (i % 3 === 2) writeFile(join(root, name, `img${i}.jpg`), jpegBytes(rgb, 8, 8));
      else writeFile(join(root, name, `img${i}.png`), pngBytes(rgb, 8, 8));
    }
  });
}

/** Image sets keep their pixels as bytes (types.ts). */
function pixels(s: Split): Uint8Array {
  if (!isByteImages(s.x)) throw new Error('image folders should load as bytes');
  return s.x.bytes;
}

async function expectFormatError(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RelaxCertError);
  expect((error as RelaxCertError).code).toBe('DATA_FORMAT');
  expect((error as Error).message).toMatch(pattern);
}

describe('image folders', () => {
  it('reads one folder per class with a seeded stratified 2/3 split', async () => {
    const root = tempDir();
    makeFolder(root);
    const ds = await loadImageFolder(root, 0, { cacheDir: tempDir() });
    expect(ds.classNames).toEqual(['Forest', 'Highway', 'River']);
    expect(ds.inputShape).toEqual([8, 8, 3]);
    expect(ds.train.n).toBe(12);
    expect(ds.test.n).toBe(6);
    for (const s of [ds.train, ds.test])
      for (let i = 0; i < s.n; i++) {
        const c = s.y[i];
        // The first pixel carries the class colour (JPEG within a few levels).
        expect(Math.abs(pixels(s)[i * 192] - COLOURS[c][0])).toBeLessThan(12);
        expect(Math.abs(pixels(s)[i * 192 + 2] - COLOURS[c][2])).toBeLessThan(12);
      }
    expect([...ds.test.y].sort()).toEqual([0, 0, 1, 1, 2, 2]);
    const again = await loadImageFolder(root, 0, { cacheDir: tempDir() });
    expect(sameBytes(pixels(again.test), pixels(ds.test))).toBe(true);
    const other = await loadImageFolder(root, 1, { cacheDir: tempDir() });
    expect(sameBytes(pixels(other.test), pixels(ds.test))).toBe(false);
  });

  it('decodes once, then reads the cache; a changed file invalidates it', async () => {
    const root = tempDir();
    makeFolder(root);
    const cacheDir = tempDir();
    const phases: LoadProgress[] = [];
    const first = await loadImageFolder(root, 0, { cacheDir, onProgress: (p) => phases.push(p) });
    expect(phases.some((p) => p.phase === 'decoding' && p.done === 18 && p.total === 18)).toBe(
      true,
    );
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    expect(readdirSync(cacheDir).some((f) => f.endsWith('.tmp'))).toBe(false);

    phases.length = 0;
    const second = await loadImageFolder(root, 0, { cacheDir, onProgress: (p) => phases.push(p) });
    expect(phases.map((p) => p.phase)).not.toContain('decoding');
    expect(phases.map((p) => p.phase)).toContain('reading cache');
    expect(sameBytes(pixels(second.train), pixels(first.train))).toBe(true);
    expect(second.train.y).toEqual(first.train.y);

    // Overwrite one image with another colour (new size/mtime) → a fresh decode sees it.
    const target = join(root, 'Forest', 'img0.png');
    writeFile(target, pngBytes(rgbImage(8, 8, [0, 0, 0], 0), 8, 8));
    utimesSync(target, new Date(), new Date(Date.now() + 5000));
    phases.length = 0;
    const third = await loadImageFolder(root, 0, { cacheDir, onProgress: (p) => phases.push(p) });
    expect(phases.map((p) => p.phase)).toContain('decoding');
    const all = [third.train, third.test];
    const blackFound = all.some((s) => [...s.y].some((c, i) => c === 0 && pixels(s)[i * 192] < 10));
    expect(blackFound).toBe(true);
  });

  it('ignores and rebuilds a damaged cache entry', async () => {
    const root = tempDir();
    makeFolder(root);
    const cacheDir = tempDir();
    const first = await loadImageFolder(root, 0, { cacheDir });
    const [entry] = readdirSync(cacheDir);
    truncateSync(join(cacheDir, entry), 100);
    const second = await loadImageFolder(root, 0, { cacheDir });
    expect(sameBytes(pixels(second.train), pixels(first.train))).toBe(true);
  });

  it('uses a given train/test split', async () => {
    const root = tempDir();
    makeFolder(join(root, 'train'), 3);
    makeFolder(join(root, 'test'), 1);
    const ds = await loadImageFolder(root, 0, { cacheDir: tempDir() });
    expect(ds.train.n).toBe(9);
    expect([...ds.test.y]).toEqual([0, 1, 2]);
  });

  it('looks inside the one wrapper folder an archive extracts to', async () => {
    const root = tempDir();
    makeFolder(join(root, '2750'), 3);
    const ds = await loadImageFolder(root, 0, { cacheDir: tempDir() });
    expect(ds.classNames).toEqual(['Forest', 'Highway', 'River']);
    expect(ds.train.n + ds.test.n).toBe(9);
  });

  it('offers the EuroSAT presets when the class names are EuroSAT’s', async () => {
    const root = tempDir();
    for (const name of ['AnnualCrop', 'Highway', 'Pasture', 'PermanentCrop', 'River'])
      writeFile(join(root, name, 'a.png'), pngBytes(rgbImage(4, 4, [1, 2, 3]), 4, 4));
    const ds = await loadImageFolder(root, 0, { cacheDir: tempDir() });
    expect(ds.affinityPresets.map((p) => p.sets)).toEqual([
      [[1, 4]],
      [
        [1, 4],
        [0, 3, 2],
      ],
    ]);
  });

  it('names the file of an image that fails to decode and leaves no cache entry', async () => {
    const root = tempDir();
    makeFolder(root);
    const broken = jpegBytes(rgbImage(8, 8, [1, 2, 3]), 8, 8).subarray(0, 40);
    writeFile(join(root, 'River', 'broken.jpg'), broken);
    const cacheDir = tempDir();
    await expectFormatError(
      loadImageFolder(root, 0, { cacheDir }),
      /River\/broken\.jpg: cannot decode the image/,
    );
    writeFile(join(root, 'River', 'broken.jpg'), 'not an image at all');
    await expectFormatError(
      loadImageFolder(root, 0, { cacheDir }),
      /broken\.jpg: byte offset 0: not a JPEG or PNG image/,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('rejects empty class folders, folders without class folders and mixed image sizes', async () => {
    const root = tempDir();
    makeFolder(root);
    writeFile(join(root, 'Sea', 'notes.txt'), 'no images here');
    await expectFormatError(
      loadImageFolder(root, 0, { cacheDir: tempDir() }),
      /Sea: folder has no images/,
    );
    const flat = tempDir();
    writeFile(join(flat, 'a.png'), pngBytes(rgbImage(4, 4, [1, 2, 3]), 4, 4));
    await expectFormatError(loadImageFolder(flat, 0, { cacheDir: tempDir() }), /no class folders/);
    const mixed = tempDir();
    makeFolder(mixed);
    writeFile(join(mixed, 'River', 'big.png'), pngBytes(rgbImage(9, 8, [1, 2, 3]), 9, 8));
    const cacheDir = tempDir();
    await expectFormatError(
      loadImageFolder(mixed, 0, { cacheDir }),
      /big\.png: image is 9×8, expected 8×8/,
    );
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
  });
});
