/**
 * A Lipschitz-bounded network as plain tf.Variables (no tf.layers): weights, biases and the
 * power-iteration iterates of each linear layer. The iterates persist between batches, so a
 * few iterations per batch keep the estimates converged while the weights move slowly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng.ts';
import { dense, denseWithNormRow } from '../ops/dense.ts';
import { conv2d, conv2dBackpropInput, conv2dLinear } from '../ops/conv2d.ts';
import type { ConvGeometry } from '../ops/conv2d.ts';
import { minMax } from '../ops/minmax.ts';
import { customGrad } from '../ops/custom-grad.ts';
import { spaceToDepth2 } from '../ops/space-to-depth.ts';
import { estimatedLipschitz, rowNorms } from '../ops/estimated-lipschitz.ts';
import { reshapeActivations } from '../ops/reshape.ts';
import { activeNative, nativeMatMul } from '../native/matmul.ts';
import { tensorFilledBy, valuesOf } from '../ops/wasm-heap.ts';
import type { LayerPlan, LayerSpec } from '../../../shared/config/layer-plan.ts';
import { RelaxCertError } from '../../../shared/errors.ts';
import type { NamedArray } from '../../store/checkpoint-file.ts';

export type { NamedArray };

interface LinearParams {
  index: number;
  /** Stable names in checkpoints: L{index}.w / .b / .u. */
  keys: [string, string, string];
  spec: Extract<LayerSpec, { kind: 'dense' | 'conv' }>;
  w: tf.Variable;
  b: tf.Variable;
  /** Power-iteration iterate: [1, in] for dense, [1, h, w, cin] for conv; unit norm. */
  u: tf.Variable;
}

/** u·W of hidden dense layers' norm estimates, by layer index, as forward() computed them. */
type NormRows = Map<number, tf.Tensor>;

function geometry(spec: Extract<LayerSpec, { kind: 'conv' }>): ConvGeometry {
  return { kh: spec.kernel, kw: spec.kernel, stride: spec.stride, padding: spec.padding };
}

/**
 * u·W for a constant row vector u, differentiable in W only: dW = uᵀ·dy is an outer product,
 * and uᵀ is a reshape (tfjs' own gradient would use transpose flags, slow on WASM).
 */
const rowTimesMatrixOp = customGrad(([u, w]) => ({
  value: tf.matMul(u as tf.Tensor2D, w as tf.Tensor2D),
  gradFunc: (dy) => [
    tf.zerosLike(u),
    tf.matMul(tf.reshape(u, [u.shape[1] as number, 1]) as tf.Tensor2D, dy as tf.Tensor2D),
  ],
}));

/** The same product through the native kernels (uᵀ·dy is an outer product there too). */
const rowTimesMatrixNativeOp = customGrad(([u, w]) => ({
  value: nativeMatMul(u, w),
  gradFunc: (dy) => [tf.zerosLike(u), nativeMatMul(u, dy, true, false)],
}));

function rowTimesMatrix(u: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const op = activeNative() !== undefined ? rowTimesMatrixNativeOp : rowTimesMatrixOp;
  return op(u, w) as tf.Tensor2D;
}

/** ℓ2 norm as three kernels (tf.norm runs seven, ~15× the CPU on tiny tensors). */
function l2(t: tf.Tensor): tf.Scalar {
  return tf.sqrt(tf.sum(tf.square(t))) as tf.Scalar;
}

/**
 * t / (‖t‖ + 1e-12). With the native kernels, one JavaScript pass over the iterate where it lies
 * (float64 sum): the five tfjs kernels took ~150 µs an iterate on WASM, about 0.6 ms of a
 * dense-3x1000 step's 4 iterates, the pass 11 µs for 1,000 values (docs/PERFORMANCE.md).
 */
function normalize(t: tf.Tensor): tf.Tensor {
  if (activeNative() === undefined) return tf.div(t, tf.add(l2(t), 1e-12));
  return tensorFilledBy(t.shape, (out) => {
    const v = valuesOf(t);
    let sum = 0;
    for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
    const norm = Math.sqrt(sum) + 1e-12;
    for (let i = 0; i < v.length; i++) out[i] = v[i] / norm;
  });
}

export class Network {
  readonly plan: LayerPlan;
  readonly linear: LinearParams[] = [];
  private zeroBias = new Map<number, tf.Tensor1D>();

  constructor(plan: LayerPlan, seed: number) {
    this.plan = plan;
    const rng = new Rng(seed);
    const gaussian = (n: number, std: number): Float32Array => {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
      return a;
    };
    plan.layers.forEach((spec, index) => {
      if (spec.kind !== 'dense' && spec.kind !== 'conv') return;
      let wShape: number[];
      let uShape: number[];
      let fanIn: number;
      let fanOut: number;
      if (spec.kind === 'dense') {
        wShape = [spec.inFeatures, spec.units];
        uShape = [1, spec.inFeatures];
        fanIn = spec.inFeatures;
        fanOut = spec.units;
      } else {
        const [h, w, cin] = spec.inShape;
        wShape = [spec.kernel, spec.kernel, cin, spec.filters];
        uShape = [1, h, w, cin];
        fanIn = spec.kernel * spec.kernel * cin;
        fanOut = spec.filters;
      }
      // Scaled so that each layer's spectral norm starts near 1.
      const std = 1 / (Math.sqrt(fanIn) + Math.sqrt(fanOut));
      const wSize = wShape.reduce((a, b) => a * b, 1);
      const uSize = uShape.reduce((a, b) => a * b, 1);
      const units = spec.kind === 'dense' ? spec.units : spec.filters;
      const u0 = gaussian(uSize, 1);
      let norm = 0;
      for (const v of u0) norm += v * v;
      norm = Math.sqrt(norm);
      for (let i = 0; i < u0.length; i++) u0[i] /= norm;
      const wInit = gaussian(wSize, std);
      // tidy frees the initial values; variables survive it.
      // tfjs variable names are global: left to tfjs (unique), checkpoints use `keys`.
      const [w, b, u] = tf.tidy(() => [
        tf.variable(tf.tensor(wInit, wShape), true),
        tf.variable(tf.zeros([units]), true),
        tf.variable(tf.tensor(u0, uShape), false),
      ]);
      const keys: [string, string, string] = [`L${index}.w`, `L${index}.b`, `L${index}.u`];
      this.linear.push({ index, keys, spec, w, b, u });
    });
  }

  trainableVariables(): tf.Variable[] {
    return this.linear.flatMap((l) => [l.w, l.b]);
  }

  /** Checkpoint names of trainableVariables(), same order. */
  trainableKeys(): string[] {
    return this.linear.flatMap((l) => [l.keys[0], l.keys[1]]);
  }

  /**
   * Logits [n, C] for inputs [n, ...inputShape]. `inputGradient: false` when nothing
   * differentiates x (training): the first layer (conv or dense) then skips its input gradient.
   * Without a gradient tape (prediction) each layer's input is disposed as soon as its output
   * exists, so at most two layers' activations are live: predicting 512 images of 28×28×1
   * through cnn-c2f2 otherwise held all seven (about 230 MB) until the caller's tidy ended, and
   * the WASM heap keeps its high-water mark (docs/PERFORMANCE.md).
   * With `normRows` (native kernels only; logitsAndLipschitz) each hidden dense layer also
   * leaves its norm estimate's row u·W there.
   */
  forward(
    x: tf.Tensor,
    { inputGradient = true, normRows }: { inputGradient?: boolean; normRows?: NormRows } = {},
  ): tf.Tensor2D {
    const predicting = tf.engine().state.gradientDepth === 0;
    const lastLinear = this.linear[this.linear.length - 1];
    let h: tf.Tensor = x;
    let next = 0;
    for (const spec of this.plan.layers) {
      let out: tf.Tensor;
      switch (spec.kind) {
        case 'dense': {
          const p = this.linear[next++];
          const flat = h.rank === 2 ? h : reshapeActivations(h, [h.shape[0], -1]);
          const options = { inputGradient: inputGradient || p !== this.linear[0] };
          if (normRows !== undefined && p !== lastLinear) {
            const { y, r } = denseWithNormRow(
              flat as tf.Tensor2D,
              p.w as tf.Tensor2D,
              p.b as tf.Tensor1D,
              p.u as tf.Tensor2D,
              options,
            );
            normRows.set(p.index, r);
            out = y;
          } else {
            out = dense(flat as tf.Tensor2D, p.w as tf.Tensor2D, p.b as tf.Tensor1D, options);
          }
          if (predicting && flat !== h) flat.dispose();
          break;
        }
        case 'conv': {
          const p = this.linear[next++];
          out = conv2d(h as tf.Tensor4D, p.w as tf.Tensor4D, p.b as tf.Tensor1D, geometry(spec), {
            inputGradient: inputGradient || p !== this.linear[0],
          });
          break;
        }
        case 'minmax':
          out = minMax(h);
          break;
        case 'downsample':
          out = spaceToDepth2(h as tf.Tensor4D);
          break;
        case 'flatten':
          out = reshapeActivations(h, [h.shape[0], -1]);
          break;
      }
      // Under a tape the activations are the backward pass's business (and the caller's tidy).
      if (predicting && h !== x) h.dispose();
      h = out;
    }
    return h as tf.Tensor2D;
  }

  /** The linear operator of layer p applied to a batch of one (no bias). */
  private apply(p: LinearParams, u: tf.Tensor): tf.Tensor {
    if (p.spec.kind === 'dense') return rowTimesMatrix(u as tf.Tensor2D, p.w as tf.Tensor2D);
    let bias = this.zeroBias.get(p.index);
    if (bias === undefined) {
      bias = tf.keep(tf.zeros([p.spec.filters])) as tf.Tensor1D;
      this.zeroBias.set(p.index, bias);
    }
    // The custom-gradient conv: tfjs' own conv gradient needs a kernel WASM lacks. The
    // iterate is a constant: no gradient for it.
    return conv2d(u as tf.Tensor4D, p.w as tf.Tensor4D, bias, geometry(p.spec), {
      inputGradient: false,
    });
  }

  private applyTranspose(p: LinearParams, v: tf.Tensor): tf.Tensor {
    if (p.spec.kind === 'dense') {
      if (activeNative() !== undefined) return nativeMatMul(v, p.w, false, true);
      // v·Wᵀ = (W·vᵀ)ᵀ, and a row vector's transpose is a reshape: no matrix transpose.
      const w = p.w as tf.Tensor2D;
      return tf.reshape(tf.matMul(w, tf.reshape(v, [w.shape[1], 1]) as tf.Tensor2D), [
        1,
        w.shape[0],
      ]);
    }
    const [h, w] = p.spec.inShape;
    return conv2dBackpropInput(v as tf.Tensor4D, p.w as tf.Tensor4D, h, w, geometry(p.spec));
  }

  /** `iterations` power-iteration steps on every hidden linear layer's iterate (no gradient). */
  powerIterate(iterations: number): void {
    if (iterations <= 0) return;
    tf.tidy(() => {
      for (const p of this.linear.slice(0, -1)) {
        let u: tf.Tensor = p.u;
        for (let i = 0; i < iterations; i++) {
          const v = this.applyLinearNoGrad(p, u);
          u = normalize(this.applyTranspose(p, v));
        }
        p.u.assign(u);
      }
    });
  }

  private applyLinearNoGrad(p: LinearParams, u: tf.Tensor): tf.Tensor {
    if (p.spec.kind === 'dense') {
      if (activeNative() !== undefined) return nativeMatMul(u, p.w);
      return tf.matMul(u as tf.Tensor2D, p.w as tf.Tensor2D);
    }
    return conv2dLinear(u as tf.Tensor4D, p.w as tf.Tensor4D, geometry(p.spec));
  }

  /** u·W (or A u) of each hidden linear layer: from `normRows` where the forward pass left it. */
  private normEstimateRows(normRows?: NormRows): tf.Tensor[] {
    return this.linear.slice(0, -1).map((p) => normRows?.get(p.index) ?? this.apply(p, p.u));
  }

  /** Per-layer norm estimates ‖A u‖ of the hidden layers (tests hold them to the proven bounds). */
  layerNorms(): number[] {
    return tf.tidy(() => rowNorms(this.normEstimateRows()));
  }

  /**
   * The C×C matrix K with K[j, i] ≥ Lip(f_j − f_i) as estimated for training:
   * ‖w_j − w_i‖ × Π (earlier layers' norms), and that product (`prefix`). Differentiable (GloRo
   * trains through it); ops/estimated-lipschitz.ts.
   */
  lipschitzMatrix(normRows?: NormRows): { k: tf.Tensor2D; prefix: tf.Scalar } {
    const last = this.linear[this.linear.length - 1];
    return estimatedLipschitz(last.w as tf.Tensor2D, this.normEstimateRows(normRows));
  }

  /**
   * Logits and the Lipschitz matrix for a training loss (under a gradient tape). With the native
   * kernels each hidden dense layer computes its norm estimate's row u·W in the same op as its
   * output (denseWithNormRow), so that W's two gradient terms make one product.
   */
  logitsAndLipschitz(x: tf.Tensor): { logits: tf.Tensor2D; k: tf.Tensor2D } {
    const normRows: NormRows | undefined = activeNative() !== undefined ? new Map() : undefined;
    const logits = this.forward(x, { inputGradient: false, normRows });
    return { logits, k: this.lipschitzMatrix(normRows).k };
  }

  /** Weights, biases and iterates, in a stable order, for checkpoints and the sound bounds. */
  async exportArrays(): Promise<NamedArray[]> {
    const out: NamedArray[] = [];
    for (const p of this.linear) {
      for (const [i, v] of [p.w, p.b, p.u].entries()) {
        out.push({ name: p.keys[i], shape: [...v.shape], data: (await v.data()) as Float32Array });
      }
    }
    return out;
  }

  /**
   * Loads weights, biases and iterates by name; `file` (the checkpoint they came from) is named
   * in the error when they do not fit this network.
   */
  importArrays(arrays: NamedArray[], file = 'checkpoint'): void {
    const byName = new Map(arrays.map((a) => [a.name, a]));
    const misfit = (why: string): never => {
      throw new RelaxCertError('CONFLICT', `${file}: ${why}`, { file });
    };
    for (const p of this.linear) {
      for (const [i, v] of [p.w, p.b, p.u].entries()) {
        const key = p.keys[i];
        const a = byName.get(key);
        if (a === undefined) return misfit(`lacks ${key}, which the model needs`);
        if (a.shape.join('x') !== v.shape.join('x')) {
          misfit(`${key} has shape [${a.shape}], the model [${v.shape}]`);
        }
        tf.tidy(() => v.assign(tf.tensor(a.data, a.shape)));
      }
    }
  }

  dispose(): void {
    for (const p of this.linear) {
      p.w.dispose();
      p.b.dispose();
      p.u.dispose();
    }
    for (const b of this.zeroBias.values()) b.dispose();
    this.zeroBias.clear();
  }
}
