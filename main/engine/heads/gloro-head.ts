/**
 * The GloRo head the engine trains and predicts with (spec and interface: head-spec.ts), the
 * per-point work done in plain JavaScript inside one custom-gradient op. The head is a handful
 * of maxima and minima over at most kMax × C numbers per point, which tfjs spreads over a few
 * hundred tiny kernels (~15 ms per batch of dense-3x1000 training on WASM, mostly per-kernel
 * overhead); here it is one download of f and K, one loop, one upload, and the backward pass
 * routes each point's ⊥-gradient to the four entries its margin came from:
 *   g_⊥ = f_top − m,  m = f_{j*} − f_{i*} − ε K_{j* i*}  ⇒  ∂g_⊥/∂f_top = 1, ∂/∂f_{j*} = −1,
 *   ∂/∂f_{i*} = +1, ∂/∂K_{j* i*} = ε.
 * When k = C is allowed there is no class outside F^k: m = f_{j*} + BIG (certified, as in the
 * shared core where m = +∞). The all-tfjs reference it is tested against is
 * main/engine/testing/gloro-head-tf.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from '../ops/custom-grad.ts';
import { selectTopK } from '../../../shared/certify/index.ts';
import type { GloroHead, HeadSpec } from './head-spec.ts';

const BIG = 1e9;

interface Choice {
  top: Int32Array;
  j: Int32Array;
  /** −1 when the margin has no outside class (k = C). */
  i: Int32Array;
}

/** The head's forward pass over plain arrays, with scratch space reused between batches. */
function makeForward(spec: HeadSpec) {
  const { numClasses: c, kMax } = spec;
  const sets = spec.sets ?? [];
  const setOf = sets.map((s) => {
    const member = new Uint8Array(c);
    for (const cls of s) member[cls] = 1;
    return member;
  });
  const order = new Int32Array(kMax);
  const inTop = new Uint8Array(c);
  const count = new Int32Array(sets.length);

  /** m^k = min over j in F^k of f_j − max_{i ∉ F^k} (f_i + ε K_ji), with its arg-extrema. */
  function margin(f: Float32Array, k: Float32Array, row: number, kk: number, eps: number) {
    let mk = Infinity;
    let mkJ = order[0];
    let mkI = -1;
    for (let r = 0; r < kk; r++) {
      const j = order[r];
      let outside = -Infinity;
      let arg = -1;
      for (let i = 0; i < c; i++) {
        if (inTop[i]) continue;
        const v = f[row + i] + eps * k[j * c + i];
        if (v > outside) {
          outside = v;
          arg = i;
        }
      }
      const mj = arg < 0 ? f[row + j] + BIG : f[row + j] - outside;
      if (mj < mk) {
        mk = mj;
        mkJ = j;
        mkI = arg;
      }
    }
    return { mk, mkJ, mkI };
  }

  return function forward(f: Float32Array, k: Float32Array, n: number, eps: number) {
    const bottom = new Float32Array(n);
    const choice: Choice = { top: new Int32Array(n), j: new Int32Array(n), i: new Int32Array(n) };
    for (let b = 0; b < n; b++) {
      const row = b * c;
      // Top kMax classes, ties to the lower id: the shared core's selection.
      selectTopK(f, row, c, kMax, order, 0);
      count.fill(0);
      let best = -Infinity;
      let bestJ = order[0];
      let bestI = -1;
      for (let kk = 1; kk <= kMax; kk++) {
        const added = order[kk - 1];
        inTop[added] = 1;
        let allowed = kk === 1 || sets.length === 0;
        for (let s = 0; s < sets.length; s++) {
          if (setOf[s][added]) count[s]++;
          if (count[s] === kk) allowed = true;
        }
        if (!allowed) continue;
        const { mk, mkJ, mkI } = margin(f, k, row, kk, eps);
        if (mk > best) {
          best = mk;
          bestJ = mkJ;
          bestI = mkI;
        }
      }
      for (let r = 0; r < kMax; r++) inTop[order[r]] = 0;
      bottom[b] = f[row + order[0]] - best;
      choice.top[b] = order[0];
      choice.j[b] = bestJ;
      choice.i[b] = bestI;
    }
    return { bottom, choice };
  };
}

/** Routes each point's ⊥-gradient to the four entries its margin came from. */
function backward(d: Float32Array, choice: Choice, n: number, c: number, epsilon: number) {
  const df = new Float32Array(n * c);
  const dk = new Float32Array(c * c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < c; i++) df[b * c + i] = d[b * (c + 1) + i];
    const g = d[b * (c + 1) + c];
    if (g === 0) continue;
    df[b * c + choice.top[b]] += g;
    df[b * c + choice.j[b]] -= g;
    const i = choice.i[b];
    if (i >= 0) {
      df[b * c + i] += g;
      dk[choice.j[b] * c + i] += g * epsilon;
    }
  }
  return [tf.tensor2d(df, [n, c]), tf.tensor2d(dk, [c, c])];
}

export function makeGloroHead(spec: HeadSpec): GloroHead {
  const c = spec.numClasses;
  const forward = makeForward(spec);
  return {
    spec,
    apply(f, k, epsilon) {
      const op = customGrad(([fT, kT]) => {
        const n = fT.shape[0];
        const { bottom, choice } = forward(
          fT.dataSync() as Float32Array,
          kT.dataSync() as Float32Array,
          n,
          epsilon,
        );
        const value = tf.concat([fT, tf.tensor2d(bottom, [n, 1])], 1);
        return {
          value,
          gradFunc: (dy: tf.Tensor) =>
            backward(dy.dataSync() as Float32Array, choice, n, c, epsilon),
        };
      });
      return op(f, k) as tf.Tensor2D;
    },
  };
}
