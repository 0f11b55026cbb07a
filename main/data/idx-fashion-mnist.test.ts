/**
 * Real data: Fashion-MNIST as Debian's dataset-fashion-mnist package installs it (.ci/run
 * installs it). Skips, with the reason in the test's name, where the folder is absent.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectKind } from './detect-format.ts';
import { inspectDataset } from './load-dataset.ts';
import { tempDir } from './testing/fixtures.ts';

const FOLDER = process.env.RELAXCERT_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';
const present = existsSync(FOLDER);
if (!present)
  console.warn(
    `skipping the Fashion-MNIST real-data test: ${FOLDER} is absent (apt-get install dataset-fashion-mnist)`,
  );

describe.skipIf(!present)(`Fashion-MNIST from ${FOLDER}`, () => {
  it('is detected and read as 60,000 / 10,000 images of 28×28×1 with the ten class names', async () => {
    expect(detectKind(FOLDER)).toBe('idx');
    const info = await inspectDataset({ kind: 'idx', path: FOLDER }, { cacheDir: tempDir() });
    expect(info.name).toBe('Fashion-MNIST');
    expect(info.trainSize).toBe(60_000);
    expect(info.testSize).toBe(10_000);
    expect(info.inputShape).toEqual([28, 28, 1]);
    expect(info.classNames).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    // The published set is balanced: 6,000 training images per class.
    expect(info.classCounts).toEqual(new Array(10).fill(6000));
    expect(info.affinityPresets.map((p) => p.name)).toEqual(['tops + footwear']);
  });
});
