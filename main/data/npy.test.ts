import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectKind } from './detect-format.ts';
import { allInputs } from './inputs.ts';
import { loadNpy, parseNpy } from './npy.ts';
import { npyBytes, tempDir, writeFile, formatError } from './testing/fixtures.ts';

describe('.npy reader', () => {
  it('parses the header of a version-1 file', () => {
    const a = parseNpy(npyBytes('<f4', [3, 2], [1, 2, 3, 4, 5, 6]), 'a.npy');
    expect(a.dtype).toBe('f4');
    expect(a.shape).toEqual([3, 2]);
    expect(a.dataOffset % 64).toBe(0);
  });

  it('reads float32 features with int64 labels from y_ siblings, using train/test files', () => {
    const dir = tempDir();
    writeFile(join(dir, 'x_train.npy'), npyBytes('<f4', [4, 2], [0, 1, 2, 3, 4, 5, 6, 7]));
    writeFile(join(dir, 'y_train.npy'), npyBytes('<i8', [4], [0, 1, 2, 1]));
    writeFile(join(dir, 'x_test.npy'), npyBytes('<f4', [1, 2], [8, 9]));
    writeFile(join(dir, 'y_test.npy'), npyBytes('<i8', [1], [2]));
    for (const path of [join(dir, 'x_train.npy'), dir]) {
      const ds = loadNpy(path, 0, { classNames: 'a,b,c' }, {});
      expect(ds.classNames).toEqual(['a', 'b', 'c']);
      expect(ds.inputShape).toEqual([2]);
      expect([...allInputs(ds.train)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect([...ds.train.y]).toEqual([0, 1, 2, 1]);
      expect([...allInputs(ds.test)]).toEqual([8, 9]);
    }
  });

  it('reads uint8 images scaled to [0, 1] and splits them when no test file exists', () => {
    const dir = tempDir();
    const pixels = Array.from({ length: 6 * 2 * 2 * 3 }, (_, i) => i);
    writeFile(join(dir, 'images.npy'), npyBytes('|u1', [6, 2, 2, 3], pixels));
    writeFile(join(dir, 'images_labels.npy'), npyBytes('|u1', [6], [0, 0, 0, 1, 1, 1]));
    const ds = loadNpy(join(dir, 'images.npy'), 0, {}, {});
    expect(ds.inputShape).toEqual([2, 2, 3]);
    expect(ds.isImage).toBe(true);
    expect(ds.train.n + ds.test.n).toBe(6);
    expect(ds.train.n).toBe(4);
    // Image k holds bytes 12k .. 12k + 11 and has label floor(k / 3).
    for (const split of [ds.train, ds.test])
      for (let i = 0, x = allInputs(split); i < split.n; i++) {
        const k = Math.round((x[i * 12] * 255) / 12);
        for (let j = 0; j < 12; j++) expect(x[i * 12 + j]).toBeCloseTo((12 * k + j) / 255, 6);
        expect(split.y[i]).toBe(Math.floor(k / 3));
      }
  });

  it('rejects truncated and oversized arrays, labels out of range and wrong label counts', () => {
    const good = npyBytes('<f4', [3, 2], [1, 2, 3, 4, 5, 6]);
    expect(formatError(() => parseNpy(good.subarray(0, good.length - 2), 'a.npy')).message).toMatch(
      /a\.npy: byte offset \d+: truncated: shape \(3, 2\) needs/,
    );
    const big = Buffer.concat([good, Buffer.alloc(3)]);
    expect(formatError(() => parseNpy(big, 'a.npy')).message).toContain(
      `byte offset ${good.length}: 3 unexpected bytes`,
    );
    expect(
      formatError(() => parseNpy(Buffer.from('PK\x03\x04 zip archive'), 'a.npy')).message,
    ).toMatch(/not a \.npy file/);

    const dir = tempDir();
    writeFile(join(dir, 'x.npy'), npyBytes('<f4', [3, 1], [1, 2, 3]));
    writeFile(join(dir, 'y.npy'), npyBytes('<i4', [3], [0, -2, 1]));
    const e = formatError(() => loadNpy(join(dir, 'x.npy'), 0, {}, {}));
    expect(e.message).toMatch(/y\.npy: record 1 \(byte offset \d+\): label -2 out of range/);
    writeFile(join(dir, 'y.npy'), npyBytes('<i4', [3], [0, 4, 1]));
    expect(formatError(() => loadNpy(join(dir, 'x.npy'), 0, { classes: 3 }, {})).message).toMatch(
      /record 1 .*label 4 out of range \[0, 3\)/,
    );
    writeFile(join(dir, 'y.npy'), npyBytes('<i4', [2], [0, 1]));
    expect(formatError(() => loadNpy(join(dir, 'x.npy'), 0, {}, {})).message).toMatch(
      /labels must have shape \(3,\), found \(2\)/,
    );
  });

  it('reads the folder layouts x_train/y_train, features/labels and X/y, with given class names', async () => {
    const x = (n: number) =>
      npyBytes(
        '<f4',
        [n, 2],
        Array.from({ length: 2 * n }, (_, i) => i),
      );
    const y = (n: number) =>
      npyBytes(
        '<i4',
        [n],
        Array.from({ length: n }, (_, i) => i % 2),
      );
    const a = tempDir();
    writeFile(join(a, 'features.npy'), x(6));
    writeFile(join(a, 'labels.npy'), y(6));
    writeFile(join(a, 'test_features.npy'), x(2));
    writeFile(join(a, 'test_labels.npy'), y(2));
    expect(detectKind(a)).toBe('npy');
    const fl = loadNpy(a, 0, { classNames: 'cat,dog' }, {});
    expect([fl.train.n, fl.test.n]).toEqual([6, 2]);
    expect(fl.classNames).toEqual(['cat', 'dog']);
    const b = tempDir();
    writeFile(join(b, 'X.npy'), x(9));
    writeFile(join(b, 'y.npy'), y(9));
    expect(detectKind(b)).toBe('npy');
    const xy = loadNpy(b, 0, {}, {});
    expect(xy.train.n + xy.test.n).toBe(9);
    expect(xy.classNames).toEqual(['class 0', 'class 1']);
    const c = tempDir();
    writeFile(join(c, 'X_Train.npy'), x(3));
    writeFile(join(c, 'Y_TRAIN.npy'), y(3));
    writeFile(join(c, 'x_test.npy'), x(1));
    writeFile(join(c, 'y_test.npy'), y(1));
    expect(loadNpy(c, 0, {}, {}).test.n).toBe(1);
  });

  it('names the file names it looked for when no folder layout fits', () => {
    const dir = tempDir();
    writeFile(join(dir, 'data.npy'), npyBytes('<f4', [1], [1]));
    writeFile(join(dir, 'targets.npy'), npyBytes('<i4', [1], [0]));
    const message = formatError(() => loadNpy(dir, 0, {}, {})).message;
    expect(message).toContain('x_train.npy + y_train.npy (test: x_test.npy + y_test.npy)');
    expect(message).toContain('features.npy + labels.npy');
    expect(message).toContain('x.npy + y.npy');
    expect(message).toContain('found data.npy, targets.npy');
  });
});
