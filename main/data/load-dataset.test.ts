import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../shared/errors.ts';
import { allInputs, isByteImages } from './inputs.ts';
import { builtinDatasets, inspectDataset, loadDataset } from './load-dataset.ts';
import {
  cifarRecords,
  pngBytes,
  rgbImage,
  tempDir,
  TINY_NNET,
  writeFile,
} from './testing/fixtures.ts';

function channelMoments(x: Float32Array, channels: number) {
  const mean = new Array<number>(channels).fill(0);
  const sq = new Array<number>(channels).fill(0);
  const count = x.length / channels;
  for (let k = 0; k < x.length; k++) {
    mean[k % channels] += x[k] / count;
    sq[k % channels] += (x[k] * x[k]) / count;
  }
  return mean.map((m, c) => ({ mean: m, std: Math.sqrt(sq[c] - m * m) }));
}

describe('loadDataset', () => {
  it('loads the built-ins with their default sizes and summarises them', async () => {
    const specs = builtinDatasets();
    expect(specs.map((s) => s.kind)).toEqual(['blobs-2d', 'shapes-32']);
    const info = await inspectDataset(specs[0]);
    expect(info).toMatchObject({
      kind: 'blobs-2d',
      trainSize: 3000,
      testSize: 1000,
      inputShape: [2],
      hasThumbnails: false,
    });
    expect(info.classCounts).toEqual(new Array(12).fill(250));
    expect(info.affinityPresets[0].name).toBe('groups');
  });

  it('standardises per channel with training statistics and thumbnails undo it', async () => {
    const ds = await loadDataset({
      kind: 'shapes-32',
      trainSize: 120,
      testSize: 24,
      seed: 2,
      normalize: 'standardize',
    });
    for (const { mean, std } of channelMoments(allInputs(ds.train), 3)) {
      expect(mean).toBeCloseTo(0, 4);
      expect(std).toBeCloseTo(1, 3);
    }
    const raw = await loadDataset({
      kind: 'shapes-32',
      trainSize: 120,
      testSize: 24,
      seed: 2,
      normalize: 'none',
    });
    const png = PNG.sync.read(Buffer.from(ds.thumbnail?.('test', 5) ?? new Uint8Array()));
    expect([png.width, png.height]).toEqual([32, 32]);
    const rawTest = allInputs(raw.test);
    for (const p of [0, 100, 517, 1023])
      for (let c = 0; c < 3; c++)
        expect(png.data[p * 4 + c]).toBe(Math.round(rawTest[5 * 3072 + p * 3 + c] * 255));
    expect(() => ds.thumbnail?.('test', 24)).toThrow(RelaxCertError);
  });

  it('standardises image bytes through their table, both splits with the training statistics', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'data_batch_1.bin'), cifarRecords([[1], [2], [5]]));
    writeFile(join(dir, 'test_batch.bin'), cifarRecords([[3], [7]]));
    const ds = await loadDataset({ kind: 'cifar10', path: dir, normalize: 'standardize' });
    const raw = await loadDataset({ kind: 'cifar10', path: dir, normalize: 'none' });
    const train = raw.train.x;
    const test = raw.test.x;
    if (!isByteImages(train) || !isByteImages(test)) throw new Error('CIFAR should load as bytes');
    // Expected statistics straight from the bytes, in float64.
    const expected = channelMoments(
      Float32Array.from(train.bytes, (b) => b / 255),
      3,
    );
    for (const { mean, std } of channelMoments(allInputs(ds.train), 3)) {
      expect(mean).toBeCloseTo(0, 5);
      expect(std).toBeCloseTo(1, 5);
    }
    const values = allInputs(ds.test);
    for (let k = 0; k < test.bytes.length; k += 97) {
      const { mean, std } = expected[k % 3];
      expect(values[k]).toBeCloseTo((test.bytes[k] / 255 - mean) / std, 5);
    }
    // The thumbnail is the stored picture, whatever the normalisation.
    const png = PNG.sync.read(Buffer.from(ds.thumbnail?.('test', 1) ?? new Uint8Array()));
    for (let p = 0; p < 1024; p++)
      for (let c = 0; c < 3; c++) expect(png.data[p * 4 + c]).toBe(test.bytes[3072 + p * 3 + c]);
  });

  it("scales tabular features to [0, 1] with 'unit'", async () => {
    const ds = await loadDataset({
      kind: 'blobs-2d',
      trainSize: 240,
      testSize: 24,
      normalize: 'unit',
    });
    for (let c = 0; c < 2; c++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < ds.train.n; i++) {
        lo = Math.min(lo, allInputs(ds.train)[2 * i + c]);
        hi = Math.max(hi, allInputs(ds.train)[2 * i + c]);
      }
      expect(lo).toBeCloseTo(0, 6);
      expect(hi).toBeCloseTo(1, 6);
    }
  });

  it('dispatches to the readers: CIFAR, image folders, ACAS Xu from a .nnet', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'c10', 'data_batch_1.bin'), cifarRecords([[1], [2]]));
    writeFile(join(dir, 'c10', 'test_batch.bin'), cifarRecords([[3]]));
    const c = await loadDataset({ kind: 'cifar10', path: join(dir, 'c10') });
    expect(c.train.n).toBe(2);
    expect(c.thumbnail?.('train', 1)).toBeInstanceOf(Uint8Array);
    writeFile(join(dir, 'img', 'a', '1.png'), pngBytes(rgbImage(4, 4, [9, 9, 9]), 4, 4));
    writeFile(join(dir, 'img', 'b', '1.png'), pngBytes(rgbImage(4, 4, [90, 9, 9]), 4, 4));
    const f = await loadDataset(
      { kind: 'image-folder', path: join(dir, 'img') },
      { cacheDir: join(dir, 'cache') },
    );
    expect(f.classNames).toEqual(['a', 'b']);
    const nnet = writeFile(join(dir, 'tiny.nnet'), TINY_NNET);
    const a = await loadDataset({
      kind: 'acasxu',
      path: nnet,
      trainSize: 30,
      testSize: 10,
      seed: 1,
    });
    expect([a.train.n, a.test.n]).toEqual([30, 10]);
    await expect(loadDataset({ kind: 'cifar100', path: join(dir, 'c10') })).rejects.toThrow(
      /holds cifar10 files/,
    );
  });

  it('reports a missing path or a bad size as a config error', async () => {
    await expect(loadDataset({ kind: 'csv' })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      field: 'dataset.path',
    });
    // The message says what the path of that kind holds (from the kind catalogue).
    await expect(loadDataset({ kind: 'idx' })).rejects.toThrow(
      /dataset\.path is required for data set kind 'idx': the folder of train-images-idx3-ubyte/,
    );
    const dir = tempDir();
    const gz = writeFile(join(dir, 'train-images-idx3-ubyte.gz'), 'x');
    await expect(loadDataset({ kind: 'idx', path: gz })).rejects.toThrow(
      /train-images-idx3-ubyte\.gz: data set kind 'idx' reads the folder of .*, not a file/,
    );
    await expect(loadDataset({ kind: 'csv', path: dir })).rejects.toThrow(
      /data set kind 'csv' reads a \.csv file, not a folder/,
    );
    await expect(loadDataset({ kind: 'npy', path: '/no/such/file.npy' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(loadDataset({ kind: 'blobs-2d', trainSize: -3 })).rejects.toMatchObject({
      field: 'dataset.trainSize',
    });
  });
});
