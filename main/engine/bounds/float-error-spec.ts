/**
 * The network constants of the float32 error bound (float-error.ts), from the float32 weights as
 * stored, in float64: per linear layer its fan-in, output count, ‖|W|‖₂ bound and largest
 * absolute row sum; for the logit layer the class rows' norms and their largest distance.
 * Every float64 sum is of non-negative terms and is rounded up by γ64 of its length.
 */
import type { LayerPlan } from '../../../shared/config/layer-plan.ts';
import { RelaxCertError } from '../../../shared/errors.ts';
import type { ErrorNetworkSpec, LinearErrorSpec } from './float-error.ts';
import { gamma64, UNIT_ROUNDOFF_64 } from './rounding.ts';

/** Entry-wise absolute sums of a linear operator: largest over outputs and over inputs. */
interface AbsSums {
  maxRow: number;
  maxCol: number;
}

/** Dense kernel in the tfjs layout [inputs, units]: output j's row is column j. */
function denseAbsSums(w: Float32Array, inputs: number, units: number): AbsSums {
  const rows = new Float64Array(units);
  let maxCol = 0;
  for (let k = 0; k < inputs; k++) {
    let col = 0;
    for (let j = 0; j < units; j++) {
      const a = Math.abs(w[k * units + j]);
      rows[j] += a;
      col += a;
    }
    maxCol = Math.max(maxCol, col);
  }
  return {
    maxRow: Math.max(0, ...rows) * (1 + gamma64(inputs + 2)),
    maxCol: maxCol * (1 + gamma64(units + 2)),
  };
}

/**
 * Conv kernel [kh, kw, cin, cout]. An output (position, o) sums at most the whole filter o; an
 * input (position, c) reaches at most every tap of every filter through channel c (fewer with
 * padding or strides), so these bounds hold for any geometry.
 */
function convAbsSums(k: Float32Array, taps: number, cin: number, cout: number): AbsSums {
  const perOut = new Float64Array(cout);
  const perIn = new Float64Array(cin);
  for (let t = 0; t < taps; t++) {
    for (let c = 0; c < cin; c++) {
      for (let o = 0; o < cout; o++) {
        const a = Math.abs(k[(t * cin + c) * cout + o]);
        perOut[o] += a;
        perIn[c] += a;
      }
    }
  }
  return {
    maxRow: Math.max(0, ...perOut) * (1 + gamma64(taps * cin + 2)),
    maxCol: Math.max(0, ...perIn) * (1 + gamma64(taps * cout + 2)),
  };
}

/** Class rows of the last dense kernel [inputs, classes]: their norms and largest distance. */
function classGeometry(
  w: Float32Array,
  inputs: number,
  classes: number,
): { norms: Float64Array<ArrayBuffer>; maxDistance: number } {
  const factor = 1 + (inputs + 8) * UNIT_ROUNDOFF_64 + 1e-12;
  const norms = new Float64Array(classes);
  let maxDistance = 0;
  for (let j = 0; j < classes; j++) {
    let s = 0;
    for (let t = 0; t < inputs; t++) s += w[t * classes + j] ** 2;
    norms[j] = Math.sqrt(s) * factor;
    for (let i = j + 1; i < classes; i++) {
      let d = 0;
      for (let t = 0; t < inputs; t++) d += (w[t * classes + j] - w[t * classes + i]) ** 2;
      maxDistance = Math.max(maxDistance, Math.sqrt(d) * factor);
    }
  }
  return { norms, maxDistance };
}

/**
 * `weights(index)` gives the kernel of plan layer `index`; `layerBounds` are the proven spectral
 * bounds of the hidden linear layers in order (as K uses them); `maxK` the largest entry of K.
 */
export function errorNetworkSpec(
  plan: LayerPlan,
  weights: (index: number) => Float32Array,
  layerBounds: number[],
  maxK: number,
): ErrorNetworkSpec {
  const layers: LinearErrorSpec[] = [];
  let classRowNorms = new Float64Array(0);
  let maxRowDistance = 0;
  const linear = plan.layers
    .map((spec, index) => ({ spec, index }))
    .filter(({ spec }) => spec.kind === 'dense' || spec.kind === 'conv');
  if (layerBounds.length !== linear.length - 1) {
    throw new RelaxCertError(
      'INTERNAL',
      `float-error: ${layerBounds.length} layer bounds for ${linear.length - 1} hidden layers`,
    );
  }
  linear.forEach(({ spec, index }, n) => {
    const w = weights(index);
    const lipschitz = layerBounds[n] ?? 0; // the logit layer's own bound is not used
    let sums: AbsSums;
    let fanIn: number;
    let outputs: number;
    if (spec.kind === 'dense') {
      sums = denseAbsSums(w, spec.inFeatures, spec.units);
      fanIn = spec.inFeatures;
      outputs = spec.units;
      if (n === linear.length - 1) {
        const g = classGeometry(w, spec.inFeatures, spec.units);
        classRowNorms = g.norms;
        maxRowDistance = g.maxDistance;
      }
    } else if (spec.kind === 'conv') {
      const cin = spec.inShape[2];
      sums = convAbsSums(w, spec.kernel * spec.kernel, cin, spec.filters);
      fanIn = spec.kernel * spec.kernel * cin;
      outputs = spec.outShape[0] * spec.outShape[1] * spec.outShape[2];
    } else {
      return;
    }
    layers.push({
      fanIn,
      outputs,
      lipschitz,
      // ‖A‖₂ ≤ √(‖A‖₁‖A‖∞) for A = |W| (Hölder), with a rounding margin on the square root.
      absNorm: Math.sqrt(sums.maxRow * sums.maxCol) * (1 + 1e-12),
      maxAbsRowSum: sums.maxRow,
    });
  });
  const last = linear[linear.length - 1];
  if (last === undefined || last.spec.kind !== 'dense') {
    throw new RelaxCertError('INTERNAL', 'float-error: the last layer must be dense');
  }
  return { layers, classRowNorms, maxRowDistance, maxK };
}
