/**
 * A float64 forward pass of a layer plan with given float32 weights, for tests: the "exact"
 * network the float32 error bound is measured against. Its own rounding error is that of the
 * float32 bound with u = 2^-53 instead of 2^-24, i.e. about 2^-29 of it.
 */
import type { LayerPlan } from '../../../shared/config/layer-plan.ts';
import { applyConv2d } from '../bounds/testing/conv-dense-matrix.ts';

/** Weights and biases of plan layer `index` (tfjs layouts: dense [in, out], conv [kh,kw,cin,cout]). */
export type ReferenceWeights = (index: number) => { w: Float32Array; b: Float32Array };

export function referenceLogits(
  plan: LayerPlan,
  weights: ReferenceWeights,
  x: ArrayLike<number>,
): Float64Array {
  let h: Float64Array = Float64Array.from(x);
  plan.layers.forEach((spec, index) => {
    switch (spec.kind) {
      case 'dense': {
        const { w, b } = weights(index);
        const y = new Float64Array(spec.units);
        for (let j = 0; j < spec.units; j++) {
          let s = b[j];
          for (let k = 0; k < spec.inFeatures; k++) s += w[k * spec.units + j] * h[k];
          y[j] = s;
        }
        h = y;
        break;
      }
      case 'conv': {
        const { w, b } = weights(index);
        const [ih, iw, cin] = spec.inShape;
        const y = applyConv2d(
          w,
          {
            kh: spec.kernel,
            kw: spec.kernel,
            cin,
            cout: spec.filters,
            h: ih,
            w: iw,
            stride: spec.stride,
            padding: spec.padding,
          },
          h,
        );
        for (let t = 0; t < y.length; t++) y[t] += b[t % spec.filters];
        h = y;
        break;
      }
      case 'minmax': {
        // Channels last: pairs (k, k + c/2) → (min, max), as ops/minmax.ts.
        const c = plan.layers[index - 1]?.kind === 'conv' ? channelsBefore(plan, index) : h.length;
        const half = c / 2;
        const y = new Float64Array(h.length);
        for (let r = 0; r < h.length; r += c) {
          for (let k = 0; k < half; k++) {
            const a = h[r + k];
            const bb = h[r + k + half];
            y[r + k] = Math.min(a, bb);
            y[r + k + half] = Math.max(a, bb);
          }
        }
        h = y;
        break;
      }
      case 'downsample': {
        // [h, w, c] → [h/2, w/2, 4c] with the (row parity, column parity, channel) order of
        // ops/space-to-depth.ts.
        const [ih, iw, c] = spec.inShape;
        const y = new Float64Array(h.length);
        for (let r = 0; r < ih; r++) {
          for (let q = 0; q < iw; q++) {
            for (let k = 0; k < c; k++) {
              const out =
                ((r >> 1) * (iw / 2) + (q >> 1)) * 4 * c + ((r & 1) * 2 + (q & 1)) * c + k;
              y[out] = h[(r * iw + q) * c + k];
            }
          }
        }
        h = y;
        break;
      }
      case 'flatten':
        break;
    }
  });
  return h;
}

/** Channels of the conv output that feeds the MinMax at plan index `index`. */
function channelsBefore(plan: LayerPlan, index: number): number {
  const prev = plan.layers[index - 1];
  return prev.kind === 'conv' ? prev.filters : 0;
}
