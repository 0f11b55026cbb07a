/**
 * Reader and evaluator of the .nnet text format (Kyle Julian, Stanford 2016) used by the ACAS Xu
 * networks: `//` comment lines, then comma-separated numbers, one record per line:
 *   numLayers, inputSize, outputSize, maxLayerSize
 *   layer sizes (numLayers + 1 values, input first)
 *   symmetric flag
 *   input minimums (inputSize), input maximums (inputSize)
 *   means (inputSize + 1, the last for the output), ranges (inputSize + 1, idem)
 *   then per layer: one line per output neuron with its weights, then one line per bias.
 * Hidden layers are ReLU, the last layer linear.
 */
import { dataError } from './data-error.ts';

export interface NnetNetwork {
  file: string;
  inputSize: number;
  outputSize: number;
  /** Input first, output last. */
  layerSizes: number[];
  symmetric: boolean;
  inputMins: Float64Array;
  inputMaxs: Float64Array;
  /** inputSize + 1 values; the last normalises the outputs. */
  means: Float64Array;
  ranges: Float64Array;
  /** weights[k][o * in + i]: layer k, output neuron o, input i. */
  weights: Float64Array[];
  biases: Float64Array[];
}

/** ACAS Xu advisories in output order. */
export const ACAS_CLASS_NAMES = ['COC', 'WL', 'WR', 'SL', 'SR'];

interface NumberLine {
  line: number;
  values: number[];
}

export function parseNnet(text: string, file: string): NnetNetwork {
  const rawLines = text.split(/\r?\n/);
  let cursor = 0;
  const nextLine = (what: string, expected: number | undefined): NumberLine => {
    while (cursor < rawLines.length) {
      const raw = rawLines[cursor++].trim();
      if (raw === '' || raw.startsWith('//')) continue;
      const line = cursor;
      const cells = raw.split(',').map((c) => c.trim());
      if (cells[cells.length - 1] === '') cells.pop(); // the format ends every line with a comma
      const values = cells.map((cell, k) => {
        const v = cell === '' ? Number.NaN : Number(cell);
        if (!Number.isFinite(v))
          throw dataError(file, { line, column: k + 1 }, `${what}: '${cell}' is not a number`);
        return v;
      });
      if (expected !== undefined && values.length !== expected)
        throw dataError(
          file,
          { line },
          `${what}: expected ${expected} values, found ${values.length}`,
        );
      return { line, values };
    }
    throw dataError(file, { line: rawLines.length }, `file ends early: expected ${what}`);
  };

  const sizes = nextLine('header (numLayers, inputSize, outputSize, maxLayerSize)', 4);
  const [numLayers, inputSize, outputSize, maxLayerSize] = sizes.values;
  for (const [name, v] of [
    ['numLayers', numLayers],
    ['inputSize', inputSize],
    ['outputSize', outputSize],
    ['maxLayerSize', maxLayerSize],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw dataError(file, { line: sizes.line }, `${name} must be a positive integer, found ${v}`);
  }
  const layerLine = nextLine(
    `layer sizes (numLayers + 1 = ${numLayers + 1} values)`,
    numLayers + 1,
  );
  const layerSizes = layerLine.values;
  if (layerSizes.some((v) => !Number.isInteger(v) || v < 1))
    throw dataError(file, { line: layerLine.line }, 'layer sizes must be positive integers');
  if (layerSizes[0] !== inputSize)
    throw dataError(
      file,
      { line: layerLine.line },
      `first layer size ${layerSizes[0]} differs from inputSize ${inputSize}`,
    );
  if (layerSizes[numLayers] !== outputSize)
    throw dataError(
      file,
      { line: layerLine.line },
      `last layer size ${layerSizes[numLayers]} differs from outputSize ${outputSize}`,
    );
  if (Math.max(...layerSizes) !== maxLayerSize)
    throw dataError(
      file,
      { line: layerLine.line },
      `largest layer size ${Math.max(...layerSizes)} differs from maxLayerSize ${maxLayerSize}`,
    );
  // Every weight takes at least two characters ("0,"): layer sizes that declare more weights than
  // the file can hold are rejected here, before they are allocated (absurd sizes would otherwise
  // end in a RangeError or an exhausted heap).
  let declared = 0;
  for (let k = 0; k < numLayers; k++) declared += layerSizes[k] * layerSizes[k + 1];
  if (declared > text.length / 2)
    throw dataError(
      file,
      { line: layerLine.line },
      `layer sizes ${layerSizes.join(', ')} declare ${declared.toExponential(3)} weights, more than a file of ${text.length} characters can hold`,
    );
  const symmetricLine = nextLine('symmetric flag', 1);
  const inputMins = Float64Array.from(
    nextLine(`input minimums (${inputSize} values)`, inputSize).values,
  );
  const inputMaxs = Float64Array.from(
    nextLine(`input maximums (${inputSize} values)`, inputSize).values,
  );
  const means = Float64Array.from(
    nextLine(`means (inputSize + 1 = ${inputSize + 1} values)`, inputSize + 1).values,
  );
  const rangeLine = nextLine(`ranges (inputSize + 1 = ${inputSize + 1} values)`, inputSize + 1);
  if (rangeLine.values.some((v) => v <= 0))
    throw dataError(file, { line: rangeLine.line }, 'ranges must be positive');
  const ranges = Float64Array.from(rangeLine.values);

  const weights: Float64Array[] = [];
  const biases: Float64Array[] = [];
  for (let k = 0; k < numLayers; k++) {
    const nIn = layerSizes[k];
    const nOut = layerSizes[k + 1];
    const w = new Float64Array(nIn * nOut);
    for (let o = 0; o < nOut; o++) {
      const row = nextLine(
        `weights of layer ${k + 1}, row ${o + 1} of ${nOut} (${nIn} values)`,
        nIn,
      );
      w.set(row.values, o * nIn);
    }
    const b = new Float64Array(nOut);
    for (let o = 0; o < nOut; o++)
      b[o] = nextLine(`bias ${o + 1} of ${nOut} of layer ${k + 1}`, 1).values[0];
    weights.push(w);
    biases.push(b);
  }
  while (cursor < rawLines.length) {
    const raw = rawLines[cursor++].trim();
    if (raw !== '' && !raw.startsWith('//'))
      throw dataError(
        file,
        { line: cursor },
        'unexpected data after the last layer (wrong layer sizes?)',
      );
  }
  return {
    file,
    inputSize,
    outputSize,
    layerSizes,
    symmetric: symmetricLine.values[0] !== 0,
    inputMins,
    inputMaxs,
    means,
    ranges,
    weights,
    biases,
  };
}

/** Clips a raw input to the box and normalises it by (x − mean) / range, as the network expects. */
export function normaliseInput(
  net: NnetNetwork,
  raw: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < net.inputSize; i++) {
    const v = Math.min(net.inputMaxs[i], Math.max(net.inputMins[i], raw[i]));
    out[i] = (v - net.means[i]) / net.ranges[i];
  }
  return out;
}

/**
 * A reusable evaluator: its layer buffers are allocated once, so sampling 100,000 points does not
 * allocate per point. Returns the de-normalised outputs in a buffer it reuses (copy to keep).
 */
export function createEvaluator(
  net: NnetNetwork,
): (normalisedInput: ArrayLike<number>) => Float64Array {
  const buffers = net.layerSizes.map((n) => new Float64Array(n));
  const last = net.weights.length - 1;
  const outMean = net.means[net.inputSize];
  const outRange = net.ranges[net.inputSize];
  return (input) => {
    const first = buffers[0];
    for (let i = 0; i < net.inputSize; i++) first[i] = input[i];
    for (let k = 0; k <= last; k++) {
      const current = buffers[k];
      const next = buffers[k + 1];
      const nIn = net.layerSizes[k];
      const nOut = net.layerSizes[k + 1];
      const w = net.weights[k];
      const b = net.biases[k];
      for (let o = 0; o < nOut; o++) {
        let s = b[o];
        const base = o * nIn;
        for (let i = 0; i < nIn; i++) s += w[base + i] * current[i];
        next[o] = k < last && s < 0 ? 0 : s;
      }
    }
    const out = buffers[last + 1];
    for (let o = 0; o < out.length; o++) out[o] = out[o] * outRange + outMean;
    return out;
  };
}

/** Network outputs (de-normalised by the output mean and range) for an already normalised input. */
export function evaluateNormalised(net: NnetNetwork, input: ArrayLike<number>): Float64Array {
  return Float64Array.from(createEvaluator(net)(input));
}

/** Outputs for a raw (physical-units) input: clipped to the box, normalised, evaluated. */
export function evaluateNnet(net: NnetNetwork, raw: ArrayLike<number>): Float64Array {
  return evaluateNormalised(net, normaliseInput(net, raw, new Float64Array(net.inputSize)));
}

/** The advisory: index of the SMALLEST output (ACAS Xu outputs are costs); first index on ties. */
export function advisory(outputs: ArrayLike<number>): number {
  let best = 0;
  for (let o = 1; o < outputs.length; o++) if (outputs[o] < outputs[best]) best = o;
  return best;
}

export function nnetClassNames(net: NnetNetwork): string[] {
  return net.outputSize === ACAS_CLASS_NAMES.length
    ? [...ACAS_CLASS_NAMES]
    : Array.from({ length: net.outputSize }, (_, o) => `output ${o}`);
}
