import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allInputs, isByteImages } from './inputs.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { loadCifar } from './cifar.ts';
import { cifarRecords, tempDir, writeFile } from './testing/fixtures.ts';

function cifar10(dir: string, train: number[][], test: number[][]) {
  const half = Math.ceil(train.length / 2);
  writeFile(join(dir, 'data_batch_1.bin'), cifarRecords(train.slice(0, half)));
  writeFile(join(dir, 'data_batch_2.bin'), cifarRecords(train.slice(half)));
  writeFile(join(dir, 'test_batch.bin'), cifarRecords(test));
}

function expectFormatError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RelaxCertError);
    expect((error as RelaxCertError).code).toBe('DATA_FORMAT');
    expect((error as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a DATA_FORMAT error');
}

describe('CIFAR binary reader', () => {
  it('reads CIFAR-10 batches in order, planes to NHWC, with names from batches.meta.txt', () => {
    const dir = tempDir();
    cifar10(dir, [[3], [1], [9], [0]], [[2]]);
    writeFile(
      join(dir, 'batches.meta.txt'),
      'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n',
    );
    const ds = loadCifar(dir, 'cifar10', {}, {});
    expect(ds.classNames[3]).toBe('cat');
    expect([...ds.train.y]).toEqual([3, 1, 9, 0]);
    expect([...ds.test.y]).toEqual([2]);
    // Record 1 (label 1), pixel 5, channel c: byte 10 + 3c + 5, standing for that / 255. The
    // images stay bytes; reading them gives exactly the float32 of byte / 255.
    const o = 1 * 3072 + 5 * 3;
    const x = ds.train.x;
    if (!isByteImages(x)) throw new Error('CIFAR images should stay bytes');
    expect([...x.bytes.subarray(o, o + 3)]).toEqual([15, 18, 21]);
    const values = allInputs(ds.train);
    expect([...values.subarray(o, o + 3)]).toEqual([15, 18, 21].map((b) => Math.fround(b / 255)));
    expect(ds.affinityPresets).toEqual([]);
  });

  it('reads CIFAR-100 fine labels and derives the superclass preset from the coarse labels', () => {
    const dir = tempDir();
    // (coarse, fine) pairs: superclass 0 = {4, 30}, superclass 19 = {7}.
    writeFile(
      join(dir, 'train.bin'),
      cifarRecords([
        [0, 4],
        [19, 7],
        [0, 30],
        [0, 4],
      ]),
    );
    writeFile(join(dir, 'test.bin'), cifarRecords([[19, 7]]));
    writeFile(
      join(dir, 'coarse_label_names.txt'),
      Array.from({ length: 20 }, (_, i) => `super${i}`).join('\n'),
    );
    const fine = loadCifar(dir, 'cifar100', {}, {});
    expect([...fine.train.y]).toEqual([4, 7, 30, 4]);
    expect(fine.classNames).toHaveLength(100);
    expect(fine.affinityPresets[0]).toEqual({
      name: 'superclasses',
      sets: [[4, 30], [7]],
      setNames: ['super0', 'super19'],
    });
    const coarse = loadCifar(dir, 'cifar100', { options: { labels: 'coarse' } }, {});
    expect([...coarse.train.y]).toEqual([0, 19, 0, 0]);
    expect(coarse.classNames[19]).toBe('super19');
    expect(coarse.affinityPresets).toEqual([]);
  });

  it('finds the folder the official archive extracts to', () => {
    const dir = tempDir();
    cifar10(join(dir, 'cifar-10-batches-bin'), [[4], [6]], [[5]]);
    expect([...loadCifar(dir, 'cifar10', {}, {}).train.y]).toEqual([4, 6]);
  });

  it('reports progress per file', () => {
    const dir = tempDir();
    cifar10(dir, [[1], [2]], [[3]]);
    const seen: string[] = [];
    loadCifar(
      dir,
      'cifar10',
      {},
      { onProgress: (p) => seen.push(`${p.phase} ${p.done}/${p.total}`) },
    );
    expect(seen).toEqual(['decoding 1/3', 'decoding 2/3', 'decoding 3/3']);
  });

  it('rejects a file whose length is not a multiple of the record size, naming record and offset', () => {
    const dir = tempDir();
    cifar10(dir, [[1], [2]], [[3]]);
    const bytes = cifarRecords([[1], [2]]);
    writeFile(join(dir, 'data_batch_2.bin'), bytes.subarray(0, bytes.length - 10));
    expectFormatError(
      () => loadCifar(dir, 'cifar10', {}, {}),
      /data_batch_2\.bin: record 1 \(byte offset 3073\): length 6136 is not a multiple of the record size 3073/,
    );
  });

  it('rejects labels out of range and empty files', () => {
    const dir = tempDir();
    cifar10(dir, [[1], [12]], [[3]]);
    expectFormatError(
      () => loadCifar(dir, 'cifar10', {}, {}),
      /data_batch_2\.bin: record 0 \(byte offset 0\): label 12 out of range \[0, 10\)/,
    );
    const dir2 = tempDir();
    writeFile(join(dir2, 'train.bin'), cifarRecords([[0, 100]]));
    writeFile(join(dir2, 'test.bin'), cifarRecords([[0, 1]]));
    expectFormatError(
      () => loadCifar(dir2, 'cifar100', {}, {}),
      /train\.bin: record 0 \(byte offset 1\): label 100 out of range/,
    );
    // Coarse labels are checked in test.bin as in train.bin, with fine labels read.
    writeFile(join(dir2, 'train.bin'), cifarRecords([[0, 1]]));
    writeFile(
      join(dir2, 'test.bin'),
      cifarRecords([
        [0, 1],
        [20, 2],
      ]),
    );
    expectFormatError(
      () => loadCifar(dir2, 'cifar100', {}, {}),
      /test\.bin: record 1 \(byte offset 3074\): coarse label 20 out of range \[0, 20\)/,
    );
    writeFile(join(dir2, 'train.bin'), cifarRecords([[25, 1]]));
    expectFormatError(
      () => loadCifar(dir2, 'cifar100', {}, {}),
      /train\.bin: record 0 \(byte offset 0\): coarse label 25 out of range/,
    );
    writeFile(join(dir2, 'train.bin'), new Uint8Array(0));
    expectFormatError(
      () => loadCifar(dir2, 'cifar100', {}, {}),
      /train\.bin: byte offset 0: file is empty/,
    );
  });
});
