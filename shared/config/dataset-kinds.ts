/**
 * The catalogue of data set kinds: every kind the workbench reads or generates, with what the
 * rest of the code needs to know about it. The `DatasetKind` type, the config validator, the
 * renderer's form, the CLI's `--kind` and "does it need a path" all read this one table, so a
 * new kind is added here and in its reader only.
 */

export interface DatasetKindInfo {
  /** Label in the New-experiment form. */
  label: string;
  /** `generator`: built in, sized by trainSize/testSize, no path; `file` / `folder`: what `path` names. */
  source: 'generator' | 'file' | 'folder' | 'file-or-folder';
  /** What `path` holds, for help texts (empty for generators). */
  pathHint: string;
}

export const DATASET_KIND_CATALOGUE = {
  'blobs-2d': { label: 'blobs-2d (built in, 2-D)', source: 'generator', pathHint: '' },
  'shapes-32': { label: 'shapes-32 (built in, images)', source: 'generator', pathHint: '' },
  acasxu: {
    label: 'ACAS Xu (from a .nnet)',
    source: 'file',
    pathHint: 'a .nnet network or a set written by make-acasxu',
  },
  cifar10: {
    label: 'CIFAR-10 (binary files)',
    source: 'file-or-folder',
    pathHint: 'the folder of data_batch_*.bin and test_batch.bin, or one of them',
  },
  cifar100: {
    label: 'CIFAR-100 (binary files)',
    source: 'file-or-folder',
    pathHint: 'the folder of train.bin and test.bin, or one of them',
  },
  idx: {
    label: 'IDX images (MNIST, Fashion-MNIST…)',
    source: 'folder',
    pathHint: 'the folder of train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-…',
  },
  'image-folder': {
    label: 'Image folder (EuroSAT…)',
    source: 'folder',
    pathHint: 'a folder with one sub-folder of images per class',
  },
  'tiny-imagenet': {
    label: 'Tiny-ImageNet',
    source: 'folder',
    pathHint: 'the tiny-imagenet-200 folder',
  },
  csv: { label: 'CSV table', source: 'file', pathHint: 'a .csv file' },
  npy: {
    label: 'NumPy .npy arrays',
    source: 'file-or-folder',
    pathHint: 'a features .npy file, or a folder of features.npy + labels.npy (or x_/y_ arrays)',
  },
} as const satisfies Record<string, DatasetKindInfo>;

export type DatasetKind = keyof typeof DATASET_KIND_CATALOGUE;

/** Every kind, in catalogue order. */
export const DATASET_KINDS = Object.keys(DATASET_KIND_CATALOGUE) as readonly DatasetKind[];

export function isDatasetKind(value: unknown): value is DatasetKind {
  return typeof value === 'string' && Object.hasOwn(DATASET_KIND_CATALOGUE, value);
}

/** Built-in generators need no path and are sized by trainSize / testSize. */
export function isGeneratorKind(kind: string): boolean {
  return isDatasetKind(kind) && DATASET_KIND_CATALOGUE[kind].source === 'generator';
}

/** The generator kinds (their names double as `relaxcert data inspect` arguments). */
export const GENERATOR_KINDS = DATASET_KINDS.filter(isGeneratorKind);
