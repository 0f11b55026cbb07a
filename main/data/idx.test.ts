import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../shared/errors.ts';
import { findIdxFiles, loadIdx, parseIdx } from './idx.ts';
import { allInputs, isByteImages } from './inputs.ts';
import { loadDataset } from './load-dataset.ts';
import { formatError, idxBytes, tempDir, writeFile } from './testing/fixtures.ts';

/** n images of rows × cols whose pixel p of image i is (i * 16 + p) % 256, and their labels. */
function images(n: number, rows: number, cols: number): number[] {
  return Array.from({ length: n * rows * cols }, (_, k) => {
    const i = Math.floor(k / (rows * cols));
    return (i * 16 + (k % (rows * cols))) % 256;
  });
}

interface SetOptions {
  gzip?: boolean;
  prefix?: string;
  trainLabels?: number[];
  testLabels?: number[];
  withTest?: boolean;
}

/** Writes an MNIST-layout folder of 4×3 images and returns it. */
function writeIdxSet(dir: string, o: SetOptions = {}): string {
  const trainLabels = o.trainLabels ?? [0, 1, 2, 1, 0, 2];
  const testLabels = o.testLabels ?? [2, 0];
  const name = (base: string) => `${o.prefix ?? ''}${base}${o.gzip ? '.gz' : ''}`;
  const pack = (b: Uint8Array) => (o.gzip ? gzipSync(b) : b);
  writeFile(
    join(dir, name('train-images-idx3-ubyte')),
    pack(idxBytes([trainLabels.length, 4, 3], images(trainLabels.length, 4, 3))),
  );
  writeFile(
    join(dir, name('train-labels-idx1-ubyte')),
    pack(idxBytes([trainLabels.length], trainLabels)),
  );
  if (o.withTest !== false) {
    writeFile(
      join(dir, name('t10k-images-idx3-ubyte')),
      pack(idxBytes([testLabels.length, 4, 3], images(testLabels.length, 4, 3).reverse())),
    );
    writeFile(
      join(dir, name('t10k-labels-idx1-ubyte')),
      pack(idxBytes([testLabels.length], testLabels)),
    );
  }
  return dir;
}

describe('IDX parsing', () => {
  it('reads dimensions big-endian and the values after them, raw or gzipped', () => {
    const raw = idxBytes(
      [2, 300],
      Array.from({ length: 600 }, (_, k) => k % 251),
    );
    for (const bytes of [raw, gzipSync(raw)]) {
      const a = parseIdx(bytes, 'x.idx');
      expect(a.dims).toEqual([2, 300]);
      expect(a.data.length).toBe(600);
      expect(a.data[599]).toBe(599 % 251);
    }
  });

  it('names the file and byte offset of a bad magic, a value type, truncation, trailing bytes', () => {
    const good = idxBytes([3, 2], [1, 2, 3, 4, 5, 6]);
    const badMagic = Uint8Array.from(good);
    badMagic[1] = 8;
    expect(formatError(() => parseIdx(badMagic, 'a.idx')).message).toMatch(
      /^a\.idx: byte offset 0: not an IDX file/,
    );
    const floats = Uint8Array.from(good);
    floats[2] = 0x0d;
    expect(formatError(() => parseIdx(floats, 'b.idx')).message).toMatch(
      /byte offset 2: IDX value type 0x0d is not supported/,
    );
    expect(formatError(() => parseIdx(good.subarray(0, 15), 'c.idx')).message).toMatch(
      /c\.idx: byte offset 15: dimensions 3×2 need 18 bytes, the file has 15 \(truncated\)/,
    );
    const long = new Uint8Array(20);
    long.set(good);
    expect(formatError(() => parseIdx(long, 'd.idx')).message).toMatch(/trailing bytes/);
    expect(formatError(() => parseIdx(good.subarray(0, 9), 'e.idx')).message).toMatch(
      /ends inside its 2 dimensions/,
    );
    expect(formatError(() => parseIdx(gzipSync(good).subarray(0, 12), 'f.gz')).message).toMatch(
      /^f\.gz: not a readable gzip file/,
    );
  });
});

describe('IDX folders', () => {
  it('finds the four files by name, with a prefix, .gz, test or t10k, and prefers raw to .gz', () => {
    const a = writeIdxSet(tempDir(), { prefix: 'emnist-letters-', gzip: true });
    const files = findIdxFiles(a);
    expect(files?.trainImages).toBe(join(a, 'emnist-letters-train-images-idx3-ubyte.gz'));
    expect(files?.testLabels).toBe(join(a, 'emnist-letters-t10k-labels-idx1-ubyte.gz'));
    writeIdxSet(a, { prefix: 'emnist-letters-' });
    expect(findIdxFiles(a)?.trainImages).toBe(join(a, 'emnist-letters-train-images-idx3-ubyte'));
    const b = tempDir();
    writeFile(join(b, 'train-images.idx3-ubyte'), idxBytes([1, 1, 1], [0]));
    writeFile(join(b, 'train-labels.idx1-ubyte'), idxBytes([1], [0]));
    expect(findIdxFiles(b)?.testImages).toBeUndefined();
    expect(findIdxFiles(tempDir())).toBeUndefined();
  });

  it('loads train and t10k as byte images with labels in order', async () => {
    const dir = writeIdxSet(tempDir());
    const ds = await loadIdx(dir, 0, {}, { cacheDir: tempDir() });
    expect(ds.kind).toBe('idx');
    expect(ds.inputShape).toEqual([4, 3, 1]);
    expect(ds.classNames).toEqual(['class 0', 'class 1', 'class 2']);
    expect([...ds.train.y]).toEqual([0, 1, 2, 1, 0, 2]);
    expect([...ds.test.y]).toEqual([2, 0]);
    expect(isByteImages(ds.train.x)).toBe(true);
    const x = allInputs(ds.train);
    // Image 1, pixel 5: byte 16 + 5 = 21, read as 21 / 255.
    expect(x[12 + 5]).toBeCloseTo(21 / 255, 7);
    const t = allInputs(ds.test);
    // The test images were written in reverse byte order: the last test pixel is the first byte.
    expect(t[23]).toBeCloseTo(0, 7);
    expect(ds.affinityPresets).toEqual([]);
  });

  it('recognises Fashion-MNIST and MNIST by folder name or option, and takes given names', async () => {
    const root = tempDir();
    const fashion = writeIdxSet(join(root, 'fashion-mnist'));
    const ds = await loadIdx(fashion, 0, {}, { cacheDir: tempDir() });
    expect(ds.name).toBe('Fashion-MNIST');
    expect(ds.classNames).toHaveLength(10);
    expect(ds.classNames[9]).toBe('Ankle boot');
    expect(ds.affinityPresets[0].name).toBe('tops + footwear');
    expect(ds.affinityPresets[0].sets.map((s) => s.map((c) => ds.classNames[c]))).toEqual([
      ['T-shirt/top', 'Pullover', 'Coat', 'Shirt'],
      ['Sandal', 'Sneaker', 'Ankle boot'],
    ]);
    const plain = writeIdxSet(join(root, 'data'));
    const digits = await loadIdx(plain, 0, { names: 'mnist' }, { cacheDir: tempDir() });
    expect(digits.name).toBe('MNIST');
    expect(digits.classNames[2]).toBe('2');
    const named = await loadIdx(plain, 0, { classNames: 'a, b, c' }, { cacheDir: tempDir() });
    expect(named.classNames).toEqual(['a', 'b', 'c']);
    await expect(loadIdx(plain, 0, { names: 'cifar' }, { cacheDir: tempDir() })).rejects.toThrow(
      /option names must be one of fashion-mnist, mnist, kmnist/,
    );
  });

  it('splits a train-only folder 2/3 : 1/3 per class, the same for the same seed', async () => {
    const labels = Array.from({ length: 30 }, (_, i) => i % 3);
    const dir = writeIdxSet(tempDir(), { withTest: false, trainLabels: labels });
    const a = await loadIdx(dir, 5, {}, { cacheDir: tempDir() });
    const b = await loadIdx(dir, 5, {}, { cacheDir: tempDir() });
    expect(a.train.n).toBe(21);
    expect(a.test.n).toBe(9);
    expect([...a.test.y].filter((y) => y === 0)).toHaveLength(3);
    expect([...a.test.y]).toEqual([...b.test.y]);
  });

  it('decompresses gzipped sets once into the cache and reads the cache next time', async () => {
    const dir = writeIdxSet(tempDir(), { gzip: true });
    const cacheDir = tempDir();
    const phases: string[] = [];
    const first = await loadIdx(dir, 0, {}, { cacheDir, onProgress: (p) => phases.push(p.phase) });
    expect(readdirSync(cacheDir).filter((f) => f.startsWith('idx-'))).toHaveLength(1);
    expect(phases).toContain('writing cache');
    phases.length = 0;
    const second = await loadIdx(dir, 0, {}, { cacheDir, onProgress: (p) => phases.push(p.phase) });
    expect(phases).toEqual(['reading cache', 'reading cache']);
    expect([...allInputs(second.train)]).toEqual([...allInputs(first.train)]);
    expect([...second.test.y]).toEqual([...first.test.y]);
    // Raw files are read directly: no cache entry.
    const rawCache = tempDir();
    await loadIdx(writeIdxSet(tempDir()), 0, {}, { cacheDir: rawCache });
    expect(existsSync(rawCache) ? readdirSync(rawCache) : []).toEqual([]);
  });

  it('names the file at fault for counts, shapes and labels out of range', async () => {
    const cacheDir = tempDir();
    const mismatch = writeIdxSet(tempDir());
    writeFile(join(mismatch, 'train-labels-idx1-ubyte'), idxBytes([5], [0, 1, 2, 1, 0]));
    await expect(loadIdx(mismatch, 0, {}, { cacheDir })).rejects.toThrow(
      /train-labels-idx1-ubyte: byte offset 4: 5 labels for the 6 images/,
    );
    const shape = writeIdxSet(tempDir());
    writeFile(join(shape, 't10k-images-idx3-ubyte'), idxBytes([2, 3, 4], images(2, 3, 4)));
    await expect(loadIdx(shape, 0, {}, { cacheDir })).rejects.toThrow(
      /test images are 3×4×1, training images 4×3×1/,
    );
    const fashion = writeIdxSet(join(tempDir(), 'fashion'), { testLabels: [2, 10] });
    const error = await loadIdx(fashion, 0, {}, { cacheDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelaxCertError);
    expect((error as Error).message).toMatch(
      /t10k-labels-idx1-ubyte: record 1 \(byte offset 9\): label 10 out of range \[0, 10\) for Fashion-MNIST/,
    );
    await expect(loadIdx(tempDir(), 0, {}, { cacheDir })).rejects.toThrow(
      /no IDX files: expected train-images/,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('is a data set kind of loadDataset, with 1-channel PNG thumbnails and normalisation', async () => {
    const dir = writeIdxSet(tempDir());
    const ds = await loadDataset(
      { kind: 'idx', path: dir, normalize: 'standardize' },
      { cacheDir: tempDir() },
    );
    const png = ds.thumbnail?.('train', 1);
    expect(png && Buffer.from(png.subarray(1, 4)).toString('latin1')).toBe('PNG');
    const x = allInputs(ds.train);
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(1e-5);
  });

  it('turns EMNIST images upright and names its classes from the mapping file', async () => {
    const dir = writeIdxSet(tempDir(), {
      prefix: 'emnist-letters-',
      gzip: true,
      trainLabels: [1, 2, 3, 1],
      testLabels: [2, 3],
    });
    writeFile(join(dir, 'emnist-letters-mapping.txt'), '1 65 97\n2 66 98\n3 67 99\n');
    const ds = await loadIdx(dir, 0, {}, { cacheDir: tempDir() });
    expect(ds.classNames).toEqual(['class 0', 'A/a', 'B/b', 'C/c']);
    // Stored 4 rows × 3 columns, column by column: read as 3 × 4, pixel (r, c) from (c, r).
    expect(ds.inputShape).toEqual([3, 4, 1]);
    const stored = images(4, 4, 3);
    const x = allInputs(ds.train);
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 4; c++)
        expect(Math.round(x[12 + r * 4 + c] * 255)).toBe(stored[12 + c * 3 + r]);
    const asStored = await loadIdx(dir, 0, { transpose: false }, { cacheDir: tempDir() });
    expect(asStored.inputShape).toEqual([4, 3, 1]);
    expect(Math.round(allInputs(asStored.train)[12 + 5] * 255)).toBe(stored[12 + 5]);
    // A bad option is answered before anything is decoded or cached.
    const cacheDir = tempDir();
    await expect(loadIdx(dir, 0, { transpose: 'sideways' }, { cacheDir })).rejects.toThrow(
      /option transpose must be true or false/,
    );
    await expect(loadIdx(dir, 0, { names: 'emnist' }, { cacheDir })).rejects.toThrow(
      /option names must be one of/,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
    writeFile(join(dir, 'emnist-letters-mapping.txt'), '1 65 97\nB 66\n');
    await expect(loadIdx(dir, 0, {}, { cacheDir: tempDir() })).rejects.toThrow(
      /emnist-letters-mapping\.txt: line 2: expected "label code \[code…\]", found 'B 66'/,
    );
  });
});
