/**
 * Test support: the GloRo head written with tfjs ops only, the reference the engine's head
 * (heads/gloro-head.ts, plain JavaScript in one custom-gradient op) is tested against. Which
 * classes are in F^k is a discrete choice: the masks are built behind a zero gradient, and the
 * margins stay differentiable in f and K.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from '../ops/custom-grad.ts';
import { oneHotFloat } from './one-hot.ts';
import type { GloroHead, HeadSpec } from '../heads/head-spec.ts';

/** Large enough to mask any logit or margin; small enough to stay exact in float32 sums. */
const BIG = 1e9;

/**
 * Packed masks [n, 2·kMax + 1, C]: rows 0..kMax−1 one-hot of the a-th largest class, rows
 * kMax..2kMax−1 membership in F^k for k = 1..kMax, last row (first kMax entries) whether k is
 * allowed. Built without gradient (topk and comparisons have none in tfjs).
 */
function maskBuilder(spec: HeadSpec): (f: tf.Tensor2D) => tf.Tensor3D {
  const { numClasses: c, kMax } = spec;
  let setMatrix: Float32Array | undefined;
  let numSets = 0;
  if (spec.sets !== undefined) {
    numSets = spec.sets.length;
    setMatrix = new Float32Array(c * numSets);
    spec.sets.forEach((set, s) => {
      for (const cls of set) setMatrix![cls * numSets + s] = 1;
    });
  }
  const op = customGrad(([f]) => {
    const n = f.shape[0];
    const { indices } = tf.topk(f as tf.Tensor2D, kMax, true);
    const p = oneHotFloat(indices, c) as tf.Tensor3D; // [n, kMax, C]
    const inTop = tf.cumsum(p, 1); // [n, kMax, C]
    let allowed: tf.Tensor2D;
    if (setMatrix === undefined) {
      allowed = tf.ones([n, kMax]);
    } else {
      const memb = tf.reshape(
        tf.matMul(tf.reshape(p, [n * kMax, c]), tf.tensor2d(setMatrix, [c, numSets])),
        [n, kMax, numSets],
      );
      const count = tf.cumsum(memb, 1);
      const ks = tf.reshape(tf.range(1, kMax + 1, 1, 'float32'), [1, kMax, 1]);
      const fits = tf.max(tf.cast(tf.equal(count, ks), 'float32'), 2) as tf.Tensor2D;
      const firstAlways = tf.reshape(oneHotFloat(tf.tensor1d([0], 'int32'), kMax), [1, kMax]);
      allowed = tf.maximum(fits, firstAlways);
    }
    const allowedRow = tf.reshape(
      tf.pad(allowed, [
        [0, 0],
        [0, c - kMax],
      ]),
      [n, 1, c],
    );
    return {
      value: tf.concat([p, inTop, allowedRow], 1),
      gradFunc: (dy: tf.Tensor) => tf.zeros([dy.shape[0], c]),
    };
  });
  return (f) => op(f) as tf.Tensor3D;
}

/**
 * max / min over the last axis whose gradient goes to one arg-extremum. tf.max gives the full
 * gradient to every tied entry, and the head has structural ties (m^1 = m^2 whenever the
 * class beating the top-1 in m^1 also ranks outside F^2), which would double-count.
 */
function selectMax(x: tf.Tensor): tf.Tensor {
  const axis = x.rank - 1;
  if (x.shape[axis] === 1) return tf.squeeze(x, [axis]);
  return tf.sum(tf.mul(x, oneHotFloat(tf.argMax(x, axis), x.shape[axis])), axis);
}

function selectMin(x: tf.Tensor): tf.Tensor {
  const axis = x.rank - 1;
  if (x.shape[axis] === 1) return tf.squeeze(x, [axis]);
  return tf.sum(tf.mul(x, oneHotFloat(tf.argMin(x, axis), x.shape[axis])), axis);
}

/** The head written with tfjs ops only. */
export function makeGloroHeadTf(spec: HeadSpec): GloroHead {
  const masks = maskBuilder(spec);
  const { numClasses: c, kMax } = spec;
  return {
    spec,
    apply(f, k, epsilon) {
      return tf.tidy(() => {
        const n = f.shape[0];
        const packed = masks(f);
        const p = tf.slice(packed, [0, 0, 0], [n, kMax, c]);
        const inTop = tf.slice(packed, [0, kMax, 0], [n, kMax, c]);
        const allowed = tf.reshape(tf.slice(packed, [0, 2 * kMax, 0], [n, 1, kMax]), [n, kMax]);
        const f3 = tf.reshape(f, [n, 1, c]);
        const fTop = tf.sum(tf.mul(p, f3), 2); // [n, kMax]: f of the a-th largest class
        const kTop = tf.reshape(tf.matMul(tf.reshape(p, [n * kMax, c]), k), [n, kMax, c]);
        const z = tf.add(f3, tf.mul(kTop, epsilon)); // z[b, a, i] = f_i + ε K_{j(a), i}
        const margins: tf.Tensor[] = [];
        for (let kk = 1; kk <= kMax; kk++) {
          const inside = tf.slice(inTop, [0, kk - 1, 0], [n, 1, c]);
          const outsideMax = selectMax(tf.sub(z, tf.mul(inside, BIG))); // [n, kMax]
          const mj = tf.sub(fTop, outsideMax);
          const notInK = tf.tensor2d(
            Array.from({ length: kMax }, (_, a) => (a < kk ? 0 : BIG)),
            [1, kMax],
          );
          margins.push(selectMin(tf.add(mj, notInK)));
        }
        const mk = tf.stack(margins, 1); // [n, kMax]
        const m = selectMax(tf.sub(mk, tf.mul(tf.sub(1, allowed), BIG)));
        const bottom = tf.sub(selectMax(f), m);
        return tf.concat([f, tf.reshape(bottom, [n, 1])], 1) as tf.Tensor2D;
      });
    },
  };
}
