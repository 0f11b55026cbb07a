/**
 * What every dataset reader and generator produces. Inputs are row-major float32 in NHWC order
 * for images (so a batch is `x.subarray(i * size, (i + n) * size)` with `size` the product of
 * `inputShape`), already normalised as the spec asked; labels are class ids.
 */
import type { DatasetSpec } from '../../shared/config/experiment.ts';

export interface Split {
  /** Number of points. */
  n: number;
  /** n × prod(inputShape) features, row-major. */
  x: Float32Array;
  /** n labels in [0, classNames.length). */
  y: Int32Array;
}

export interface AffinityPreset {
  /** e.g. "superclasses", "by shape", "adjacent advisories". */
  name: string;
  sets: number[][];
  setNames?: string[];
}

export interface LoadedDataset {
  /** Display name, e.g. "CIFAR-100 (fine labels)". */
  name: string;
  kind: DatasetSpec['kind'];
  classNames: string[];
  /** Shape of one input: [features] for tabular, [height, width, channels] for images. */
  inputShape: number[];
  train: Split;
  test: Split;
  affinityPresets: AffinityPreset[];
  /** PNG bytes of one point for the point browser (images: the image; tabular: undefined). */
  thumbnail?(split: 'train' | 'test', index: number): Uint8Array;
}

export interface LoadProgress {
  phase: string; // "decoding", "reading cache", ...
  done: number;
  total: number;
}

export interface LoadOptions {
  onProgress?: (p: LoadProgress) => void;
  /** Folder for the binary cache of decoded sets (default: $RELAXCERT_HOME/cache). */
  cacheDir?: string;
}
