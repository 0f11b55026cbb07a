/**
 * The one entry point of the data layer: `loadDataset(spec)` dispatches on `spec.kind` to a
 * generator or a reader, applies the normalisation the spec asks for (statistics from the
 * training split) and attaches PNG thumbnails for image sets.
 */
import { existsSync, statSync } from 'node:fs';
import { DATASET_KIND_CATALOGUE } from '../../shared/config/dataset-kinds.ts';
import type { DatasetSpec } from '../../shared/config/experiment.ts';
import type { DatasetInfo } from '../../shared/api/workbench-api.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { loadAcasxu } from './acasxu.ts';
import { BLOBS_DEFAULT_TEST, BLOBS_DEFAULT_TRAIN, makeBlobs2d } from './blobs-2d.ts';
import { detectCifar, loadCifar } from './cifar.ts';
import { loadCsv } from './csv.ts';
import { checkDataPath } from './data-path-guard.ts';
import { encodePng } from './image-codec.ts';
import { loadIdx } from './idx.ts';
import { loadImageFolder } from './image-folder.ts';
import { isByteImages } from './inputs.ts';
import { applyStats, computeStats, type NormStats } from './normalize.ts';
import { loadNpy } from './npy.ts';
import { classCounts, sizeOf, type RawDataset } from './raw-dataset.ts';
import { SHAPES_DEFAULT_TEST, SHAPES_DEFAULT_TRAIN, makeShapes32 } from './shapes-32.ts';
import { loadTinyImagenet } from './tiny-imagenet.ts';
import type { LoadedDataset, LoadOptions } from './types.ts';

/** Largest generated split; beyond this a typo (an extra zero) would exhaust memory. */
const MAX_GENERATED = 5_000_000;

function size(spec: DatasetSpec, field: 'trainSize' | 'testSize', fallback: number): number {
  const v = spec[field] ?? fallback;
  if (!Number.isInteger(v) || v < 0 || v > MAX_GENERATED)
    throw new RelaxCertError(
      'INVALID_CONFIG',
      `dataset.${field} must be an integer in [0, ${MAX_GENERATED}], not ${v}`,
      {
        field: `dataset.${field}`,
      },
    );
  return v;
}

function requirePath(spec: DatasetSpec): string {
  if (!spec.path)
    throw new RelaxCertError(
      'INVALID_CONFIG',
      `dataset.path is required for data set kind '${spec.kind}': ${DATASET_KIND_CATALOGUE[spec.kind].pathHint}`,
      { field: 'dataset.path' },
    );
  if (!existsSync(spec.path))
    throw new RelaxCertError('NOT_FOUND', `${spec.path}: no such file or folder`, {
      file: spec.path,
      field: 'dataset.path',
    });
  // A file where the kind reads a folder (or the reverse) is named before any reader looks.
  const { source, pathHint } = DATASET_KIND_CATALOGUE[spec.kind];
  const isFolder = statSync(spec.path).isDirectory();
  if ((source === 'folder' && !isFolder) || (source === 'file' && isFolder))
    throw new RelaxCertError(
      'INVALID_CONFIG',
      `${spec.path}: data set kind '${spec.kind}' reads ${pathHint}, not a ${isFolder ? 'folder' : 'file'}`,
      { file: spec.path, field: 'dataset.path' },
    );
  // Only regular files (or folders of them) are opened: no FIFO, device or socket.
  checkDataPath(spec.path, spec.kind);
  return spec.path;
}

async function loadRaw(spec: DatasetSpec, options: LoadOptions): Promise<RawDataset> {
  const seed = spec.seed ?? 0;
  switch (spec.kind) {
    case 'blobs-2d':
      return makeBlobs2d(
        size(spec, 'trainSize', BLOBS_DEFAULT_TRAIN),
        size(spec, 'testSize', BLOBS_DEFAULT_TEST),
        seed,
      );
    case 'shapes-32':
      return makeShapes32(
        size(spec, 'trainSize', SHAPES_DEFAULT_TRAIN),
        size(spec, 'testSize', SHAPES_DEFAULT_TEST),
        seed,
      );
    case 'acasxu': {
      const path = requirePath(spec);
      return loadAcasxu(
        path,
        spec.trainSize === undefined ? undefined : size(spec, 'trainSize', 0),
        spec.testSize === undefined ? undefined : size(spec, 'testSize', 0),
        seed,
      );
    }
    case 'cifar10':
    case 'cifar100': {
      const path = requirePath(spec);
      const found = detectCifar(path);
      if (found !== undefined && found !== spec.kind)
        throw new RelaxCertError('DATA_FORMAT', `${path}: holds ${found} files, not ${spec.kind}`, {
          file: path,
        });
      return loadCifar(path, spec.kind, spec, options);
    }
    case 'image-folder':
      return loadImageFolder(requirePath(spec), seed, options);
    case 'tiny-imagenet':
      return loadTinyImagenet(requirePath(spec), seed, options);
    case 'csv':
      return loadCsv(requirePath(spec), seed, spec.options, options);
    case 'npy':
      return loadNpy(requirePath(spec), seed, spec.options, options);
    case 'idx':
      return loadIdx(requirePath(spec), seed, spec.options, options);
    default: {
      const kind: never = spec.kind;
      throw new RelaxCertError('INVALID_CONFIG', `unknown data set kind '${String(kind)}'`, {
        field: 'dataset.kind',
      });
    }
  }
}

function thumbnailer(raw: RawDataset, stats: NormStats): LoadedDataset['thumbnail'] {
  if (!raw.isImage) return undefined;
  const [height, width, channels] = raw.inputShape;
  const pixels = height * width * channels;
  return (split, index) => {
    const s = split === 'train' ? raw.train : raw.test;
    if (!Number.isInteger(index) || index < 0 || index >= s.n)
      throw new RelaxCertError(
        'NOT_FOUND',
        `no point ${index} in the ${split} split (it has ${s.n})`,
      );
    const base = index * pixels;
    const x = s.x;
    // Image bytes are the picture itself; float images are mapped back to [0, 1] first.
    if (isByteImages(x))
      return encodePng(x.bytes.subarray(base, base + pixels), width, height, channels);
    const bytes = new Uint8Array(pixels);
    for (let p = 0; p < pixels; p++) {
      const c = p % channels;
      const v = x[base + p] * stats.scale[c] + stats.offset[c];
      bytes[p] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
    return encodePng(bytes, width, height, channels);
  };
}

export async function loadDataset(
  spec: DatasetSpec,
  options: LoadOptions = {},
): Promise<LoadedDataset> {
  const raw = await loadRaw(spec, options);
  const channels = raw.isImage ? raw.inputShape[raw.inputShape.length - 1] : sizeOf(raw.inputShape);
  const stats = computeStats(spec.normalize ?? 'none', raw.train, channels, raw.isImage);
  applyStats(raw.train, stats);
  applyStats(raw.test, stats);
  const dataset: LoadedDataset = {
    name: raw.name,
    kind: raw.kind,
    classNames: raw.classNames,
    inputShape: raw.inputShape,
    train: raw.train,
    test: raw.test,
    affinityPresets: raw.affinityPresets,
  };
  const thumbnail = thumbnailer(raw, stats);
  if (thumbnail) dataset.thumbnail = thumbnail;
  return dataset;
}

export function datasetInfo(dataset: LoadedDataset): DatasetInfo {
  return {
    kind: dataset.kind,
    name: dataset.name,
    classNames: dataset.classNames,
    inputShape: dataset.inputShape,
    trainSize: dataset.train.n,
    testSize: dataset.test.n,
    classCounts: classCounts(dataset.train.y, dataset.classNames.length),
    testClassCounts: classCounts(dataset.test.y, dataset.classNames.length),
    affinityPresets: dataset.affinityPresets.map((p) => ({
      name: p.name,
      sets: p.sets,
      ...(p.setNames ? { setNames: p.setNames } : {}),
    })),
    hasThumbnails: dataset.thumbnail !== undefined,
  };
}

/** Loads the set (cached image sets are quick) and summarises it. */
export async function inspectDataset(
  spec: DatasetSpec,
  options: LoadOptions = {},
): Promise<DatasetInfo> {
  return datasetInfo(await loadDataset(spec, options));
}

/** The built-in demos, which need no files. */
export function builtinDatasets(): DatasetSpec[] {
  return [
    {
      kind: 'blobs-2d',
      trainSize: BLOBS_DEFAULT_TRAIN,
      testSize: BLOBS_DEFAULT_TEST,
      seed: 0,
      normalize: 'none',
    },
    {
      kind: 'shapes-32',
      trainSize: SHAPES_DEFAULT_TRAIN,
      testSize: SHAPES_DEFAULT_TEST,
      seed: 0,
      normalize: 'unit',
    },
  ];
}
