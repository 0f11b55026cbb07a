/**
 * Image folders, one sub-folder per class (EuroSAT's RGB release: 10 folders of 64×64 JPEGs).
 * Classes are the sub-folders in sorted order. If the folder holds `train/` and `test/` (each with
 * the same class folders) that split is used; otherwise a seeded, stratified 2/3–1/3 split.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { dataError } from './data-error.ts';
import { isImageName } from './image-codec.ts';
import { loadImageCollection, type ImageEntry } from './image-collection.ts';
import type { RawDataset } from './raw-dataset.ts';
import type { AffinityPreset, LoadOptions } from './types.ts';

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

function imagesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && isImageName(d.name))
    .map((d) => d.name)
    .sort()
    .map((name) => join(dir, name));
}

function hasGivenSplit(root: string): boolean {
  return ['train', 'test'].every(
    (p) => existsSync(join(root, p)) && statSync(join(root, p)).isDirectory(),
  );
}

/** EuroSAT's affinity sets of PAPER.md, offered when the class folders carry EuroSAT's names. */
function eurosatPresets(classNames: string[]): AffinityPreset[] {
  const id = (name: string) => classNames.indexOf(name);
  const needed = ['Highway', 'River', 'AnnualCrop', 'PermanentCrop', 'Pasture'];
  if (needed.some((n) => id(n) < 0)) return [];
  return [
    { name: 'highway + river', sets: [[id('Highway'), id('River')]], setNames: ['highway/river'] },
    {
      name: 'highway + river, agriculture',
      sets: [
        [id('Highway'), id('River')],
        [id('AnnualCrop'), id('PermanentCrop'), id('Pasture')],
      ],
      setNames: ['highway/river', 'agriculture'],
    },
  ];
}

/**
 * Archives often extract to one wrapper folder (EuroSAT: `2750/` or `EuroSAT_RGB/`): when the
 * folder holds nothing but one sub-folder whose own sub-folders are the classes, use that.
 */
function unwrap(root: string): string {
  const entries = readdirSync(root, { withFileTypes: true }).filter((d) => !d.name.startsWith('.'));
  if (entries.length !== 1 || !entries[0].isDirectory() || hasGivenSplit(root)) return root;
  const inner = join(root, entries[0].name);
  const innerFolders = subfolders(inner);
  return innerFolders.length > 0 && innerFolders.some((f) => imagesIn(join(inner, f)).length > 0)
    ? inner
    : root;
}

export function listImageFolder(folder: string): { classNames: string[]; entries: ImageEntry[] } {
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw dataError(folder, {}, 'not a folder');
  const root = unwrap(folder);
  const given = hasGivenSplit(root);
  const partDirs: Array<[string, 0 | 1 | 2]> = given
    ? [
        [join(root, 'train'), 0],
        [join(root, 'test'), 1],
      ]
    : [[root, 2]];
  const classNames = subfolders(partDirs[0][0]);
  if (classNames.length === 0)
    throw dataError(partDirs[0][0], {}, 'no class folders (expected one sub-folder per class)');
  const entries: ImageEntry[] = [];
  for (const [dir, part] of partDirs) {
    const here = subfolders(dir);
    for (const name of here)
      if (!classNames.includes(name))
        throw dataError(
          join(dir, name),
          {},
          `class folder '${name}' is not among the training classes`,
        );
    for (const [label, name] of classNames.entries()) {
      const classDir = join(dir, name);
      if (!existsSync(classDir)) continue;
      const files = imagesIn(classDir);
      if (files.length === 0 && part !== 1)
        throw dataError(classDir, {}, 'folder has no images (.jpg, .jpeg, .png)');
      for (const file of files) entries.push({ file, label, part });
    }
  }
  return { classNames, entries };
}

export async function loadImageFolder(
  root: string,
  seed: number,
  options: LoadOptions,
): Promise<RawDataset> {
  const { classNames, entries } = listImageFolder(root);
  return loadImageCollection(
    {
      kind: 'image-folder',
      name: `${basename(root)} (image folders)`,
      root,
      classNames,
      affinityPresets: eurosatPresets(classNames),
      entries,
    },
    seed,
    options,
  );
}
