/**
 * Built-in experiment presets: quick demos on generated data (no files needed) and one preset per
 * row of PAPER.md's Table F1 (the user supplies the data set named in `needsData`).
 */
import { RelaxCertError } from '../errors.ts';
import type { ExperimentConfig, Guarantee, TrainingSpec } from './experiment.ts';
import { FASHION_MNIST_AFFINITY } from './fashion-mnist.ts';

export interface PresetInfo {
  id: string;
  title: string;
  description: string;
  /** Paper row this preset reproduces, e.g. "Table F1: EuroSAT, RT3". */
  source?: string;
  /** What data the user must supply (empty for built-in demos). */
  needsData?: string;
  config: ExperimentConfig;
}

/** Paper learning rate for EuroSAT and CIFAR-100: constant 1e-3, then geometric decay. */
const PAPER_LR = '1e-3 -> 1e-6 after half';
/** Paper TRADES λ for the standard and CIFAR-100 rows. */
const PAPER_LAMBDA_LOG = '0.01 -> 1.2 log half';
/** ε = 36/255 of the CIFAR-style comparisons, on pixels in [0, 1]. */
const CIFAR_EPSILON = 0.141;

/** Where Debian's dataset-fashion-mnist package installs the IDX files. */
const FASHION_MNIST_PATH = '/usr/share/datasets/fashion-mnist';

/** EuroSAT class ids (its folders in sorted order). */
const EUROSAT = {
  AnnualCrop: 0,
  Forest: 1,
  HerbaceousVegetation: 2,
  Highway: 3,
  Industrial: 4,
  Pasture: 5,
  PermanentCrop: 6,
  Residential: 7,
  River: 8,
  SeaLake: 9,
} as const;

/** ACAS Xu advisories in output order. */
const ACAS = { COC: 0, WL: 1, WR: 2, SL: 3, SR: 4 } as const;

/**
 * Presets whose affinity sets come from the data set rather than from the preset: the host
 * replaces `guarantee.sets` (empty here) with the named affinity preset of the loaded data.
 */
export const AFFINITY_FROM_DATA: Readonly<Record<string, string>> = {
  'paper-cifar100-superclass': 'superclasses',
};

function training(overrides: Partial<TrainingSpec> & Pick<TrainingSpec, 'epsilon'>): TrainingSpec {
  return {
    epochs: 20,
    batchSize: 64,
    learningRate: '1e-3',
    loss: 'crossentropy',
    powerIterations: 2,
    seed: 0,
    ...overrides,
  };
}

function blobs(name: string, guarantee: Guarantee): ExperimentConfig {
  return {
    name,
    dataset: { kind: 'blobs-2d', trainSize: 3000, testSize: 1000, seed: 0, normalize: 'none' },
    architecture: { name: 'dense-small' },
    guarantee,
    training: training({ epsilon: 0.3, epochs: 20, batchSize: 64 }),
  };
}

const BLOB_GROUPS: Guarantee = {
  kind: 'affinity',
  sets: [
    [0, 1, 2],
    [3, 4, 5],
    [6, 7, 8],
    [9, 10, 11],
  ],
  names: ['group A', 'group B', 'group C', 'group D'],
};

function paper(
  name: string,
  dataset: ExperimentConfig['dataset'],
  architecture: ExperimentConfig['architecture'],
  guarantee: Guarantee,
  train: Partial<TrainingSpec> & Pick<TrainingSpec, 'epsilon'>,
): ExperimentConfig {
  return {
    name,
    dataset,
    architecture,
    guarantee,
    training: training({ epochs: 200, batchSize: 256, learningRate: PAPER_LR, ...train }),
  };
}

const EUROSAT_DATA: ExperimentConfig['dataset'] = {
  kind: 'image-folder',
  seed: 0,
  normalize: 'none',
};
const EUROSAT_NEEDS =
  'EuroSAT RGB (64×64 JPEGs, one folder per class: AnnualCrop, Forest, HerbaceousVegetation, ' +
  'Highway, Industrial, Pasture, PermanentCrop, Residential, River, SeaLake); set dataset.path ' +
  'to the folder. Split 2/3 train, 1/3 test (seeded).';
const CIFAR100_DATA: ExperimentConfig['dataset'] = {
  kind: 'cifar100',
  normalize: 'none',
  options: { labels: 'fine' },
};
const CIFAR100_NEEDS =
  'CIFAR-100 binary version (cifar-100-binary: train.bin, test.bin, fine_label_names.txt, ' +
  'coarse_label_names.txt); set dataset.path to its folder.';

export const PRESETS: PresetInfo[] = [
  {
    id: 'demo-blobs-affinity',
    title: 'Demo: blobs, affinity over groups',
    description:
      '12 Gaussian blobs in 4 groups of 3 (classes 0-2, 3-5, 6-8, 9-11). Affinity GloRo: a point ' +
      'may be certified as "one of its group". Trains in seconds; re-certify at larger ε (e.g. 1.0) ' +
      'to see group-level guarantees survive where single-class ones fail.',
    config: blobs('Blobs, affinity over groups', BLOB_GROUPS),
  },
  {
    id: 'demo-blobs-standard',
    title: 'Demo: blobs, standard GloRo',
    description:
      '12 Gaussian blobs in 4 groups of 3; standard GloRo at ε = 0.3. Trains in seconds.',
    config: blobs('Blobs, standard GloRo', { kind: 'standard' }),
  },
  {
    id: 'demo-blobs-rtk',
    title: 'Demo: blobs, RT3',
    description:
      '12 Gaussian blobs in 4 groups of 3; relaxed top-3 GloRo: a point may be certified as one ' +
      'of its top 1, 2 or 3 classes. Trains in seconds.',
    config: blobs('Blobs, RT3', { kind: 'rtk', k: 3 }),
  },
  {
    id: 'demo-shapes-rtk',
    title: 'Demo: shapes, RT3',
    description:
      '32×32 images of 3 shapes × 4 colours (class id = shape × 4 + colour); relaxed top-3 ' +
      'GloRo with a small dense net at ε = 0.141 (36/255). Built-in data, a few minutes on a CPU.',
    config: {
      name: 'Shapes, RT3',
      dataset: { kind: 'shapes-32', trainSize: 4800, testSize: 1200, seed: 0, normalize: 'none' },
      architecture: { name: 'dense-small', width: 128 },
      guarantee: { kind: 'rtk', k: 3 },
      training: training({ epsilon: CIFAR_EPSILON, epochs: 30, batchSize: 128 }),
    },
  },
  {
    id: 'fashion-mnist-affinity',
    title: 'Fashion-MNIST, affinity: tops and footwear',
    description:
      'Fashion-MNIST (28×28 greyscale, 10 classes) with two affinity sets chosen from what the ' +
      'classes are: the upper-body garments {T-shirt/top, Pullover, Coat, Shirt}, which a ' +
      'classifier confuses most and whose mix-up still puts an item in the right department, and ' +
      'the footwear {Sandal, Sneaker, Ankle boot}; Trouser, Dress and Bag stay alone, since ' +
      'confusing them is a real error. C2F2 net, ε = 0.3 (pixels in [0, 1]; the small MNIST ' +
      'radius of the GloRo paper), 20 epochs, batch 256, lr 1e-3 → 1e-6 after half, ' +
      'cross-entropy. Reads the IDX files as published, no conversion.',
    needsData:
      'Fashion-MNIST in its published IDX files (train-images-idx3-ubyte.gz, ' +
      "train-labels-idx1-ubyte.gz, t10k-…); the path is where Debian's dataset-fashion-mnist " +
      'installs them, change dataset.path if yours are elsewhere.',
    config: {
      name: 'Fashion-MNIST, affinity: tops and footwear',
      dataset: { kind: 'idx', path: FASHION_MNIST_PATH, seed: 0, normalize: 'none' },
      architecture: { name: 'cnn-c2f2' },
      guarantee: {
        kind: 'affinity',
        sets: FASHION_MNIST_AFFINITY.sets.map((s) => [...s]),
        names: [...FASHION_MNIST_AFFINITY.setNames],
      },
      training: training({
        epsilon: 0.3,
        epochs: 20,
        batchSize: 256,
        learningRate: PAPER_LR,
      }),
    },
  },
  {
    id: 'paper-eurosat-standard',
    title: 'Paper: EuroSAT, standard',
    description:
      'Table F1 row: EuroSAT, standard GloRo, 200 epochs, batch 256, lr 1e-3 → 1e-6 after half, ' +
      'TRADES with λ 0.01 → 1.2 (log, by half), ε = 0.141.',
    source: 'Table F1: EuroSAT, standard',
    needsData: EUROSAT_NEEDS,
    config: paper(
      'EuroSAT, standard',
      EUROSAT_DATA,
      { name: 'cnn-c2f2' },
      { kind: 'standard' },
      {
        epsilon: CIFAR_EPSILON,
        loss: 'trades',
        tradesLambda: PAPER_LAMBDA_LOG,
      },
    ),
  },
  {
    id: 'paper-eurosat-rt3',
    title: 'Paper: EuroSAT, RT3',
    description:
      'Table F1 row: EuroSAT, relaxed top-3, 200 epochs, batch 256, lr 1e-3 → 1e-6 after half, ' +
      'TRADES with λ 1.0 → 1.2 (linear), ε = 0.141.',
    source: 'Table F1: EuroSAT, RT3',
    needsData: EUROSAT_NEEDS,
    config: paper(
      'EuroSAT, RT3',
      EUROSAT_DATA,
      { name: 'cnn-c2f2' },
      { kind: 'rtk', k: 3 },
      {
        epsilon: CIFAR_EPSILON,
        loss: 'trades',
        tradesLambda: '1.0 -> 1.2',
      },
    ),
  },
  {
    id: 'paper-eurosat-affinity-highway-river',
    title: 'Paper: EuroSAT, affinity {Highway, River}',
    description:
      'Table F1 row: EuroSAT, affinity set {Highway, River} (ids 3 and 8), cross-entropy, ' +
      '200 epochs, batch 256, lr 1e-3 → 1e-6 after half, ε = 0.141.',
    source: 'Table F1: EuroSAT, affinity {highway, river}',
    needsData: EUROSAT_NEEDS,
    config: paper(
      'EuroSAT, affinity {Highway, River}',
      EUROSAT_DATA,
      { name: 'cnn-c2f2' },
      { kind: 'affinity', sets: [[EUROSAT.Highway, EUROSAT.River]], names: ['highway/river'] },
      { epsilon: CIFAR_EPSILON },
    ),
  },
  {
    id: 'paper-eurosat-affinity-highway-river-agriculture',
    title: 'Paper: EuroSAT, affinity {Highway, River}, {agriculture}',
    description:
      'Table F1 row: EuroSAT with two affinity sets, {Highway, River} and the agricultural ' +
      'classes {AnnualCrop, PermanentCrop, Pasture} (our reading of the row; HerbaceousVegetation ' +
      'is natural vegetation, not farmland); cross-entropy, ' +
      '200 epochs, batch 256, lr 1e-3 → 1e-6 after half, ε = 0.141.',
    source: 'Table F1: EuroSAT, affinity {highway, river, agriculture}',
    needsData: EUROSAT_NEEDS,
    config: paper(
      'EuroSAT, affinity {Highway, River}, {agriculture}',
      EUROSAT_DATA,
      { name: 'cnn-c2f2' },
      {
        kind: 'affinity',
        sets: [
          [EUROSAT.Highway, EUROSAT.River],
          [EUROSAT.AnnualCrop, EUROSAT.PermanentCrop, EUROSAT.Pasture],
        ],
        names: ['highway/river', 'agriculture'],
      },
      { epsilon: CIFAR_EPSILON },
    ),
  },
  {
    id: 'paper-cifar100-standard',
    title: 'Paper: CIFAR-100, standard',
    description:
      'Table F1 row: CIFAR-100 (fine labels), standard GloRo, 200 epochs, batch 256, lr 1e-3 → ' +
      '1e-6 after half, TRADES with λ 0.01 → 1.2 (log, by half), ε = 0.141.',
    source: 'Table F1: CIFAR-100, standard',
    needsData: CIFAR100_NEEDS,
    config: paper(
      'CIFAR-100, standard',
      CIFAR100_DATA,
      { name: 'cnn-c2f2' },
      { kind: 'standard' },
      {
        epsilon: CIFAR_EPSILON,
        loss: 'trades',
        tradesLambda: PAPER_LAMBDA_LOG,
      },
    ),
  },
  {
    id: 'paper-cifar100-rt5',
    title: 'Paper: CIFAR-100, RT5',
    description:
      'Table F1 row: CIFAR-100 (fine labels), relaxed top-5, 200 epochs, batch 256, lr 1e-3 → ' +
      '1e-6 after half, TRADES with λ 0.01 → 1.2 (log, by half), ε = 0.141.',
    source: 'Table F1: CIFAR-100, RT5',
    needsData: CIFAR100_NEEDS,
    config: paper(
      'CIFAR-100, RT5',
      CIFAR100_DATA,
      { name: 'cnn-c2f2' },
      { kind: 'rtk', k: 5 },
      {
        epsilon: CIFAR_EPSILON,
        loss: 'trades',
        tradesLambda: PAPER_LAMBDA_LOG,
      },
    ),
  },
  {
    id: 'paper-cifar100-superclass',
    title: 'Paper: CIFAR-100, superclass affinity',
    description:
      'Table F1 row: CIFAR-100 (fine labels) with the 20 superclasses (5 fine classes each) as ' +
      'affinity sets, TRADES with λ 0.01 → 1.2 (log, by half), ε = 0.141. The sets come from the ' +
      "data: guarantee.sets is left empty here and filled from the data set's 'superclasses' " +
      'affinity preset (the binary files carry both labels) when the data is loaded.',
    source: 'Table F1: CIFAR-100, superclass affinity',
    needsData: CIFAR100_NEEDS,
    config: paper(
      'CIFAR-100, superclass affinity',
      CIFAR100_DATA,
      { name: 'cnn-c2f2' },
      { kind: 'affinity', sets: [] },
      { epsilon: CIFAR_EPSILON, loss: 'trades', tradesLambda: PAPER_LAMBDA_LOG },
    ),
  },
  {
    id: 'paper-tiny-imagenet-rt5',
    title: 'Paper: Tiny-ImageNet, RT5',
    description:
      'Table F1 row: Tiny-ImageNet (200 classes), relaxed top-5, 6C2F-style net, 200 epochs, ' +
      'batch 256, lr 2.5e-5 → 5e-6 after half, TRADES with λ 1.0 → 10.0 by half, ε = 0.141.',
    source: 'Table F1: Tiny-ImageNet, RT5',
    needsData:
      'Tiny-ImageNet (tiny-imagenet-200: train/, val/ with val_annotations.txt, wnids.txt, ' +
      'words.txt); set dataset.path to its folder. The val split is the test split.',
    config: paper(
      'Tiny-ImageNet, RT5',
      { kind: 'tiny-imagenet', normalize: 'none' },
      { name: 'cnn-6c2f' },
      { kind: 'rtk', k: 5 },
      {
        epsilon: CIFAR_EPSILON,
        learningRate: '2.5e-5 -> 5e-6 after half',
        loss: 'trades',
        tradesLambda: '1.0 -> 10.0 by half',
      },
    ),
  },
  {
    id: 'paper-acasxu-affinity',
    title: 'Paper: ACAS Xu, adjacent-advisory affinity',
    description:
      'Table F1 / Appendix E: ACAS Xu advisories (COC, weak left, weak right, strong left, strong ' +
      'right) with affinity sets of adjacent advisories {COC, WL}, {COC, WR}, {WL, SL}, {WR, SR}; ' +
      'dense 3 × 1000, ε = 0.01, 100 epochs, batch 128, lr 1e-3 → 5e-6 after half, ' +
      'cross-entropy. Paper (Table E1): VRA 0.749, rejection 0.195, clean accuracy 0.858.',
    source: 'Table F1: ACAS Xu, adjacent-advisory affinity',
    needsData:
      'An ACAS Xu network in .nnet format (e.g. ACASXU_run2a_1_1_batch_2000.nnet; points are drawn ' +
      'uniformly from its input box and labelled by it) or a set written by ' +
      '`relaxcert data make-acasxu`; set dataset.path to the file.',
    config: paper(
      'ACAS Xu, adjacent-advisory affinity',
      { kind: 'acasxu', seed: 0, normalize: 'none' },
      { name: 'dense-3x1000' },
      {
        kind: 'affinity',
        sets: [
          [ACAS.COC, ACAS.WL],
          [ACAS.COC, ACAS.WR],
          [ACAS.WL, ACAS.SL],
          [ACAS.WR, ACAS.SR],
        ],
        names: ['COC/WL', 'COC/WR', 'WL/SL', 'WR/SR'],
      },
      {
        epsilon: 0.01,
        epochs: 100,
        batchSize: 128,
        learningRate: '1e-3 -> 5e-6 after half',
        loss: 'crossentropy',
      },
    ),
  },
];

/** A deep copy of a preset, so callers may edit its config freely. */
export function getPreset(id: string): PresetInfo {
  const p = PRESETS.find((x) => x.id === id);
  if (p === undefined) {
    throw new RelaxCertError(
      'NOT_FOUND',
      `No preset "${id}". Known presets: ${PRESETS.map((x) => x.id).join(', ')}.`,
      { field: 'preset' },
    );
  }
  return JSON.parse(JSON.stringify(p)) as PresetInfo;
}
