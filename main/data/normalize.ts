/**
 * Input normalisation, per channel (images: the last axis; tabular: each feature):
 *   'none'        values as the reader gives them (images in [0, 1]);
 *   'unit'        images stay in [0, 1]; other data is min–max scaled to [0, 1] with the
 *                 training split's per-feature minimum and maximum;
 *   'standardize' (x − mean) / std with the training split's per-channel mean and std.
 * Statistics always come from the training split, so the test split sees no test information.
 */
import type { Split } from './types.ts';

export type NormalizeMode = 'none' | 'unit' | 'standardize';

/** normalised = (raw − offset[c]) / scale[c] for channel c. */
export interface NormStats {
  offset: Float64Array;
  scale: Float64Array;
}

export function identityStats(channels: number): NormStats {
  return { offset: new Float64Array(channels), scale: new Float64Array(channels).fill(1) };
}

export function computeStats(
  mode: NormalizeMode,
  train: Split,
  channels: number,
  isImage: boolean,
): NormStats {
  const stats = identityStats(channels);
  if (mode === 'none' || (mode === 'unit' && isImage) || train.n === 0) return stats;
  const x = train.x;
  if (mode === 'unit') {
    const min = new Float64Array(channels).fill(Infinity);
    const max = new Float64Array(channels).fill(-Infinity);
    for (let k = 0; k < x.length; k++) {
      const c = k % channels;
      if (x[k] < min[c]) min[c] = x[k];
      if (x[k] > max[c]) max[c] = x[k];
    }
    for (let c = 0; c < channels; c++) {
      stats.offset[c] = min[c];
      stats.scale[c] = max[c] > min[c] ? max[c] - min[c] : 1;
    }
    return stats;
  }
  const sum = new Float64Array(channels);
  const sum2 = new Float64Array(channels);
  // One sequential pass, accumulating per row in locals: strided passes per channel are several
  // times slower on 180M-value image sets.
  const rows = x.length / channels;
  const BLOCK = 4096; // float64 partial sums per block keep rounding error small
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = Math.min(rows, r0 + BLOCK);
    for (let c = 0; c < channels; c++) {
      let s = 0;
      let s2 = 0;
      for (let k = r0 * channels + c, end = r1 * channels; k < end; k += channels) {
        const v = x[k];
        s += v;
        s2 += v * v;
      }
      sum[c] += s;
      sum2[c] += s2;
    }
  }
  const count = x.length / channels;
  for (let c = 0; c < channels; c++) {
    const mean = sum[c] / count;
    const variance = Math.max(0, sum2[c] / count - mean * mean);
    const std = Math.sqrt(variance);
    stats.offset[c] = mean;
    stats.scale[c] = std > 1e-12 ? std : 1;
  }
  return stats;
}

export function applyStats(split: Split, stats: NormStats): void {
  const channels = stats.offset.length;
  if (stats.offset.every((o) => o === 0) && stats.scale.every((v) => v === 1)) return;
  const x = split.x;
  const offset = Float32Array.from(stats.offset);
  const inv = Float32Array.from(stats.scale, (v) => 1 / v);
  for (let k = 0; k < x.length; k += channels)
    for (let c = 0; c < channels; c++) x[k + c] = (x[k + c] - offset[c]) * inv[c];
}
