/**
 * 2-D convolution (NHWC, filter [kh, kw, cin, cout]) with a hand-written gradient. The WASM
 * backend has no Conv2DBackpropFilter kernel and a slow Conv2DBackpropInput, so both gradients
 * are forward convolutions: the input gradient correlates the (dilated) output gradient with
 * the flipped filter; the filter gradient is a convolution of the transposed input with the
 * transposed output gradient. Padding is always made explicit, with TensorFlow's 'same' rule.
 * With the native kernels (main/engine/native) the layer's forward pass and both gradients are
 * im2col + SGEMM in C++ instead.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from './custom-grad.ts';
import { tensorFilledBy, valuesOf } from './wasm-heap.ts';
import { backwardViews, keepForBackward, releaseViews } from './saved-views.ts';
import { activeNative, nativeColumnSums } from '../native/matmul.ts';
import { convPads } from '../../../shared/config/conv-geometry.ts';
import type { ConvGeometry, ConvPads } from '../../../shared/config/conv-geometry.ts';

export { convPads };
export type { ConvGeometry, ConvPads };

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

function explicitPad(p: ConvPads): Pad4 {
  return [
    [0, 0],
    [p.top, p.bottom],
    [p.left, p.right],
    [0, 0],
  ];
}

/** Inserts stride − 1 zeros between rows and columns. */
function dilate(dy: tf.Tensor4D, s: number): tf.Tensor4D {
  if (s === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const r = tf.reshape(dy, [n, h, 1, w, 1, c]);
  const padded = tf.pad(r, [
    [0, 0],
    [0, 0],
    [0, s - 1],
    [0, 0],
    [0, s - 1],
    [0, 0],
  ]);
  const big = tf.reshape(padded, [n, h * s, w * s, c]) as tf.Tensor4D;
  return tf.slice(big, [0, 0, 0, 0], [n, (h - 1) * s + 1, (w - 1) * s + 1, c]);
}

/** The native kernels' geometry argument: [n, h, w, cin, kh, kw, cout, stride, pads, out]. */
function nativeShape(n: number, h: number, w: number, cin: number, cout: number, g: ConvGeometry) {
  const p = convPads(h, w, g);
  return [n, h, w, cin, g.kh, g.kw, cout, g.stride, p.top, p.left, p.outH, p.outW];
}

/**
 * The adjoint of the convolution (transpose operator) applied to dy, for input size h × w
 * (native kernels when available; `tfOnly` forces tfjs).
 */
export function conv2dBackpropInput(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  h: number,
  w: number,
  g: ConvGeometry,
  tfOnly = false,
): tf.Tensor4D {
  const kernels = tfOnly ? undefined : activeNative();
  if (kernels !== undefined) {
    const [n, , , cout] = dy.shape;
    const cin = filter.shape[2];
    const shape = nativeShape(n, h, w, cin, cout, g);
    return tensorFilledBy([n, h, w, cin], (out) =>
      kernels.conv2dGradInput(valuesOf(dy), valuesOf(filter), out, shape),
    ) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const p = convPads(h, w, g);
    const s = g.stride;
    const rH = h + p.top + p.bottom - g.kh - (p.outH - 1) * s;
    const rW = w + p.left + p.right - g.kw - (p.outW - 1) * s;
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(dilate(dy, s), flipped, 1, [
      [0, 0],
      [g.kh - 1 - p.top, g.kh - 1 - p.bottom + rH],
      [g.kw - 1 - p.left, g.kw - 1 - p.right + rW],
      [0, 0],
    ]);
  });
}

/** Gradient of the convolution with respect to its filter. */
export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  g: ConvGeometry,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w, cin] = x.shape;
    const cout = dy.shape[3];
    const p = convPads(h, w, g);
    const xp = p.top + p.bottom + p.left + p.right > 0 ? tf.pad(x, explicitPad(p)) : x;
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D; // [cin, hp, wp, n]
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [outH, outW, n, cout]
    const full = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', g.stride); // [cin, kh + r, kw + r, cout]
    const cut =
      full.shape[1] === g.kh && full.shape[2] === g.kw
        ? full
        : tf.slice(full, [0, 0, 0, 0], [cin, g.kh, g.kw, cout]);
    return tf.transpose(cut, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * Plain forward convolution without bias or gradient (power iteration); native kernels when
 * available, `tfOnly` forces tfjs.
 */
export function conv2dLinear(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  g: ConvGeometry,
  tfOnly = false,
): tf.Tensor4D {
  const kernels = tfOnly ? undefined : activeNative();
  const p = convPads(x.shape[1], x.shape[2], g);
  if (kernels !== undefined) {
    const [n, h, w, cin] = x.shape;
    const cout = filter.shape[3];
    const shape = nativeShape(n, h, w, cin, cout, g);
    return tensorFilledBy([n, p.outH, p.outW, cout], (y) =>
      kernels.conv2d(valuesOf(x), valuesOf(filter), null, y, shape),
    ) as tf.Tensor4D;
  }
  return tf.conv2d(x, filter, g.stride, explicitPad(p));
}

/** A zero gradient for an input nothing differentiates (see ConvOptions.inputGradient). */
function noInputGradient(x: tf.Tensor): tf.Tensor {
  return tf.zeros(x.shape);
}

function makeConvOp(g: ConvGeometry, inputGradient: boolean) {
  return customGrad(([x, f, b]) => {
    const x4 = x as tf.Tensor4D;
    const f4 = f as tf.Tensor4D;
    const saved = keepForBackward([x4, f4]);
    const p = convPads(x4.shape[1], x4.shape[2], g);
    const value = tf.fused.conv2d({
      x: x4,
      filter: f4,
      strides: g.stride,
      pad: explicitPad(p),
      bias: b,
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const [xs, fs] = backwardViews(saved) as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        const dx = inputGradient
          ? conv2dBackpropInput(dy4, fs, xs.shape[1], xs.shape[2], g, true)
          : noInputGradient(xs);
        const df = conv2dBackpropFilter(xs, dy4, g);
        const db = tf.sum(dy4, [0, 1, 2]);
        releaseViews([xs, fs]);
        return [dx, df, db];
      },
    };
  });
}

function makeNativeConvOp(g: ConvGeometry, inputGradient: boolean) {
  return customGrad(([x, f, b]) => {
    const kernels = activeNative();
    if (kernels === undefined) throw new Error('native kernels are not available');
    const saved = keepForBackward([x, f]);
    const [n, h, w, cin] = x.shape as [number, number, number, number];
    const cout = f.shape[3] as number;
    const p = convPads(h, w, g);
    const shape = nativeShape(n, h, w, cin, cout, g);
    // Heap views are taken inside each fill, after the output's allocation (a growing heap
    // moves).
    const value = tensorFilledBy([n, p.outH, p.outW, cout], (y) =>
      kernels.conv2d(valuesOf(x), valuesOf(f), valuesOf(b), y, shape),
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const [xs, fs] = backwardViews(saved);
        const dx = inputGradient
          ? tensorFilledBy(xs.shape, (out) =>
              kernels.conv2dGradInput(valuesOf(dy), valuesOf(fs), out, shape),
            )
          : noInputGradient(xs);
        const df = tensorFilledBy(fs.shape, (out) =>
          kernels.conv2dGradFilter(valuesOf(xs), valuesOf(dy), out, shape),
        );
        releaseViews([xs, fs]);
        return [dx, df, nativeColumnSums(dy)];
      },
    };
  });
}

const opCache = new Map<string, ReturnType<typeof makeConvOp>>();

export interface ConvOptions {
  /** Force the tfjs op even when native kernels are loaded (the reference in tests). */
  tfOnly?: boolean;
  /**
   * false: the backward pass returns zeros for x instead of computing its gradient, for inputs
   * nothing differentiates (the network's data, the power-iteration iterate). The first conv
   * layer's input gradient was 1.7 % of a 28×28×1 cnn-c2f2 step (docs/PERFORMANCE.md).
   */
  inputGradient?: boolean;
}

/**
 * Convolution with bias and the custom gradient above, or its native version when the native
 * kernels are available.
 */
export function conv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  g: ConvGeometry,
  { tfOnly = false, inputGradient = true }: ConvOptions = {},
): tf.Tensor4D {
  const native = !tfOnly && activeNative() !== undefined;
  const key = `${native ? 'native' : 'tf'},${inputGradient},${g.kh},${g.kw},${g.stride},${g.padding}`;
  let op = opCache.get(key);
  if (op === undefined) {
    op = native ? makeNativeConvOp(g, inputGradient) : makeConvOp(g, inputGradient);
    opCache.set(key, op);
  }
  return op(x, filter, bias) as tf.Tensor4D;
}
