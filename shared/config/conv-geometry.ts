/**
 * Geometry of a 2-D convolution and its explicit padding, with TensorFlow's 'same' rule (the
 * extra row or column of an odd total goes after). Plain arithmetic: the engine pads with it,
 * and the ONNX export writes the same pads into its Conv nodes.
 */

export interface ConvGeometry {
  kh: number;
  kw: number;
  stride: number;
  padding: 'same' | 'valid';
}

export interface ConvPads {
  top: number;
  bottom: number;
  left: number;
  right: number;
  outH: number;
  outW: number;
}

function pads1(
  size: number,
  k: number,
  s: number,
  padding: 'same' | 'valid',
): [number, number, number] {
  if (padding === 'valid') {
    if (size < k) throw new Error(`convolution: input ${size} smaller than kernel ${k}`);
    return [0, 0, Math.floor((size - k) / s) + 1];
  }
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before, out];
}

export function convPads(h: number, w: number, g: ConvGeometry): ConvPads {
  const [top, bottom, outH] = pads1(h, g.kh, g.stride, g.padding);
  const [left, right, outW] = pads1(w, g.kw, g.stride, g.padding);
  return { top, bottom, left, right, outH, outW };
}
