/**
 * What readers and generators hand to `loadDataset` before normalisation: values in the source's
 * natural scale (image pixels scaled to [0, 1], tabular features as written, ACAS Xu inputs
 * already normalised by the network's means and ranges).
 */
import type { DatasetKind } from '../../shared/config/experiment.ts';
import type { AffinityPreset, Split } from './types.ts';

export interface RawDataset {
  name: string;
  kind: DatasetKind;
  classNames: string[];
  inputShape: number[];
  train: Split;
  test: Split;
  affinityPresets: AffinityPreset[];
  /** Images (NHWC in [0, 1]) get PNG thumbnails. */
  isImage: boolean;
}

/** Product of a shape's dimensions (features per point). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Per-class counts of a label array. */
export function classCounts(y: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  return counts;
}
