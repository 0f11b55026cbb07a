/**
 * Tiny-ImageNet layout: `wnids.txt` (class order), `words.txt` (wnid → names),
 * `train/<wnid>/images/*.JPEG` and `val/images/*.JPEG` labelled by `val/val_annotations.txt`
 * (file, wnid, box). The val split is the test split (the official test split has no labels).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dataError } from './data-error.ts';
import { readDataText } from './data-file.ts';
import { MAX_SIDE_FILE_BYTES } from './data-path-guard.ts';
import { isImageName } from './image-codec.ts';
import { loadImageCollection, type ImageEntry } from './image-collection.ts';
import type { RawDataset } from './raw-dataset.ts';
import type { LoadOptions } from './types.ts';

/** wnids.txt, words.txt (2.7 MB in the published set) and the val annotations. */
function readSideText(file: string): string {
  return readDataText(file, { format: 'Tiny-ImageNet text', maxBytes: MAX_SIDE_FILE_BYTES });
}

export function isTinyImagenet(root: string): boolean {
  return existsSync(join(root, 'wnids.txt')) && existsSync(join(root, 'train'));
}

export function listTinyImagenet(root: string): {
  classNames: string[];
  wnids: string[];
  entries: ImageEntry[];
} {
  const wnidsFile = join(root, 'wnids.txt');
  if (!existsSync(wnidsFile))
    throw dataError(wnidsFile, {}, 'missing: a Tiny-ImageNet folder needs wnids.txt');
  const wnids = readSideText(wnidsFile)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (wnids.length === 0) throw dataError(wnidsFile, {}, 'lists no classes');
  const index = new Map(wnids.map((w, i) => [w, i]));
  const names = new Map<string, string>();
  const wordsFile = join(root, 'words.txt');
  if (existsSync(wordsFile))
    for (const line of readSideText(wordsFile).split(/\r?\n/)) {
      const [w, words] = line.split('\t');
      if (w && words && index.has(w)) names.set(w, words.split(',')[0].trim());
    }
  const classNames = wnids.map((w) => names.get(w) ?? w);

  const entries: ImageEntry[] = [];
  for (const [label, w] of wnids.entries()) {
    const dir = join(root, 'train', w, 'images');
    const files = existsSync(dir) ? readdirSync(dir).filter(isImageName).sort() : [];
    if (files.length === 0) throw dataError(dir, {}, `no training images for class ${w}`);
    for (const f of files) entries.push({ file: join(dir, f), label, part: 0 });
  }
  const annotations = join(root, 'val', 'val_annotations.txt');
  if (existsSync(annotations)) {
    const lines = readSideText(annotations).split(/\r?\n/);
    lines.forEach((line, k) => {
      if (line.trim() === '') return;
      const [file, w] = line.split('\t');
      const label = index.get(w ?? '');
      if (label === undefined)
        throw dataError(
          annotations,
          { line: k + 1 },
          `unknown class '${w ?? ''}' (not in wnids.txt)`,
        );
      const path = join(root, 'val', 'images', file);
      if (!existsSync(path))
        throw dataError(annotations, { line: k + 1 }, `image ${path} does not exist`);
      entries.push({ file: path, label, part: 1 });
    });
  }
  return { classNames, wnids, entries };
}

export async function loadTinyImagenet(
  root: string,
  seed: number,
  options: LoadOptions,
): Promise<RawDataset> {
  const { classNames, entries } = listTinyImagenet(root);
  return loadImageCollection(
    {
      kind: 'tiny-imagenet',
      name: `Tiny-ImageNet (${classNames.length} classes)`,
      root,
      classNames,
      affinityPresets: [],
      entries,
    },
    seed,
    options,
  );
}
