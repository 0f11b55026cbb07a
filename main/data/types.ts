/**
 * What every dataset reader and generator produces. Inputs are row-major (NHWC for images),
 * already normalised as the spec asked; labels are class ids. Read inputs only through
 * main/data/inputs.ts, which handles both forms below.
 */
import type { DatasetSpec } from '../../shared/config/experiment.ts';

/**
 * Image inputs kept as their 8-bit pixels: a quarter of the memory of float32, and a cached set
 * loads without a conversion pass (docs/PERFORMANCE.md, "64×64 images"). Batches are converted
 * when they are assembled.
 */
export interface ByteImages {
  /** n × prod(inputShape) pixel bytes, row-major NHWC. */
  bytes: Uint8Array;
  channels: number;
  /** channels × 256 values: byte b of channel c stands for table[c * 256 + b]. */
  table: Float32Array;
}

/** Float32 features (tabular and generated sets) or image bytes. */
export type Inputs = Float32Array | ByteImages;

export interface Split {
  /** Number of points. */
  n: number;
  /** n × prod(inputShape) inputs, row-major. */
  x: Inputs;
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
  /** Folder for the binary cache of decoded sets (default: `<home>/cache`, see defaultCacheDir). */
  cacheDir?: string;
}
