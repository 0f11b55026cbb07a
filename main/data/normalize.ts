/**
 * Input normalisation, per channel (images: the last axis; tabular: each feature):
 *   'none'        values as the reader gives them (images in [0, 1]);
 *   'unit'        images stay in [0, 1]; other data is min–max scaled to [0, 1] with the
 *                 training split's per-feature minimum and maximum;
 *   'standardize' (x − mean) / std with the training split's per-channel mean and std.
 * Statistics always come from the training split, so the test split sees no test information.
 * Image bytes (types.ts) are normalised by rewriting their byte → value table, not their pixels.
 */
import type { Normalization } from '../../shared/config/experiment-choices.ts';
import { isByteImages } from './inputs.ts';
import type { ByteImages, Split } from './types.ts';

/** normalised = (raw − offset[c]) / scale[c] for channel c. */
export interface NormStats {
  offset: Float64Array;
  scale: Float64Array;
}

export function identityStats(channels: number): NormStats {
  return { offset: new Float64Array(channels), scale: new Float64Array(channels).fill(1) };
}

export function computeStats(
  mode: Normalization,
  train: Split,
  channels: number,
  isImage: boolean,
): NormStats {
  const stats = identityStats(channels);
  if (mode === 'none' || (mode === 'unit' && isImage) || train.n === 0) return stats;
  const x = train.x;
  if (isByteImages(x)) {
    // Byte inputs are images, so the mode here is 'standardize'.
    const { sum, sum2 } = byteSums(x);
    return fromSums(sum, sum2, x.bytes.length / channels);
  }
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
  const { sum, sum2 } = channels === 3 ? sums3(x) : sumsGeneric(x, channels);
  return fromSums(sum, sum2, x.length / channels);
}

function fromSums(sum: Float64Array, sum2: Float64Array, count: number): NormStats {
  const stats = identityStats(sum.length);
  for (let c = 0; c < sum.length; c++) {
    const mean = sum[c] / count;
    const variance = Math.max(0, sum2[c] / count - mean * mean);
    const std = Math.sqrt(variance);
    stats.offset[c] = mean;
    stats.scale[c] = std > 1e-12 ? std : 1;
  }
  return stats;
}

/** Per-channel sums from a histogram of the bytes: exact, and one cheap pass. */
function byteSums(x: ByteImages): { sum: Float64Array; sum2: Float64Array } {
  const { bytes, channels, table } = x;
  const counts = new Float64Array(channels * 256);
  if (channels === 3) {
    const c0 = new Uint32Array(256);
    const c1 = new Uint32Array(256);
    const c2 = new Uint32Array(256);
    // Counts in Uint32 blocks (a block holds under 2^32 pixels per channel), summed in Float64.
    const block = 3 * 2 ** 30;
    for (let k0 = 0; k0 < bytes.length; k0 += block) {
      const end = Math.min(bytes.length, k0 + block);
      for (let k = k0; k < end; k += 3) {
        c0[bytes[k]]++;
        c1[bytes[k + 1]]++;
        c2[bytes[k + 2]]++;
      }
      for (let b = 0; b < 256; b++) {
        counts[b] += c0[b];
        counts[256 + b] += c1[b];
        counts[512 + b] += c2[b];
      }
      c0.fill(0);
      c1.fill(0);
      c2.fill(0);
    }
  } else {
    for (let k = 0; k < bytes.length; k++) counts[(k % channels) * 256 + bytes[k]]++;
  }
  const sum = new Float64Array(channels);
  const sum2 = new Float64Array(channels);
  for (let c = 0; c < channels; c++)
    for (let b = 0; b < 256; b++) {
      const v = table[c * 256 + b];
      sum[c] += counts[c * 256 + b] * v;
      sum2[c] += counts[c * 256 + b] * v * v;
    }
  return { sum, sum2 };
}

// Float64 partial sums per block of rows keep the rounding error small on 180M values.
const BLOCK_ROWS = 4096;

/** RGB images: one sequential pass with the three channels in locals (several times faster). */
function sums3(x: Float32Array): { sum: Float64Array; sum2: Float64Array } {
  const sum = new Float64Array(3);
  const sum2 = new Float64Array(3);
  for (let k0 = 0; k0 < x.length; k0 += 3 * BLOCK_ROWS) {
    const end = Math.min(x.length, k0 + 3 * BLOCK_ROWS);
    let a = 0;
    let b = 0;
    let c = 0;
    let a2 = 0;
    let b2 = 0;
    let c2 = 0;
    for (let k = k0; k < end; k += 3) {
      const u = x[k];
      const v = x[k + 1];
      const w = x[k + 2];
      a += u;
      b += v;
      c += w;
      a2 += u * u;
      b2 += v * v;
      c2 += w * w;
    }
    sum[0] += a;
    sum[1] += b;
    sum[2] += c;
    sum2[0] += a2;
    sum2[1] += b2;
    sum2[2] += c2;
  }
  return { sum, sum2 };
}

function sumsGeneric(x: Float32Array, channels: number): { sum: Float64Array; sum2: Float64Array } {
  const sum = new Float64Array(channels);
  const sum2 = new Float64Array(channels);
  const rows = x.length / channels;
  for (let r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
    const end = Math.min(rows, r0 + BLOCK_ROWS) * channels;
    for (let c = 0; c < channels; c++) {
      let s = 0;
      let s2 = 0;
      for (let k = r0 * channels + c; k < end; k += channels) {
        const v = x[k];
        s += v;
        s2 += v * v;
      }
      sum[c] += s;
      sum2[c] += s2;
    }
  }
  return { sum, sum2 };
}

export function applyStats(split: Split, stats: NormStats): void {
  const channels = stats.offset.length;
  if (stats.offset.every((o) => o === 0) && stats.scale.every((v) => v === 1)) return;
  const offset = Float32Array.from(stats.offset);
  const inv = Float32Array.from(stats.scale, (v) => 1 / v);
  const x = split.x;
  if (isByteImages(x)) {
    // A new table, never an edit of one the other split may share; same arithmetic as below.
    const table = x.table.map((v, k) => (v - offset[k >> 8]) * inv[k >> 8]);
    split.x = { ...x, table };
    return;
  }
  if (channels === 3) {
    const [o0, o1, o2] = offset;
    const [i0, i1, i2] = inv;
    for (let k = 0; k < x.length; k += 3) {
      x[k] = (x[k] - o0) * i0;
      x[k + 1] = (x[k + 1] - o1) * i1;
      x[k + 2] = (x[k + 2] - o2) * i2;
    }
    return;
  }
  for (let k = 0; k < x.length; k += channels)
    for (let c = 0; c < channels; c++) x[k + c] = (x[k + c] - offset[c]) * inv[c];
}
