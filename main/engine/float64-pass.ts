/**
 * The evaluation's forward pass, in float64 JavaScript (no tfjs backend): the test-set logits
 * of the network in (almost) exact arithmetic and, in the same loops, what the rounding-error
 * bound (bounds/float-error.ts) measures per point: c = |W|·|a| + |b| for every linear layer
 * (‖c‖₂ for hidden layers, c per class for the logit layer) and max|a| of each layer's input.
 *
 * Why float64: the logits at x then carry about 2^-29 of the float32 error, so certificates
 * lose almost nothing to rounding at x (issue 12: the float32 pass cost up to 3 points of VRA
 * for that half alone on nets with a 12,544-wide layer), and no backend's arithmetic (TF32 on
 * a GPU, Winograd convolutions) needs trusting. The logits are stored as float32; that last
 * rounding is part of the bound.
 *
 * Cost: every linear layer's products twice (signed and absolute) in float64, by the native
 * kernels where they are built (native/src/dual-dots.cc), else in scalar JavaScript.
 */
import { rowsOf } from '../data/inputs.ts';
import type { Split } from '../data/types.ts';
import type { LayerPlan, LayerSpec } from '../../shared/config/layer-plan.ts';
import { convPads } from '../../shared/config/conv-geometry.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import type { NamedArray } from './model/network.ts';
import { measuredNormBound, measuredSumBound } from './bounds/float-error.ts';
import { nativeKernels } from './native/load.ts';
import type { ErrorNetworkSpec, PointMeasurements } from './bounds/float-error.ts';

/** Weights ([in, out] dense, [kh, kw, cin, cout] conv) and bias of plan layer `index`. */
export type LayerWeights = (index: number) => { w: Float32Array; b: Float32Array };

/** LayerWeights from a network's exported arrays (names `L<index>.w`, `L<index>.b`). */
export function layerWeights(arrays: NamedArray[]): LayerWeights {
  const byName = new Map(arrays.map((a) => [a.name, a.data]));
  return (index) => {
    const w = byName.get(`L${index}.w`);
    const b = byName.get(`L${index}.b`);
    if (w === undefined || b === undefined) {
      throw new RelaxCertError('INTERNAL', `no weights for layer ${index}`);
    }
    return { w, b };
  };
}

/** One block of `rows` points flowing through the network: values and their layout. */
interface Block {
  rows: number;
  /** rows × width values (NHWC images flattened per point). */
  h: Float64Array;
  width: number;
  /** Channels of the last linear layer's output (MinMax pairs channels k and k + c/2). */
  channels: number;
}

interface LinearOut {
  y: Float64Array;
  c: Float64Array;
  width: number;
}

/**
 * A layer's weights as rows of its outputs (float64, [out][fanIn]) with their absolute values:
 * each output is then two contiguous dot products, which run several times faster in
 * JavaScript than the [in, out] layout's strided updates.
 */
interface Rows {
  w: Float64Array;
  absW: Float64Array;
  b: Float32Array;
  fanIn: number;
  outputs: number;
}

function outputRows(w: Float32Array, b: Float32Array, fanIn: number, outputs: number): Rows {
  const rows = new Float64Array(fanIn * outputs);
  for (let k = 0; k < fanIn; k++) {
    for (let j = 0; j < outputs; j++) rows[j * fanIn + k] = w[k * outputs + j];
  }
  return { w: rows, absW: rows.map(Math.abs), b, fanIn, outputs };
}

/**
 * For `rows` inputs v_r = src[from + r·fanIn ..] and every output j:
 * y[to + r·outputs + j] = b_j + w_j·v_r and c[…] = |b_j| + |w_j|·|v_r|. Row j of the weights
 * stays in cache across the rows. Four partial sums each: the error model holds for any
 * summation order.
 */
function products(
  p: Rows,
  src: Float64Array,
  abs: Float64Array,
  from: number,
  rows: number,
  out: LinearOut,
  to: number,
): void {
  const n = p.fanIn;
  const native = nativeKernels();
  if (native?.dualDots !== undefined) {
    const m = rows * p.outputs;
    native.dualDots(
      p.w,
      p.absW,
      p.b,
      src.subarray(from, from + rows * n),
      abs.subarray(from, from + rows * n),
      rows,
      n,
      p.outputs,
      out.y.subarray(to, to + m),
      out.c.subarray(to, to + m),
    );
    return;
  }
  const n4 = n - (n % 4);
  const { y, c } = out;
  for (let j = 0; j < p.outputs; j++) {
    const wb = j * n;
    for (let r = 0; r < rows; r++) {
      const v = from + r * n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let k = 0;
      for (; k < n4; k += 4) {
        s0 += p.w[wb + k] * src[v + k];
        s1 += p.w[wb + k + 1] * src[v + k + 1];
        s2 += p.w[wb + k + 2] * src[v + k + 2];
        s3 += p.w[wb + k + 3] * src[v + k + 3];
        a0 += p.absW[wb + k] * abs[v + k];
        a1 += p.absW[wb + k + 1] * abs[v + k + 1];
        a2 += p.absW[wb + k + 2] * abs[v + k + 2];
        a3 += p.absW[wb + k + 3] * abs[v + k + 3];
      }
      for (; k < n; k++) {
        s0 += p.w[wb + k] * src[v + k];
        a0 += p.absW[wb + k] * abs[v + k];
      }
      const at = to + r * p.outputs + j;
      y[at] = p.b[j] + (s0 + s1 + (s2 + s3));
      c[at] = Math.abs(p.b[j]) + (a0 + a1 + (a2 + a3));
    }
  }
}

function dense(p: Rows, block: Block): LinearOut {
  const units = p.outputs;
  const out = {
    y: new Float64Array(block.rows * units),
    c: new Float64Array(block.rows * units),
    width: units,
  };
  products(p, block.h, block.h.map(Math.abs), 0, block.rows, out, 0);
  return out;
}

/** Output positions computed together (their patches: 16 × kh·kw·cin values). */
const PATCHES = 16;

function conv(spec: Extract<LayerSpec, { kind: 'conv' }>, p: Rows, block: Block): LinearOut {
  const [ih, iw, cin] = spec.inShape;
  const k = spec.kernel;
  const cout = spec.filters;
  const pads = convPads(ih, iw, { kh: k, kw: k, stride: spec.stride, padding: spec.padding });
  const width = pads.outH * pads.outW * cout;
  const out = {
    y: new Float64Array(block.rows * width),
    c: new Float64Array(block.rows * width),
    width,
  };
  // Patches (kh·kw·cin values, zeros where padded) of PATCHES consecutive output positions,
  // so each weight row is used for all of them while it is in cache.
  const positions = pads.outH * pads.outW;
  const patches = new Float64Array(PATCHES * p.fanIn);
  const absPatches = new Float64Array(PATCHES * p.fanIn);
  for (let r = 0; r < block.rows; r++) {
    const x0 = r * block.width;
    for (let first = 0; first < positions; first += PATCHES) {
      const count = Math.min(PATCHES, positions - first);
      let t = 0;
      for (let pos = first; pos < first + count; pos++) {
        const oy = Math.floor(pos / pads.outW);
        const ox = pos - oy * pads.outW;
        for (let a = 0; a < k; a++) {
          const iy = oy * spec.stride + a - pads.top;
          for (let e = 0; e < k; e++) {
            const ix = ox * spec.stride + e - pads.left;
            const inside = iy >= 0 && iy < ih && ix >= 0 && ix < iw;
            const at = x0 + (iy * iw + ix) * cin;
            for (let ci = 0; ci < cin; ci++, t++) {
              patches[t] = inside ? block.h[at + ci] : 0;
              absPatches[t] = Math.abs(patches[t]);
            }
          }
        }
      }
      products(p, patches, absPatches, 0, count, out, r * width + first * cout);
    }
  }
  return out;
}

/** MinMax (ops/minmax.ts): channel pairs (k, k + c/2) → (min, max), in place. */
function minMax(block: Block): void {
  const { h, channels } = block;
  const half = channels / 2;
  for (let s = 0; s < h.length; s += channels) {
    for (let k = 0; k < half; k++) {
      const a = h[s + k];
      const bb = h[s + k + half];
      h[s + k] = a < bb ? a : bb;
      h[s + k + half] = a < bb ? bb : a;
    }
  }
}

/** Space-to-depth by 2 with the (row parity, column parity, channel) order of ops/space-to-depth.ts. */
function downsample(spec: Extract<LayerSpec, { kind: 'downsample' }>, block: Block): void {
  const [ih, iw, ch] = spec.inShape;
  const out = new Float64Array(block.h.length);
  for (let r = 0; r < block.rows; r++) {
    const base = r * block.width;
    for (let y = 0; y < ih; y++) {
      for (let x = 0; x < iw; x++) {
        const to = ((y >> 1) * (iw / 2) + (x >> 1)) * 4 * ch + ((y & 1) * 2 + (x & 1)) * ch;
        const from = (y * iw + x) * ch;
        for (let k = 0; k < ch; k++) out[base + to + k] = block.h[base + from + k];
      }
    }
  }
  block.h = out;
  block.channels = 4 * ch;
}

function maxAbsRows(block: Block, into: Float64Array, first: number): void {
  for (let r = 0; r < block.rows; r++) {
    let m = 0;
    for (let t = r * block.width; t < (r + 1) * block.width; t++) {
      const v = Math.abs(block.h[t]);
      if (v > m) m = v;
    }
    // NaN or ∞ inputs make every bound of the point +∞.
    into[first + r] = m === m ? m : Infinity;
  }
}

/** Zeroed measurements of `n` points, `c` classes, `linear` linear layers. */
export function emptyMeasurements(n: number, c: number, linear: number): PointMeasurements {
  return {
    logits: new Float32Array(n * c),
    hiddenNorms: Array.from({ length: linear - 1 }, () => new Float64Array(n)),
    inputMaxAbs: Array.from({ length: linear }, () => new Float64Array(n)),
    lastSums: new Float64Array(n * c),
  };
}

/** A network ready for the float64 pass: its plan and its linear layers as output rows. */
export interface Float64Network {
  plan: LayerPlan;
  layers: Rows[];
}

/** Converts the weights once (the pass itself runs on many chunks of points). */
export function float64Network(plan: LayerPlan, weights: LayerWeights): Float64Network {
  const layers: Rows[] = [];
  plan.layers.forEach((layer, index) => {
    if (layer.kind !== 'dense' && layer.kind !== 'conv') return;
    const { w, b } = weights(index);
    layers.push(
      layer.kind === 'dense'
        ? outputRows(w, b, layer.inFeatures, layer.units)
        : outputRows(w, b, layer.kernel ** 2 * layer.inShape[2], layer.filters),
    );
  });
  return { plan, layers };
}

/**
 * Logits (float64, stored as float32) and the per-point measurements of the error bound for
 * every point of `split`, `blockSize` points at a time.
 */
export function exactLogitsWithMeasurements(
  net: Float64Network,
  split: Split,
  spec: ErrorNetworkSpec,
  blockSize = 16,
): PointMeasurements {
  const { plan, layers: params } = net;
  const c = plan.numClasses;
  const size = plan.inputShape.reduce((a, b) => a * b, 1);
  const n = split.n;
  const m = emptyMeasurements(n, c, params.length);
  for (let first = 0; first < n; first += blockSize) {
    const rows = Math.min(blockSize, n - first);
    const block: Block = {
      rows,
      h: Float64Array.from(rowsOf(split, first, rows, size)),
      width: size,
      channels: plan.inputShape[plan.inputShape.length - 1],
    };
    let l = 0;
    for (const layer of plan.layers) {
      if (layer.kind === 'minmax') minMax(block);
      else if (layer.kind === 'downsample') downsample(layer, block);
      else if (layer.kind === 'dense' || layer.kind === 'conv') {
        maxAbsRows(block, m.inputMaxAbs[l], first);
        const out =
          layer.kind === 'dense' ? dense(params[l], block) : conv(layer, params[l], block);
        record(m, spec, l, out, first, rows, c);
        block.h = out.y;
        block.width = out.width;
        block.channels = layer.kind === 'dense' ? layer.units : layer.filters;
        l++;
      }
    }
    // Round to the stored float32 logits (the bound counts this rounding).
    for (let t = 0; t < rows * c; t++) m.logits[first * c + t] = block.h[t];
  }
  return m;
}

/** Stores layer l's measurements for the block's points. */
function record(
  m: PointMeasurements,
  spec: ErrorNetworkSpec,
  l: number,
  out: LinearOut,
  first: number,
  rows: number,
  c: number,
): void {
  const fanIn = spec.layers[l].fanIn;
  if (l < m.hiddenNorms.length) {
    for (let r = 0; r < rows; r++) {
      let squares = 0;
      for (let t = r * out.width; t < (r + 1) * out.width; t++) squares += out.c[t] * out.c[t];
      m.hiddenNorms[l][first + r] = measuredNormBound(squares, out.width, fanIn);
    }
    return;
  }
  for (let t = 0; t < rows * c; t++) {
    m.lastSums[first * c + t] = measuredSumBound(out.c[t], fanIn);
  }
}
