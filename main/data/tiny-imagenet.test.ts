import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allInputs } from './inputs.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { loadTinyImagenet } from './tiny-imagenet.ts';
import { jpegBytes, rgbImage, tempDir, writeFile } from './testing/fixtures.ts';

function makeTiny(root: string): void {
  writeFile(join(root, 'wnids.txt'), 'n02\nn01\n');
  writeFile(
    join(root, 'words.txt'),
    'n01\tgoldfish, Carassius auratus\nn02\tEuropean fire salamander\nn99\tunused\n',
  );
  for (const [c, w] of ['n02', 'n01'].entries())
    for (let i = 0; i < 3; i++)
      writeFile(
        join(root, 'train', w, 'images', `${w}_${i}.JPEG`),
        jpegBytes(rgbImage(8, 8, c === 0 ? [220, 20, 20] : [20, 20, 220], i), 8, 8),
      );
  writeFile(
    join(root, 'val', 'images', 'val_0.JPEG'),
    jpegBytes(rgbImage(8, 8, [20, 20, 220]), 8, 8),
  );
  writeFile(
    join(root, 'val', 'images', 'val_1.JPEG'),
    jpegBytes(rgbImage(8, 8, [220, 20, 20]), 8, 8),
  );
  writeFile(
    join(root, 'val', 'val_annotations.txt'),
    'val_0.JPEG\tn01\t0\t0\t7\t7\nval_1.JPEG\tn02\t1\t1\t6\t6\n',
  );
}

describe('Tiny-ImageNet layout', () => {
  it('reads classes in wnids.txt order, names from words.txt, val as the test split', async () => {
    const root = tempDir();
    makeTiny(root);
    const ds = await loadTinyImagenet(root, 0, { cacheDir: tempDir() });
    expect(ds.classNames).toEqual(['European fire salamander', 'goldfish']);
    expect(ds.train.n).toBe(6);
    expect([...ds.test.y]).toEqual([1, 0]);
    // Test image 0 is blue (class n01 = 1).
    const x = allInputs(ds.test);
    expect(x[2]).toBeGreaterThan(0.7);
    expect(x[0]).toBeLessThan(0.2);
  });

  it('names the annotation line of an unknown class', async () => {
    const root = tempDir();
    makeTiny(root);
    writeFile(
      join(root, 'val', 'val_annotations.txt'),
      'val_0.JPEG\tn01\t0\t0\t7\t7\nval_1.JPEG\tn77\t1\t1\t6\t6\n',
    );
    const error = await loadTinyImagenet(root, 0, { cacheDir: tempDir() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelaxCertError);
    expect((error as Error).message).toMatch(/val_annotations\.txt: line 2: unknown class 'n77'/);
  });
});
