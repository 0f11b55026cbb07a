/**
 * Adam on flat float32 arrays in plain JavaScript: one fused pass over the parameters instead
 * of ~10 tfjs kernels per variable, the state is plain memory (checkpointed bit for bit, and
 * shareable between data-parallel replicas through SharedArrayBuffers, each updating a range),
 * and the learning rate is an argument of each step. Bias correction is folded into the step
 * size, computed in double precision from the step count, so a resumed run takes the very
 * same steps. The weights live in `params`; `push()` uploads them into the tf.Variables.
 * With the native kernels the loop runs in C++ on their threads with the same double-precision
 * arithmetic (the same weights bit for bit, tested; ~20 ns a parameter in JavaScript was 17 % of
 * a dense-3x1000 step, docs/PERFORMANCE.md).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { NamedArray } from '../model/network.ts';
import { setValues, tensorFilledBy, valuesOf } from '../ops/wasm-heap.ts';
import { nativeKernels } from '../native/load.ts';

export interface AdamBuffers {
  params: SharedArrayBuffer;
  m: SharedArrayBuffer;
  v: SharedArrayBuffer;
}

export interface FlatLayout {
  offsets: number[];
  sizes: number[];
  shapes: number[][];
  total: number;
}

export function flatLayout(vars: tf.Variable[]): FlatLayout {
  const offsets: number[] = [];
  const sizes: number[] = [];
  let total = 0;
  for (const v of vars) {
    offsets.push(total);
    sizes.push(v.size);
    total += v.size;
  }
  return { offsets, sizes, shapes: vars.map((v) => [...v.shape]), total };
}

export class Adam {
  step = 0;
  readonly layout: FlatLayout;
  readonly params: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly grad: Float32Array;
  readonly buffers?: AdamBuffers;
  /** Whether the native loop may run (when loaded): false keeps the JavaScript one (tests). */
  useNative = true;

  /**
   * `keys`: stable checkpoint names of `vars`, same order. `shared`: put the weights and
   * moments in SharedArrayBuffers (true: new ones; or the buffers of another replica).
   */
  constructor(
    private readonly vars: tf.Variable[],
    private readonly keys: string[],
    shared: boolean | AdamBuffers = false,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7,
  ) {
    this.layout = flatLayout(vars);
    const n = this.layout.total;
    if (shared === false) {
      this.params = new Float32Array(n);
      this.m = new Float32Array(n);
      this.v = new Float32Array(n);
    } else {
      const b: AdamBuffers =
        shared === true
          ? {
              params: new SharedArrayBuffer(n * 4),
              m: new SharedArrayBuffer(n * 4),
              v: new SharedArrayBuffer(n * 4),
            }
          : shared;
      this.buffers = b;
      this.params = new Float32Array(b.params);
      this.m = new Float32Array(b.m);
      this.v = new Float32Array(b.v);
    }
    this.grad = new Float32Array(n);
    if (shared === false || shared === true) this.pull();
  }

  /** Copies the variables' values into `params`. */
  pull(): void {
    this.vars.forEach((x, i) => this.params.set(valuesOf(x), this.layout.offsets[i]));
  }

  /** Uploads `params` into the variables. */
  push(): void {
    const { offsets, sizes } = this.layout;
    this.vars.forEach((x, i) =>
      setValues(x, this.params.subarray(offsets[i], offsets[i] + sizes[i])),
    );
  }

  /** Adam update of params[lo, hi) with the flat gradient `g`, as step number `t`. */
  update(g: Float32Array, learningRate: number, t: number, lo = 0, hi = this.layout.total): void {
    this.updateCombined(g, g, 1, 0, learningRate, t, lo, hi);
  }

  /**
   * Adam update of params[lo, hi) with the gradient w0·g0 + w1·g1 (w1 = 0: g1 ignored), in
   * one pass: the data-parallel replicas combine their halves and update in the same loop.
   */
  updateCombined(
    g0: Float32Array,
    g1: Float32Array,
    w0: number,
    w1: number,
    learningRate: number,
    t: number,
    lo: number,
    hi: number,
  ): void {
    const { beta1: b1, beta2: b2, epsilon: eps, params: p, m, v } = this;
    const stepSize = this.stepSize(learningRate, t);
    const native = this.useNative ? nativeKernels() : undefined;
    if (native !== undefined) {
      native.adam(p, m, v, g0, w1 === 0 ? null : g1, this.coefficients(w0, w1, stepSize), lo, hi);
      return;
    }
    const c1 = 1 - b1;
    const c2 = 1 - b2;
    for (let j = lo; j < hi; j++) {
      // Rounded to float32 like a stored gradient, so the result does not depend on fusion.
      const gj = Math.fround(w1 === 0 ? w0 * g0[j] : w0 * g0[j] + w1 * g1[j]);
      const mj = b1 * m[j] + c1 * gj;
      const vj = b2 * v[j] + c2 * gj * gj;
      m[j] = mj;
      v[j] = vj;
      p[j] -= (stepSize * mj) / (Math.sqrt(vj) + eps);
    }
  }

  /** The native update's coefficients: [w0, w1, beta1, beta2, stepSize, epsilon]. */
  private coefficients(w0: number, w1: number, stepSize: number): Float64Array {
    return Float64Array.of(w0, w1, this.beta1, this.beta2, stepSize, this.epsilon);
  }

  /** Adam's step size at step `t`: the learning rate with both bias corrections. */
  private stepSize(learningRate: number, t: number): number {
    return (learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
  }

  /** One whole step: reads `grads` (variable order; not disposed), updates, uploads. */
  apply(grads: tf.Tensor[], learningRate: number): void {
    this.step++;
    const native = this.useNative ? nativeKernels() : undefined;
    const { offsets, sizes } = this.layout;
    if (native === undefined) {
      grads.forEach((g, i) => this.grad.set(valuesOf(g), offsets[i]));
      this.update(this.grad, learningRate, this.step);
      this.push();
      return;
    }
    // Each variable's gradient read where it lies (a view of the WASM heap), and its updated
    // weights written in the same pass into the variable's new memory: no copy into the flat
    // array before, none out of it after (push() took ~1 ms of a dense-3x1000 step). The same
    // element-wise arithmetic, so the same weights.
    const coefficients = this.coefficients(1, 0, this.stepSize(learningRate, this.step));
    grads.forEach((g, i) => {
      const range = (a: Float32Array) => a.subarray(offsets[i], offsets[i] + sizes[i]);
      const x = this.vars[i];
      const updated = tensorFilledBy([...x.shape], (out) =>
        native.adam(
          range(this.params),
          range(this.m),
          range(this.v),
          valuesOf(g),
          null,
          coefficients,
          0,
          sizes[i],
          out,
        ),
      );
      // New memory, never written in place: see setValues.
      x.assign(updated);
      updated.dispose();
    });
  }

  async exportArrays(): Promise<NamedArray[]> {
    const out: NamedArray[] = [];
    const { offsets, sizes, shapes } = this.layout;
    for (const [moment, arr] of [
      ['m', this.m],
      ['v', this.v],
    ] as const) {
      this.keys.forEach((key, i) =>
        out.push({
          name: `adam.${moment}.${key}`,
          shape: shapes[i],
          data: arr.slice(offsets[i], offsets[i] + sizes[i]),
        }),
      );
    }
    return out;
  }

  /** Restores the moments and step; the weights come from the variables (`pull`). */
  importArrays(arrays: NamedArray[], step: number): void {
    const byName = new Map(arrays.map((a) => [a.name, a]));
    for (const [moment, arr] of [
      ['m', this.m],
      ['v', this.v],
    ] as const) {
      this.keys.forEach((key, i) => {
        const a = byName.get(`adam.${moment}.${key}`);
        if (a === undefined) throw new Error(`checkpoint lacks Adam state of ${key}`);
        if (a.data.length !== this.layout.sizes[i]) throw new Error(`Adam state of ${key}: size`);
        arr.set(a.data, this.layout.offsets[i]);
      });
    }
    this.step = step;
    this.pull();
  }

  dispose(): void {
    /* plain memory */
  }
}
