/**
 * Adam written out so that its whole state (moments and step count) is plain tensors we can
 * checkpoint and restore bit for bit; the learning rate is an argument of each step, so
 * schedules need no optimiser rebuild. Bias correction is folded into the step size (computed
 * in double precision from the step count, so a resumed run takes the very same steps).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedArray } from '../model/network.ts';

export class Adam {
  step = 0;
  private m: tf.Variable[];
  private v: tf.Variable[];

  /** `keys`: stable checkpoint names of `vars`, same order. */
  constructor(
    private readonly vars: tf.Variable[],
    private readonly keys: string[],
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7,
  ) {
    // tidy frees the initial values; variables survive it.
    this.m = tf.tidy(() => vars.map((x) => tf.variable(tf.zerosLike(x), false)));
    this.v = tf.tidy(() => vars.map((x) => tf.variable(tf.zerosLike(x), false)));
  }

  /** Applies one update; `grads` in the order of the variables. Does not dispose `grads`. */
  apply(grads: tf.Tensor[], learningRate: number): void {
    this.step++;
    const t = this.step;
    const stepSize = (learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    tf.tidy(() => {
      this.vars.forEach((x, i) => {
        const g = grads[i];
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        x.assign(tf.sub(x, tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(v), this.epsilon))));
      });
    });
  }

  async exportArrays(): Promise<NamedArray[]> {
    const out: NamedArray[] = [];
    for (const [moment, list] of [['m', this.m] as const, ['v', this.v] as const]) {
      for (const [i, x] of list.entries()) {
        const data = (await x.data()) as Float32Array;
        out.push({ name: `adam.${moment}.${this.keys[i]}`, shape: [...x.shape], data });
      }
    }
    return out;
  }

  importArrays(arrays: NamedArray[], step: number): void {
    const byName = new Map(arrays.map((a) => [a.name, a]));
    for (const [moment, list] of [['m', this.m] as const, ['v', this.v] as const]) {
      for (const [i, x] of list.entries()) {
        const a = byName.get(`adam.${moment}.${this.keys[i]}`);
        if (a === undefined) throw new Error(`checkpoint lacks Adam state of ${this.keys[i]}`);
        tf.tidy(() => x.assign(tf.tensor(a.data, a.shape)));
      }
    }
    this.step = step;
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
