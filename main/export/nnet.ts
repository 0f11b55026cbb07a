/**
 * A dense MinMax network in the .nnet text format that the ACAS Xu verifiers read (layout in
 * main/data/nnet.ts): ReLU hidden layers, a linear output layer, input box and normalisation in
 * the header.
 *
 * MinMax pairs unit j with unit j + u/2: (a, b) → (min(a, b), max(a, b)). It is rewritten
 * exactly with ReLU, five neurons per pair,
 *   r = [relu(a), relu(−a), relu(b), relu(−b), relu(a − b)],
 *   min(a, b) = a − relu(a − b) = r0 − r1 − r4,   max(a, b) = b + relu(a − b) = r2 − r3 + r4,
 * (a = relu(a) − relu(−a) carries a through the ReLU). The rows that make r from the layer's
 * input and the columns that read min/max in the next layer are folded into the weights, so a
 * hidden layer of u units becomes one ReLU layer of 5u/2 neurons. Products are formed in float64
 * and printed with every digit, so the rewrite adds no rounding beyond float64's.
 */
import type { LayerPlan } from '../../shared/config/layer-plan.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import type { NamedArray } from '../store/checkpoint-file.ts';

/** The header's input description: raw inputs are clipped to [min, max], then (x − mean) / range. */
export interface NnetInputs {
  mins: ArrayLike<number>;
  maxs: ArrayLike<number>;
  means: ArrayLike<number>;
  ranges: ArrayLike<number>;
}

export interface NnetExportInput {
  plan: LayerPlan;
  weights: NamedArray[];
  inputs: NnetInputs;
  /**
   * Write −logits: for ACAS Xu, whose advisory is the SMALLEST output (outputs are costs), so
   * the export is a drop-in replacement of the original network.
   */
  negateOutputs: boolean;
  /** Lines of the leading `//` comment. */
  comments: string[];
}

/** One affine layer: y = W x + b with W[o * nIn + i] (the .nnet order). */
interface Affine {
  nIn: number;
  nOut: number;
  w: Float64Array;
  b: Float64Array;
}

/** Neurons per MinMax pair in the ReLU form. */
const PER_PAIR = 5;

function denseWeights(plan: LayerPlan, weights: NamedArray[]) {
  const byName = new Map(weights.map((a) => [a.name, a]));
  const layers: Array<{ nIn: number; nOut: number; w: Float32Array; b: Float32Array }> = [];
  plan.layers.forEach((spec, index) => {
    if (spec.kind === 'conv' || spec.kind === 'downsample') {
      throw new RelaxCertError(
        'INVALID_INPUT',
        `.nnet holds dense networks only; this one has a ${spec.kind === 'conv' ? 'convolution' : 'downsampling'} layer (export it as ONNX)`,
        { field: 'format' },
      );
    }
    if (spec.kind !== 'dense') return;
    const w = byName.get(`L${index}.w`);
    const b = byName.get(`L${index}.b`);
    if (w === undefined || b === undefined || w.data.length !== spec.inFeatures * spec.units) {
      throw new RelaxCertError(
        'INVALID_INPUT',
        `the checkpoint lacks the weights of layer L${index} (${spec.inFeatures}×${spec.units})`,
        { field: `L${index}.w` },
      );
    }
    layers.push({ nIn: spec.inFeatures, nOut: spec.units, w: w.data, b: b.data });
  });
  // Every dense layer but the last is followed by MinMax (shared/config/layer-plan.ts).
  return layers;
}

/**
 * The network as ReLU affine layers (all but the last followed by ReLU), computing exactly the
 * MinMax network's function.
 */
export function reluLayers(plan: LayerPlan, weights: NamedArray[], negate = false): Affine[] {
  const dense = denseWeights(plan, weights);
  const out: Affine[] = [];
  let prevPairs = 0; // MinMax pairs of the previous layer; 0: the input, read as is
  dense.forEach((layer, k) => {
    const last = k === dense.length - 1;
    const { nOut } = layer;
    const nIn = prevPairs === 0 ? layer.nIn : PER_PAIR * prevPairs;
    // z = W h + b, with h read from the previous ReLU neurons: W'[o][r] for r of pair j.
    const zw = new Float64Array(nOut * nIn);
    const zb = Float64Array.from(layer.b);
    for (let o = 0; o < nOut; o++) {
      if (prevPairs === 0) {
        for (let i = 0; i < nIn; i++) zw[o * nIn + i] = layer.w[i * nOut + o];
        continue;
      }
      for (let j = 0; j < prevPairs; j++) {
        const wMin = layer.w[j * nOut + o]; // weight of min(a_j, b_j)
        const wMax = layer.w[(j + prevPairs) * nOut + o]; // weight of max(a_j, b_j)
        const r = o * nIn + PER_PAIR * j;
        zw[r] = wMin;
        zw[r + 1] = -wMin;
        zw[r + 2] = wMax;
        zw[r + 3] = -wMax;
        zw[r + 4] = wMax - wMin;
      }
    }
    if (last) {
      if (negate) {
        for (let t = 0; t < zw.length; t++) zw[t] = -zw[t];
        for (let t = 0; t < zb.length; t++) zb[t] = -zb[t];
      }
      out.push({ nIn, nOut, w: zw, b: zb });
      return;
    }
    // Hidden: rows a, −a, b, −b, a − b for each pair (a = z_j, b = z_{j + u/2}).
    const pairs = nOut / 2;
    const rows = PER_PAIR * pairs;
    const w = new Float64Array(rows * nIn);
    const b = new Float64Array(rows);
    for (let j = 0; j < pairs; j++) {
      const a = zw.subarray(j * nIn, (j + 1) * nIn);
      const bb = zw.subarray((j + pairs) * nIn, (j + pairs + 1) * nIn);
      const base = PER_PAIR * j;
      for (let i = 0; i < nIn; i++) {
        w[base * nIn + i] = a[i];
        w[(base + 1) * nIn + i] = -a[i];
        w[(base + 2) * nIn + i] = bb[i];
        w[(base + 3) * nIn + i] = -bb[i];
        w[(base + 4) * nIn + i] = a[i] - bb[i];
      }
      b[base] = zb[j];
      b[base + 1] = -zb[j];
      b[base + 2] = zb[j + pairs];
      b[base + 3] = -zb[j + pairs];
      b[base + 4] = zb[j] - zb[j + pairs];
    }
    out.push({ nIn, nOut: rows, w, b });
    prevPairs = pairs;
  });
  return out;
}

/** Shortest text that reads back as the same float64 (no exponent-free padding). */
function num(v: number): string {
  return Object.is(v, -0) ? '0' : String(v);
}

function row(values: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < values.length; i++) s += `${num(values[i])},`;
  return s;
}

/** Lines per chunk of the text: one string per chunk keeps memory flat on 3 × 1000 nets. */
const CHUNK_LINES = 256;

/**
 * The .nnet text of the network, in chunks (a 3 × 1000 MinMax net becomes ~12 million weights,
 * about 250 MB of text: too large to build as one string).
 */
export function* encodeNnet(input: NnetExportInput): Generator<string> {
  const layers = reluLayers(input.plan, input.weights, input.negateOutputs);
  const d = layers[0].nIn;
  const { mins, maxs, means, ranges } = input.inputs;
  for (const [name, v] of [
    ['mins', mins],
    ['maxs', maxs],
    ['means', means],
    ['ranges', ranges],
  ] as const) {
    if (v.length !== d) {
      throw new RelaxCertError(
        'INVALID_INPUT',
        `.nnet header: ${d} inputs but ${v.length} input ${name}`,
        { field: name },
      );
    }
  }
  const sizes = [d, ...layers.map((l) => l.nOut)];
  const header: string[] = input.comments.map((c) => `// ${c}`);
  header.push(`${layers.length},${d},${sizes[sizes.length - 1]},${Math.max(...sizes)},`);
  header.push(row(sizes));
  header.push('0,');
  header.push(row(mins));
  header.push(row(maxs));
  // The output's mean and range come last: 0 and 1, the outputs are the layer's own values.
  header.push(row([...Array.from(means), 0]));
  header.push(row([...Array.from(ranges), 1]));
  yield `${header.join('\n')}\n`;
  let chunk: string[] = [];
  const flush = function* (force: boolean): Generator<string> {
    if (chunk.length >= CHUNK_LINES || (force && chunk.length > 0)) {
      yield `${chunk.join('\n')}\n`;
      chunk = [];
    }
  };
  for (const layer of layers) {
    for (let o = 0; o < layer.nOut; o++) {
      chunk.push(row(layer.w.subarray(o * layer.nIn, (o + 1) * layer.nIn)));
      yield* flush(false);
    }
    for (let o = 0; o < layer.nOut; o++) {
      chunk.push(`${num(layer.b[o])},`);
      yield* flush(false);
    }
  }
  yield* flush(true);
}
