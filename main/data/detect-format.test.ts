import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../shared/errors.ts';
import { detectKind } from './detect-format.ts';
import {
  cifarRecords,
  idxBytes,
  npyBytes,
  pngBytes,
  rgbImage,
  tempDir,
  TINY_NNET,
  writeFile,
} from './testing/fixtures.ts';

describe('format detection', () => {
  it('recognises every supported layout', () => {
    const dir = tempDir();
    expect(detectKind('blobs-2d')).toBe('blobs-2d');
    expect(detectKind(writeFile(join(dir, 'n.nnet'), TINY_NNET))).toBe('acasxu');
    expect(detectKind(writeFile(join(dir, 't.csv'), '1,2,0\n'))).toBe('csv');
    expect(detectKind(writeFile(join(dir, 'a.npy'), npyBytes('<f4', [1], [1])))).toBe('npy');
    writeFile(join(dir, 'np', 'X_train.npy'), npyBytes('<f4', [1], [1]));
    expect(detectKind(join(dir, 'np'))).toBe('npy');
    const c100 = join(dir, 'c100');
    writeFile(join(c100, 'train.bin'), cifarRecords([[0, 1]]));
    writeFile(join(c100, 'test.bin'), cifarRecords([[0, 1]]));
    expect(detectKind(c100)).toBe('cifar100');
    expect(detectKind(join(c100, 'train.bin'))).toBe('cifar100');
    writeFile(join(dir, 'c10', 'data_batch_1.bin'), cifarRecords([[1]]));
    expect(detectKind(join(dir, 'c10'))).toBe('cifar10');
    writeFile(join(dir, 'tiny', 'wnids.txt'), 'n01\n');
    writeFile(join(dir, 'tiny', 'train', 'n01', 'images', 'a.JPEG'), 'x');
    expect(detectKind(join(dir, 'tiny'))).toBe('tiny-imagenet');
    writeFile(join(dir, 'folders', 'cat', 'a.png'), pngBytes(rgbImage(2, 2, [1, 1, 1]), 2, 2));
    expect(detectKind(join(dir, 'folders'))).toBe('image-folder');
    // MNIST-family IDX files (gzipped or not) beside nothing else, as Debian installs them.
    writeFile(join(dir, 'fashion', 'train-images-idx3-ubyte.gz'), idxBytes([1, 1, 1], [0]));
    writeFile(join(dir, 'fashion', 'train-labels-idx1-ubyte.gz'), idxBytes([1], [0]));
    expect(detectKind(join(dir, 'fashion'))).toBe('idx');
  });

  it('says when it cannot tell, or the path does not exist', () => {
    const dir = tempDir();
    const odd = writeFile(join(dir, 'data.xyz'), 'hello');
    expect(() => detectKind(odd)).toThrow(/cannot tell the format.*--kind/);
    expect(() => detectKind(join(dir, 'missing'))).toThrow(RelaxCertError);
    writeFile(join(dir, 'flat', 'readme.txt'), 'no data');
    expect(() => detectKind(join(dir, 'flat'))).toThrow(/no class folders, CIFAR or IDX files/);
  });
});
